#!/usr/bin/env bash
# Issue 13, question 1b (docs/experiments.md): scratch FT (the default run's recipe: tiny bench
# preset, 15 FT epochs, 2 clips x 3 crops) on synth-diving and synth-uav with more training clips
# per class (experiments/q1-ft-data.ts). Step 1: 6 clips per class (re-encoded), seeds 0-2. Step 2
# (one invocation, so the validation videos are decoded once): 40 and 16 clips per class, seed 0
# only (the machine's budget: load 12-16 on 2 cores). The combined index names the tasks
# synth-<task>-n<N> and points every one at the default run's validation manifest.
# Usage: experiments/q1-ft-curve.sh [H=/tmp/h5] [step: 1|2|all]
set -euo pipefail
H=${1:-/tmp/h5}
STEP=${2:-all}
cd "$(dirname "$0")/.."
log() { echo "$1 $(( $(date +%s) - $2 )) s, load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$H/curve/timings.txt"; }
if [[ $STEP == 1 || $STEP == all ]]; then
  t0=$(date +%s)
  npx ppma bench --models scratch:vit-nano --synth "$H/curve/n6/index.json" --tasks synth-diving synth-uav \
    --mode ft --preset tiny --ft-epochs 15 --seeds 3 --out "$H/curve/ft-n6"
  log ft-n6 "$t0"
fi
if [[ $STEP == 2 || $STEP == all ]]; then
  /usr/bin/python3 - "$H" <<'PY'
import json, sys
h = sys.argv[1]
tasks = []
for n in (40, 16):
    d = json.load(open(f"{h}/curve/n{n}/index.json"))
    for t in d["tasks"]:
        if t["name"] not in ("synth-diving", "synth-uav"):
            continue
        name = t["name"]
        tasks.append({**t, "name": f"{name}-n{n}", "train": f"../n{n}/{name}/train.csv",
                      "val": f"{h}/data-133d9e39519c/{name}/val.csv", "labels": f"{h}/data-133d9e39519c/{name}/labels.txt"})
d["tasks"] = d["datasets"] = tasks
import os
os.makedirs(f"{h}/curve/combined", exist_ok=True)
json.dump(d, open(f"{h}/curve/combined/index.json", "w"), indent=2)
PY
  t0=$(date +%s)
  npx ppma bench --models scratch:vit-nano --synth "$H/curve/combined/index.json" \
    --tasks synth-diving-n40 synth-uav-n40 synth-diving-n16 synth-uav-n16 \
    --mode ft --preset tiny --ft-epochs 15 --seeds 1 --out "$H/curve/ft-more"
  log ft-more "$t0"
fi
