#!/usr/bin/env bash
# Issue 13, question 1b (docs/experiments.md): the combination "many clips and many epochs":
# scratch FT on synth-diving with 40 training clips per class and 60 FT epochs (else the default
# run's recipe), seed 0 (the budget). Needs experiments/q1-ft-curve.sh step 2's combined index.
# Usage: experiments/q1-ft-n40-e60.sh [H=/tmp/h5]
set -euo pipefail
H=${1:-/tmp/h5}
cd "$(dirname "$0")/.."
t0=$(date +%s)
npx ppma bench --models scratch:vit-nano --synth "$H/curve/combined/index.json" --tasks synth-diving-n40 \
  --mode ft --preset tiny --ft-epochs 60 --seeds 1 --out "$H/curve/ft-n40-e60"
echo "ft-n40-e60 $(( $(date +%s) - t0 )) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/curve/timings.txt"
