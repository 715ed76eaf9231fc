#!/usr/bin/env bash
# Installs dependencies, builds mtbench and runs the default comparison (Multi30k De->En,
# all four eras, quick presets). Extra arguments go to `mtbench compare`.
# Offline machines: MTBENCH_DATA_MIRROR=DIR points the dataset downloader at local files;
# ../shared/corpora next to the checkout is used when it exists and nothing else is set.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [[ -f build/CMakeCache.txt ]]; then generator=(); fi
cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target mtbench  # the test suites are built by scripts/test.sh
if [[ -z "${MTBENCH_DATA_MIRROR:-}" && -d ../shared/corpora ]]; then
  export MTBENCH_DATA_MIRROR=$(cd ../shared/corpora && pwd)
fi
exec build/mtbench compare "$@"
