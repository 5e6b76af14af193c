#!/usr/bin/env bash
# Q3 of issue 13 (docs/experiments.md): longer MAE and VideoMAE tube masking 0.9 on the No-Human
# clips of the default run, each followed by the PPMA alignment (No-Human + synthetic) with the
# pipeline's tiny recipe. Inputs are copies of the default run's stages under $H (read-only source:
# the quiet default run). Usage: experiments/q3-pretrain.sh [H=/tmp/h5]
set -euo pipefail
H=${1:-/tmp/h5}
NH=$H/remove-humans-c05a291d94e7/train.csv
SY=$H/data-133d9e39519c/pretrain-synthetic/train.csv
cd "$(dirname "$0")/.."
run() { # name, extra pretrain flags...
  local name=$1; shift
  local t0=$(date +%s)
  npx ppma pretrain --data "$NH" --preset tiny --batch-size 8 --repeats 2 --lr 1.5e-3 --preview-every 0 \
    --out "$H/q3/$name" "$@"
  local t1=$(date +%s)
  npx ppma align --init "$H/q3/$name/encoder.safetensors" --data nohuman="$NH" --data synthetic="$SY" \
    --preset cpu --epochs 15 --batch-size 8 --lr 2e-3 --out "$H/q3/$name-align"
  local t2=$(date +%s)
  echo "$name pretrain $((t1 - t0)) s, align $((t2 - t1)) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/q3/timings.txt"
}
mkdir -p "$H/q3"
run mae-nh-2x --epochs 80 --masking random --mask-ratio 0.75
run mae-nh-tube90 --epochs 40 --masking tube --mask-ratio 0.9
