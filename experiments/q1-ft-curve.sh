#!/usr/bin/env bash
# Issue 13, question 1b (docs/experiments.md): scratch FT (the default run's recipe: tiny bench
# preset, 15 FT epochs, 2 clips x 3 crops, seeds 0-2) on synth-diving and synth-uav with 6, 16 and
# 40 training clips per class (experiments/q1-ft-data.ts), and with 45 FT epochs at 6 per class.
# Usage: experiments/q1-ft-curve.sh [H=/tmp/h5]
set -euo pipefail
H=${1:-/tmp/h5}
cd "$(dirname "$0")/.."
bench() { # out, index, extra...
  local out=$1 idx=$2; shift 2
  local t0=$(date +%s)
  npx ppma bench --models scratch:vit-nano --synth "$idx" --tasks synth-diving synth-uav --mode ft \
    --preset tiny --seeds 3 --out "$out" "$@"
  echo "$out $(( $(date +%s) - t0 )) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/curve/timings.txt"
}
for n in 6 16 40; do bench "$H/curve/ft-n$n" "$H/curve/n$n/index.json" --ft-epochs 15; done
bench "$H/curve/ft-n6-e45" "$H/curve/n6/index.json" --ft-epochs 45
