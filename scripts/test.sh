#!/usr/bin/env bash
# Installs dependencies, builds mtbench with its tests and runs the whole suite (CTest).
# Usage: scripts/test.sh [BUILD_DIR]   (default: build)
# MTBENCH_CMAKE_FLAGS adds CMake options (CI sets -DMTBENCH_WERROR=ON: warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
./scripts/setup.sh
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [[ -f "$build/CMakeCache.txt" ]]; then generator=(); fi
# shellcheck disable=SC2086  # MTBENCH_CMAKE_FLAGS is a list of words
cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DMTBENCH_BUILD_TESTS=ON ${MTBENCH_CMAKE_FLAGS:-} >/dev/null
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
