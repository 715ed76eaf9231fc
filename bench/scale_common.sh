# Shared by bench/scale.sh and bench/align_scale.sh (sourced, after $mtbench is set): the
# synthetic-corpus paths, the checks both need, and size parsing.
shared=${MTBENCH_SHARED_DIR:-../shared}
synth="$shared/tools/synth_parallel.py"
work=${MTBENCH_SCALE_WORK:-/tmp/mtbench-scale}
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
