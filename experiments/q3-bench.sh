#!/usr/bin/env bash
# Issue 13, question 3 (docs/experiments.md): FT of a PPMA model built on a variant MAE
# (experiments/q3-pretrain.sh) on the default run's five tasks with the default run's protocol
# (tiny bench preset, 15 FT epochs, 2 clips x 3 crops). Seeds: $3 (default 1, i.e. seed 0 only:
# the machine's budget at load 15-19 on 2 cores). Compared, paired on clips, with the default
# run's ppma on the same seeds by experiments/compare-runs.ts.
# Usage: experiments/q3-bench.sh <H=/tmp/h5> <variant: mae-nh-2x | mae-nh-tube90> [seeds=1]
set -euo pipefail
H=$1
V=$2
K=${3:-1}
cd "$(dirname "$0")/.."
t0=$(date +%s)
npx ppma bench --models "$H/q3/$V-align/model.safetensors" \
  --synth "$H/data-133d9e39519c/index.json" --tasks synth-ucf synth-hmdb synth-ssv2 synth-diving synth-uav \
  --mode ft --preset tiny --ft-epochs 15 --seeds "$K" --out "$H/q3/bench-$V"
echo "q3 bench $V $(( $(date +%s) - t0 )) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/q3/timings.txt"
