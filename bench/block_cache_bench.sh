#!/usr/bin/env bash
# Training with LibTorch's own CPU allocator against mtbench's block cache
# (systems/neural/cpu_block_cache.h): for each neural system, STEPS updates of its preset on
# Multi30k De->En, the two allocators alternately, each printed with wall and kernel time,
# page faults, peak memory and target tokens/s, and whether the two trained models are the
# same bits (they must be: the cache changes where tensors live, never what they hold).
#
#   bench/block_cache_bench.sh [BUILD_DIR] [STEPS] [PRESET] [THREADS]
#
# Needs the Multi30k mirror (MTBENCH_DATA_MIRROR, default ../shared/corpora) and GNU time.
# Run it on an otherwise idle machine.
set -euo pipefail
build=${1:-build}
steps=${2:-150}
preset=${3:-quick}
threads=${4:-2}
mtbench=$(cd "$build" && pwd)/mtbench
export MTBENCH_DATA_MIRROR=${MTBENCH_DATA_MIRROR:-$(cd "$(dirname "$0")/../.." && pwd)/shared/corpora}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export MTBENCH_HOME=$work/home
printf 'max_steps: %s\nmax_minutes: 0\nlog_every: 10\nvalidate_every: 100000\ndev_bleu: false\n' "$steps" > "$work/t.yaml"

run() {  # run SYSTEM CACHE_MIB: trains into $work/SYSTEM-CACHE_MIB and prints one line
  local system=$1 cache=$2 out="$work/$1-$2"
  MTBENCH_CPU_BLOCK_CACHE=$cache /usr/bin/time -f '%e %S %R %M' -o "$work/time" "$mtbench" -q --threads "$threads" \
    train "$system" --corpus multi30k --pair de-en --preset "$preset" --config "$work/t.yaml" --out "$out" > /dev/null
  python3 - "$out/training_log.jsonl" "$work/time" "$system" "$cache" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
end = [r for r in rows if r.get("type") == "end"][0]
wall, sys_s, faults, rss_kb = open(sys.argv[2]).read().split()
label = "LibTorch's allocator" if sys.argv[4] == "0" else "block cache"
print(f"{sys.argv[3]:<14} {label:<21} {float(wall):7.1f} s wall {float(sys_s):6.1f} s kernel "
      f"{int(faults):>9} faults {int(rss_kb) / 1e6:5.2f} GB peak {end['tokens_per_s']:7.0f} target tokens/s")
PY
}

echo "$steps updates of the $preset preset, $threads threads"
for system in transformer rnn-attention; do
  run "$system" 0
  run "$system" 4096
  if cmp -s "$work/$system-0/model.pt" "$work/$system-4096/model.pt"; then
    echo "$system: the two models are identical"
  else
    echo "$system: the two models DIFFER" >&2
    exit 1
  fi
done
