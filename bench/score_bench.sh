#!/usr/bin/env bash
# Benchmark of `mtbench score` against sacreBLEU's own job (issue 3, item 10): the 8 WMT17
# en-de systems scored with BLEU, chrF++ and TER plus a paired bootstrap test (1000
# resamples) against the first system. sacreBLEU 2.6.0 needs 57 s for this on the 2-core
# reference machine:
#   sacrebleu REF -i SYS... -m bleu chrf ter --chrf-word-order 2 --paired-bs
# Builds nothing. Usage: bench/score_bench.sh [WMT17_DIR] [MTBENCH_BINARY] [RUNS]
#   WMT17_DIR       default ../shared/corpora/wmt17-en-de (next to the checkout)
#   MTBENCH_BINARY  default ./build/mtbench
#   RUNS            default 3 (the best wall time is reported)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${1:-$here/../shared/corpora/wmt17-en-de}"
bin="${2:-$here/build/mtbench}"
runs="${3:-3}"
[[ -x "$bin" ]] || { echo "score_bench: no mtbench binary at $bin (build it first)" >&2; exit 1; }
[[ -f "$data/newstest2017.ref.de.gz" ]] || { echo "score_bench: no WMT17 data in $data" >&2; exit 1; }
systems=(KIT.4950 LMU-nmt-single.4893 uedin-nmt.4722 C-3MA.4959 TALP-UPC.4834
         online-A.0 online-F.0 PROMT-Rule-based.4735)
inputs=()
for s in "${systems[@]}"; do inputs+=("$data/newstest2017.$s.en-de.gz"); done

best=""
for ((r = 1; r <= runs; r++)); do
  start=$(date +%s.%N)
  "$bin" score "$data/newstest2017.ref.de.gz" -i "${inputs[@]}" -m bleu chrf ter \
      --chrf-word-order 2 --paired-bs > /dev/null
  end=$(date +%s.%N)
  t=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }')
  echo "run $r: ${t} s"
  if [[ -z "$best" ]] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then best="$t"; fi
done
speedup=$(awk -v t="$best" 'BEGIN { printf "%.0f", 57 / t }')
echo "mtbench score, 8 systems, BLEU + chrF++ + TER + paired bootstrap (1000): best ${best} s on $(nproc) cores"
echo "sacreBLEU 2.6.0 on the 2-core reference machine: 57 s (speed-up ${speedup}x)"
