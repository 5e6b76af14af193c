#!/usr/bin/env bash
# Issue 13, question 1b (docs/experiments.md): FT epochs. The default run's 15 FT epochs leave the
# training loss on synth-diving at ~1.73 (ln 6 = 1.79) for every model. Here: 60 FT epochs, all else
# the default run's recipe, scratch and the default run's PPMA model, the default run's 6 training
# clips per class (re-encoded, experiments/q1-ft-data.ts), seeds 0 and 1.
# Usage: experiments/q1-ft-epochs.sh [H=/tmp/h5]
set -euo pipefail
H=${1:-/tmp/h5}
cd "$(dirname "$0")/.."
t0=$(date +%s)
npx ppma bench --models scratch:vit-nano "$H/align-ppma-5b9a59e7fc65/model.safetensors" \
  --synth "$H/curve/n6/index.json" --tasks synth-diving synth-uav \
  --mode ft --preset tiny --ft-epochs 60 --seeds 2 --out "$H/curve/ft-n6-e60"
echo "ft-n6-e60 $(( $(date +%s) - t0 )) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/curve/timings.txt"
