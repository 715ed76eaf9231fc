#!/usr/bin/env bash
# Word-alignment scale benchmark (issue #17): time and peak memory of `mtbench align` in one
# direction (fast_align's model, 5 EM iterations, 2 threads by default) as the synthetic corpus
# grows, without and with t-table pruning.
# Usage: bench/align_scale.sh [SIZES] [BUILD_DIR] [CUTOFF]
#        SIZES comma-separated with k/M suffixes (default 100k,300k,1M), BUILD_DIR default build,
#        CUTOFF the --prune value of the pruned runs (default 1e-7; 0 skips them).
# Environment: MTBENCH_SCALE_WORK (default /tmp/mtbench-scale: the corpora of bench/scale.sh,
# generated here when absent), MTBENCH_SHARED_DIR (default ../shared).
# Prints a Markdown table: seconds and peak RSS (GNU time; the process also holds the corpus
# text, as `mtbench align` reads it whole), distinct word pairs and pairs kept after pruning,
# and the growth exponents log(v2/v1)/log(n2/n1) between consecutive sizes. Run it on a
# quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-100k,300k,1M}
build=${2:-build}
cutoff=${3:-1e-7}
mtbench="$PWD/$build/mtbench"
source bench/scale_common.sh

cutoffs=(0)
[[ "$cutoff" != 0 ]] && cutoffs+=("$cutoff")
results="$work/align-results.tsv"
: > "$results"
IFS=, read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  n=$(pairs_of "$size")
  [[ -f "$work/train$n.src.gz" ]] || python3 "$synth" --pairs "$n" --seed 1 --out "$work/train$n" >&2
  for c in "${cutoffs[@]}"; do
    echo "== align forward, $n pairs, prune $c" >&2
    log="$work/align-$n-$c.log"
    /usr/bin/time -v "$mtbench" align -s "$work/train$n.src.gz" -t "$work/train$n.tgt.gz" \
      --direction forward --prune "$c" -o /dev/null > "$log" 2>&1 || { tail -5 "$log" >&2; exit 1; }
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.2f", $2 / 1048576}' "$log")
    pairs=$(grep -o '[0-9]* word pairs' "$log" | tail -1 | cut -d' ' -f1 || true)
    kept=$(grep -o '([0-9]* kept)' "$log" | tail -1 | tr -dc 0-9 || true)
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$c" "$wall" "$rss" "$pairs" "${kept:-$pairs}" >> "$results"
  done
done
python3 - "$results" <<'PY'
import math, sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print("| pairs | prune | seconds | peak RSS (GB) | word pairs | kept | time exp. | memory exp. |")
print("|---|---|---|---|---|---|---|---|")
last = {}
for n, c, wall, rss, pairs, kept in rows:
    n, wall, rss = int(n), float(wall), float(rss)
    exps = ("", "")
    if c in last:
        n0, w0, r0 = last[c]
        k = math.log(n / n0)
        exps = (f"{math.log(wall / w0) / k:.2f}", f"{math.log(rss / r0) / k:.2f}")
    last[c] = (n, wall, rss)
    print(f"| {n:,} | {c} | {wall:.1f} | {rss:.2f} | {int(pairs):,} | {int(kept):,} | {exps[0]} | {exps[1]} |")
PY
