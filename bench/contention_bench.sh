#!/usr/bin/env bash
# Training throughput of the Transformer on a quiet machine and beside one busy process, with
# OpenMP's default (spinning) wait policy and with mtbench's default (passive waiting; see
# prefer_passive_openmp_waiting in cli/main.cc). Prints target tokens/s of each condition.
#
#   bench/contention_bench.sh [BUILD_DIR] [STEPS]
#
# Needs the Multi30k mirror (MTBENCH_DATA_MIRROR, default ../shared/corpora). Run it on an
# otherwise idle machine: the "busy" conditions add exactly one single-threaded busy loop.
set -euo pipefail
build=${1:-build}
steps=${2:-20}
mtbench=$(cd "$build" && pwd)/mtbench
export MTBENCH_DATA_MIRROR=${MTBENCH_DATA_MIRROR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/corpora}
work=$(mktemp -d)
trap 'rm -rf "$work"; [ -n "${busy:-}" ] && kill "$busy" 2>/dev/null || true' EXIT
export MTBENCH_HOME=$work/home
printf 'max_steps: %s\nlog_every: 5\nvalidate_every: 100000\ndev_bleu: false\n' "$steps" > "$work/t.yaml"

run() {  # run NAME ENV...: trains and prints the end-of-training tokens/s
  local name=$1
  shift
  rm -rf "$work/m"
  env "$@" "$mtbench" -q --threads 2 train transformer --corpus multi30k --pair de-en --preset quick \
    --config "$work/t.yaml" --out "$work/m" > /dev/null
  python3 - "$work/m/training_log.jsonl" "$name" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
end = [r for r in rows if r.get("type") == "end"][0]
print(f"{sys.argv[2]:<34} {end['tokens_per_s']:8.0f} target tokens/s")
PY
}

run "spinning (OMP default), idle" MTBENCH_NO_REEXEC=1
run "passive (mtbench default), idle"
python3 -c 'while True: pass' &
busy=$!
run "spinning (OMP default), 1 busy" MTBENCH_NO_REEXEC=1
run "passive (mtbench default), 1 busy"
