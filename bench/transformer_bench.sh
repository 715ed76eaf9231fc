#!/usr/bin/env bash
# Training throughput of the transformer against this machine's fp32 matmul peak, and beam-5
# decoding with cached incremental state against recomputing the prefix, in mtbench (LibTorch,
# C++); then the same training in the same model written in PyTorch Python (reference).
#
#   bench/transformer_bench.sh [BUILD_DIR] [THREADS] [PRESET] [NORM]   e.g. bench/transformer_bench.sh build 2 full post
#
# Builds BUILD_DIR/bench/transformer_bench (target transformer_bench, LibTorch needed; not part of `all`). The Python side runs only when
# python3 can import torch (Debian: apt-get install python3-torch; never needed by mtbench).
# The machine's load is printed first: on a shared machine, numbers are only comparable
# between runs made under the same load.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
threads=${2:-2}
preset=${3:-full}
norm=${4:-post}
steps=${MTBENCH_BENCH_STEPS:-20}
# libgomp threads spin while waiting; on a loaded (shared) machine a spinning thread whose
# partner is descheduled wastes its slice (see rnn_bench.sh). Passive waiting fixes that; set
# OMP_WAIT_POLICY=ACTIVE to measure the default.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; threads $threads; preset $preset; norm $norm; $steps steps; OMP_WAIT_POLICY=$OMP_WAIT_POLICY"
cmake --build "$build" --target transformer_bench >/dev/null
echo "== mtbench (LibTorch C++)"
MTBENCH_BENCH_THREADS=$threads MTBENCH_BENCH_PRESET=$preset MTBENCH_BENCH_STEPS=$steps MTBENCH_BENCH_NORM=$norm \
  "$build/bench/transformer_bench" \
  | grep -E 'matmul_peak|tokens_per_s|sentences_per_s|achieved_gflops|speedup'
py=""
for candidate in python3 /usr/bin/python3; do  # Debian's python3-torch lives in the system python
  if "$candidate" -c 'import torch' 2>/dev/null; then py=$candidate; break; fi
done
if [ -n "$py" ]; then
  echo "== PyTorch Python reference ($py, torch $("$py" -c 'import torch; print(torch.__version__)'))"
  "$py" "$here/transformer_reference.py" --threads "$threads" --preset "$preset" --norm "$norm" --steps "$steps"
else
  echo "== PyTorch Python reference skipped (python3 cannot import torch)"
fi
