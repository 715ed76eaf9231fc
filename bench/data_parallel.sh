#!/usr/bin/env bash
# Data-parallel training throughput on this host: the full presets' shapes (Multi30k De->En,
# the preset's batch size and model) trained for STEPS updates by 1 process x 2 threads and by
# 2 processes x 1 thread (mtbench train --nproc 2), target tokens/s and all-reduce ms per update
# from the training log (the first logged window, warm-up, is left out); then the gloo
# all-reduce bandwidth between two processes over loopback (bench/allreduce_bench.cc).
#
#   bench/data_parallel.sh [BUILD_DIR] [STEPS]     e.g. bench/data_parallel.sh build 60
#
# Needs Multi30k (MTBENCH_DATA_MIRROR or the dataset cache). Run on a quiet machine: every
# configuration uses both cores.
set -euo pipefail
build=${1:-build}
steps=${2:-60}
every=$((steps / 3))
mtbench="$build/mtbench"
work=$(mktemp -d /tmp/mtbench-dp-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; $steps updates per configuration"
cmake --build "$build" --target mtbench allreduce_bench >/dev/null
printf 'max_steps: %s\nlog_every: %s\nmax_minutes: 0\nvalidate_every: 100000\ndev_bleu: false\n' "$steps" "$every" \
  > "$work/budget.yaml"

# Mean tokens/s and all-reduce ms over the train lines after the first.
summarize() {
  python3 - "$1" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if '"train"' in l]
lines = [l for l in lines if l["type"] == "train"][1:]
tps = sum(l["tokens_per_s"] for l in lines) / len(lines)
ar = sum(l.get("allreduce_ms", 0.0) for l in lines) / len(lines)
print(f"{tps:.0f} {ar:.1f}")
PY
}

printf '\n| system (full preset shapes) | parameters | processes x threads | target tokens/s | all-reduce ms/update |\n'
printf '|---|---|---|---|---|\n'
for system in transformer rnn-attention; do
  for layout in "1 2" "2 1"; do
    set -- $layout
    out="$work/$system-$1x$2"
    if [[ $1 == 1 ]]; then
      "$mtbench" --threads 2 -q train "$system" --corpus multi30k --pair de-en --preset full \
        --config "$work/budget.yaml" --out "$out"
    else
      "$mtbench" --threads 2 -q train "$system" --corpus multi30k --pair de-en --preset full \
        --config "$work/budget.yaml" --out "$out" --nproc 2
    fi
    read -r tps ar < <(summarize "$out/training_log.jsonl")
    params=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameters"])' "$out/model_stats.json")
    printf '| %s | %s | %s x %s | %s | %s |\n' "$system" "$params" "$1" "$2" "$tps" "$ar"
  done
done

echo
echo "gloo all-reduce between 2 processes on loopback (float32):"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
for rank in 1 0; do
  WORLD_SIZE=2 RANK=$rank LOCAL_RANK=$rank MASTER_ADDR=127.0.0.1 MASTER_PORT=$port OMP_NUM_THREADS=1 \
    "$build/bench/allreduce_bench" > "$work/allreduce-$rank.txt" &
done
wait
cat "$work/allreduce-0.txt"
