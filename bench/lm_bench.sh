#!/usr/bin/env bash
# Benchmark of `mtbench lm` against KenLM's published results on Multi30k English
# (../shared/testdata/kenlm): estimation time per order, perplexity vs. KenLM, query speed.
# Usage: bench/lm_bench.sh [BUILD_DIR]   (default: build)
# lmplz's reference time here is 1.2 s for order 3 on the same training text.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
mtbench="$build/mtbench"
data=${MTBENCH_SHARED_DIR:-../shared}/testdata/kenlm
[[ -x "$mtbench" ]] || { echo "no $mtbench: build first (cmake --build $build --target mtbench)" >&2; exit 1; }
[[ -d "$data" ]] || { echo "no KenLM test data in $data" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
zcat "$data/multi30k.train.lc.tok.en.gz" > "$work/train.txt"
zcat "$data/multi30k.test_2016_flickr.lc.tok.en.gz" > "$work/test.txt"
# Scoring the 377k-token training text measures query speed without I/O dominating.
for i in 1 2 3 4 5; do cat "$work/train.txt"; done > "$work/query.txt"

# Wall and CPU (user + sys) seconds of one command; CPU time is what to compare on a shared,
# loaded machine. Process start-up of mtbench (~0.3 s CPU, shared libraries) is included.
TIMEFORMAT='%R %U %S'
timed() { { time "$@" > /dev/null; } 2>&1 | awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }'; }

printf '%-6s %8s %8s %8s %8s %12s %12s %12s\n' order build_w build_cpu query_w query_cpu ppl_incl ppl_kenlm query_tok/s
for order in 2 3 4 5; do
  read -r bw bc < <(timed "$mtbench" -q lm build --order "$order" -i "$work/train.txt" --arpa "$work/o$order.arpa")
  ppl=$("$mtbench" -q lm query "$work/o$order.arpa" -i "$work/test.txt" | awk -F'\t' '/including/ {print $2}')
  read -r qw qc < <(timed "$mtbench" -q lm query "$work/o$order.arpa" -i "$work/test.txt")
  read -r _ bigc < <(timed "$mtbench" -q lm query "$work/o$order.arpa" -i "$work/query.txt")
  # Query throughput net of start-up and loading: CPU of the big query minus the small one.
  tokens=$(( $(wc -w < "$work/query.txt") + $(wc -l < "$work/query.txt") ))
  kenlm=$(grep -o "\"$order\": {\"perplexity_including_oovs\": [0-9.]*" "$data/perplexity.json" | awk '{print $NF}')
  awk -v o="$order" -v bw="$bw" -v bc="$bc" -v qw="$qw" -v qc="$qc" -v big="$bigc" -v p="$ppl" -v k="$kenlm" \
      -v n="$tokens" 'BEGIN { net = big - qc; if (net <= 0.01) net = 0.01;
      printf "%-6s %8.2f %8.2f %8.2f %8.2f %12s %12.4f %12.0f\n", o, bw, bc, qw, qc, p, k, n / net }'
done
echo "(times in seconds, including mtbench start-up and file I/O; lmplz -o 3 here: 1.2 s)"
