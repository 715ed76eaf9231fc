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
# stage and size, from the stage lines of the progress output (time, RSS and peak RSS at the
# end of the stage), the whole command's wall time and peak RSS (GNU time), the model size,
# test BLEU, and the growth exponents log(t2/t1)/log(n2/n1) between consecutive sizes.
# Run it on a quiet machine: two CPU-heavy processes on 2 cores halve every rate.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=${1:-30k,100k,300k,1M}
build=${2:-build}
mtbench="$PWD/$build/mtbench"
shared=${MTBENCH_SHARED_DIR:-../shared}
synth="$shared/tools/synth_parallel.py"
work=${MTBENCH_SCALE_WORK:-/tmp/mtbench-scale}
systems=${MTBENCH_SCALE_SYSTEMS:-phrase-based}
[[ -x "$mtbench" ]] || { echo "no $mtbench: build first" >&2; exit 1; }
[[ -f "$synth" ]] || { echo "skipped: no $synth (the shared tools are absent)" >&2; exit 0; }
[[ -x /usr/bin/time ]] || { echo "GNU time (/usr/bin/time) is needed for peak memory" >&2; exit 1; }
mkdir -p "$work"

pairs_of() {  # 30k -> 30000, 1M -> 1000000
  local s=$1
  case "$s" in
    *k|*K) echo $(( ${s%[kK]} * 1000 )) ;;
    *m|*M) echo $(( ${s%[mM]} * 1000000 )) ;;
    *) echo "$s" ;;
  esac
}

corpus() {  # generates train/dev/test of N pairs once
  local n=$1
  [[ -f "$work/dev.src.gz" ]] || python3 "$synth" --pairs 1000 --seed 2 --out "$work/dev" >&2
  [[ -f "$work/test.src.gz" ]] || python3 "$synth" --pairs 1000 --seed 3 --out "$work/test" >&2
  [[ -f "$work/train$n.src.gz" ]] || python3 "$synth" --pairs "$n" --seed 1 --out "$work/train$n" >&2
}

results="$work/results.tsv"
printf 'system\tpairs\tstage\tseconds\trss_gb\tpeak_gb\n' > "$results"
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
    bleu=$("$mtbench" score "$work/test.ref" -i "$work/test-$system-$n.hyp" | awk -F': ' '/"score"/ {gsub(",","",$2); print $2; exit}')
    # Stage lines: "[stage] done in 1m02s: ... (RSS 1.2 GB, peak 1.4 GB)".
    python3 - "$log" "$tlog" "$system" "$n" "$bleu" "$(du -sb "$model" | cut -f1)" >> "$results" <<'PY'
import re, sys
log, tlog, system, n, bleu, model_bytes = sys.argv[1:]
def seconds(text):
    total = 0.0
    for value, unit in re.findall(r"([\d.]+)(h|ms|m|s)", text):
        total += float(value) * {"h": 3600, "m": 60, "s": 1, "ms": 0.001}[unit]
    return total
def gb(value, unit):
    return float(value) * {"B": 1e-9, "kB": 1e-6, "MB": 1e-3, "GB": 1, "TB": 1e3}[unit]
def gnu_time(path):
    text = open(path, errors="replace").read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1).split(":")
    wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall)))
    peak = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1e6
    return wall, peak
for line in open(log, errors="replace"):
    m = re.match(r"\[(.+?)\] done in (\S+?)[:(].*\(RSS ([\d.]+) (\w+), peak ([\d.]+) (\w+)\)", line.strip())
    if m:
        print(f"{system}\t{n}\t{m.group(1)}\t{seconds(m.group(2)):.1f}\t{gb(m.group(3), m.group(4)):.2f}\t{gb(m.group(5), m.group(6)):.2f}")
wall, peak = gnu_time(log)
print(f"{system}\t{n}\ttrain (whole command)\t{wall:.1f}\t\t{peak:.2f}")
wall, peak = gnu_time(tlog)
print(f"{system}\t{n}\ttranslate 1000 (with load)\t{wall:.1f}\t\t{peak:.2f}")
print(f"{system}\t{n}\tmodel size GB\t\t\t{int(model_bytes) / 1e9:.2f}")
print(f"{system}\t{n}\ttest BLEU\t{bleu}\t\t")
PY
  done
done

# The table: per system and stage, time and peak per size, and the growth exponents.
python3 - "$results" <<'PY'
import math, sys
from collections import OrderedDict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])][1:]
table = OrderedDict()
sizes = sorted({int(r[1]) for r in rows})
for system, n, stage, sec, rss, peak in rows:
    table.setdefault((system, stage), {})[int(n)] = (sec, peak)
def fmt_n(n):
    return f"{n // 1000000}M" if n % 1000000 == 0 else f"{n // 1000}k"
head = "| system | stage | " + " | ".join(f"{fmt_n(n)} s / peak GB" for n in sizes)
head += " | time exp. | memory exp. |"
print(head)
print("|" + "---|" * (head.count("|") - 1))
def exponent(values):
    points = [(n, v) for n, v in values if v and float(v) > 0]
    if len(points) < 2:
        return ""
    (n1, v1), (n2, v2) = points[-2], points[-1]
    return f"{math.log(float(v2) / float(v1)) / math.log(n2 / n1):.2f}"
for (system, stage), by_n in table.items():
    cells = []
    for n in sizes:
        sec, peak = by_n.get(n, ("", ""))
        cells.append(f"{sec} / {peak}" if peak else sec)
    time_exp = exponent([(n, by_n[n][0]) for n in sizes if n in by_n]) if "BLEU" not in stage else ""
    mem_exp = exponent([(n, by_n[n][1]) for n in sizes if n in by_n])
    print(f"| {system} | {stage} | " + " | ".join(cells) + f" | {time_exp} | {mem_exp} |")
print("\n(exponents between the two largest sizes; seconds from the progress lines, peak RSS of the")
print("process at the end of each stage, whole-command rows from GNU time)")
PY
