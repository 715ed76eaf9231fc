#!/usr/bin/env bash
# Scale benchmark (issue #17): how time and memory grow with the training corpus.
# Usage: bench/scale.sh [SIZES] [BUILD_DIR]   SIZES: comma-separated, k/M suffixes
#        (default 30k,100k,300k,1M); BUILD_DIR default build.
# Environment: MTBENCH_SCALE_WORK (corpora and models; default /tmp/mtbench-scale, reused
# between runs so a corpus is generated once), MTBENCH_SCALE_SYSTEMS (default "phrase-based"),
# MTBENCH_SHARED_DIR (default ../shared).
#
# For every size it generates the synthetic corpus with ../shared/tools/synth_parallel.py
# (training set seed 1; seeds 2 and 3 give dev and test sets of 1,000 pairs of the same
# language pair), trains each system with its quick preset, translates the 1,000 test
# sentences from a fresh process (load included) and scores them. It prints one row per
# stage and size (bench/scale_table.py, from the stage lines of the progress output: time, RSS and peak RSS at the
# end of the stage), the whole command's wall time and peak RSS (GNU time), the model size,
# test BLEU, and the growth exponents log(t2/t1)/log(n2/n1) between consecutive sizes.
# Run it on a quiet machine: two CPU-heavy processes on 2 cores halve every rate.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-30k,100k,300k,1M}
build=${2:-build}
mtbench="$PWD/$build/mtbench"
source bench/scale_common.sh
systems=${MTBENCH_SCALE_SYSTEMS:-phrase-based}

corpus() {  # generates train/dev/test of N pairs once
  local n=$1
  [[ -f "$work/dev.src.gz" ]] || python3 "$synth" --pairs 1000 --seed 2 --out "$work/dev" >&2
  [[ -f "$work/test.src.gz" ]] || python3 "$synth" --pairs 1000 --seed 3 --out "$work/test" >&2
  [[ -f "$work/train$n.src.gz" ]] || python3 "$synth" --pairs "$n" --seed 1 --out "$work/train$n" >&2
}

IFS=, read -r -a size_list <<< "$sizes"
for system in $systems; do
  for size in "${size_list[@]}"; do
    n=$(pairs_of "$size")
    echo "== $system, $n pairs" >&2
    corpus "$n"
    model="$work/model-$system-$n"
    rm -rf "$model"
    log="$work/train-$system-$n.log"
    /usr/bin/time -v "$mtbench" train "$system" --preset quick \
      --train-src "$work/train$n.src.gz" --train-tgt "$work/train$n.tgt.gz" \
      --dev-src "$work/dev.src.gz" --dev-tgt "$work/dev.tgt.gz" --src-lang de --tgt-lang en \
      --out "$model" > "$log" 2>&1 || { tail -5 "$log" >&2; exit 1; }
    tlog="$work/translate-$system-$n.log"
    /usr/bin/time -v "$mtbench" translate --model "$model" -i "$work/test.src.gz" \
      -o "$work/test-$system-$n.hyp" > "$tlog" 2>&1 || { tail -5 "$tlog" >&2; exit 1; }
    zcat "$work/test.tgt.gz" > "$work/test.ref"
    "$mtbench" score "$work/test.ref" -i "$work/test-$system-$n.hyp" |
      awk -F': ' '/"score"/ {gsub(",", "", $2); print $2; exit}' > "$work/bleu-$system-$n.txt"
  done
done

# The table (bench/scale_table.py reads the logs left above; rerun it alone to redraw).
python3 bench/scale_table.py "$work"
