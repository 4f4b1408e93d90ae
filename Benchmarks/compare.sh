#!/usr/bin/env bash
# Runs Strata and every installed peer alternately (A B A B …) on each workload and prints
# the ratio Strata / peer of steady-state epoch seconds (or of predict seconds), with the
# median and the spread over rounds. CI does not run this; see README.md "Performance".
#
#   Benchmarks/compare.sh [ROUNDS] [EPOCHS]     (defaults: 3 rounds, 3 epochs)
#   PYTHON=/path/to/venv/bin/python Benchmarks/compare.sh
#   WORKLOADS="convnet convnet-predict" SAMPLES=20000 Benchmarks/compare.sh 3 2
#   WORKLOADS=lstm Benchmarks/compare.sh 3 2
# SAMPLES limits the convnet workloads' training set (default 20000, as issue 13 measured);
# BYTES the lstm workload's text (default 1000000, the first megabyte of the fortunes corpus).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
epochs=${2:-3}
workloads=${WORKLOADS:-mlp-a mlp-s mlp-bn predict convnet convnet-predict}
samples=${SAMPLES:-20000}
bytes=${BYTES:-1000000}
python=${PYTHON:-python3}
data="$(cd .. && pwd)/shared/datasets/fashion-mnist"
[ -d "$data" ] || data="${STRATA_DATASETS:-$HOME/.strata/datasets}/fashion-mnist"
results=$(mktemp)

swift build -c release --product strata-bench > /dev/null
peers=()
"$python" -c "import os; os.environ['KERAS_BACKEND']='jax'; import keras, jax" 2> /dev/null && peers+=(keras-jax)
"$python" -c "import os; os.environ['KERAS_BACKEND']='tensorflow'; import keras, tensorflow" 2> /dev/null && peers+=(keras-tensorflow)
"$python" -c "import torch" 2> /dev/null && peers+=(torch)
"$python" -c "import numpy" 2> /dev/null && peers+=(numpy)
echo "peers: ${peers[*]:-none}; rounds: $rounds; epochs: $epochs; data: $data"

for round in $(seq "$rounds"); do
  for workload in $workloads; do
    echo "round $round: $workload" >&2
    limit=()
    case $workload in
      convnet*) limit=(--samples "$samples") ;;
      lstm) limit=(--bytes "$bytes") ;;
    esac
    .build/release/strata-bench "$workload" --epochs "$epochs" --data "$data" "${limit[@]}" |
      tail -1 >> "$results"
    for peer in "${peers[@]}"; do
      case "$peer $workload" in "numpy convnet"* | "numpy lstm") continue ;; esac
      "$python" Benchmarks/peers.py "$peer" "$workload" --epochs "$epochs" --data "$data" \
        "${limit[@]}" 2> /dev/null | tail -1 >> "$results" || echo "$peer $workload failed" >&2
    done
  done
done

"$python" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
def seconds(row):
    return row.get("median_epoch_seconds", row.get("median_seconds"))
frameworks = sorted({r["framework"] for r in rows} - {"strata"})
print(f"{'workload':8} {'framework':17} {'seconds (median)':>16} {'Strata/peer':>12} {'spread':>13} {'accuracy':>9} {'peak RSS MB':>12}")
for workload in ["mlp-a", "mlp-s", "mlp-bn", "predict", "convnet", "convnet-predict", "lstm"]:
    strata = [r for r in rows if r["benchmark"] == workload and r["framework"] == "strata"]
    if not strata:
        continue
    for framework in ["strata"] + frameworks:
        runs = [r for r in rows if r["benchmark"] == workload and r["framework"] == framework]
        if not runs:
            continue
        ratios = [seconds(s) / seconds(p) for s, p in zip(strata, runs)]
        accuracy = statistics.median([r.get("test_accuracy", float("nan")) for r in runs])
        rss = max(r["peak_rss_bytes"] for r in runs) / 2**20
        ratio = "" if framework == "strata" else f"{statistics.median(ratios):12.2f}"
        spread = "" if framework == "strata" else f"{min(ratios):.2f}–{max(ratios):.2f}"
        print(f"{workload:8} {framework:17} {statistics.median(seconds(r) for r in runs):16.3f} {ratio:>12} {spread:>13} {accuracy:9.4f} {rss:12.0f}")
PY
