#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer, then every libFuzzer
# target of tests/fuzz for a bounded time on its seed corpus (tests/fuzz/corpus/<target>/).
# Built with clang in its own directory, without LibTorch (the neural systems' tests run in
# the normal build; LibTorch itself is not instrumented).
#
#   scripts/sanitize.sh [SECONDS_PER_FUZZER] [BUILD_DIR]     (defaults: 30, build-sanitize)
#
# A sanitizer report, a crash, a leak or an exception other than mtbench's own errors fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=${2:-build-sanitize}
./scripts/setup.sh
generator=()
if command -v ninja >/dev/null 2>&1 && [[ ! -f "$build/CMakeCache.txt" ]]; then generator=(-G Ninja); fi
# -O1 with line tables: sanitizer reports keep file:line, and the build takes about a third
# less time than -O2 -g (CI's budget is 40 minutes in all). Test code itself at -O0: under ASan
# a batch of test files compiled in 120 s at -O1 and 48 s at -O0. So are the CLI, server and
# pipeline libraries (mtbench_cold_code in cmake/library.cmake): a quarter of this build's
# compile time, little of its tests' run time.
CC=clang CXX=clang++ cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" \
  -DMTBENCH_BUILD_TESTS=ON -DMTBENCH_WITH_TORCH=OFF -DMTBENCH_FUZZ=ON -DMTBENCH_TEST_OPTIMIZATION=-O0 \
  -DMTBENCH_COLD_OPTIMIZATION=-O0 >/dev/null
cmake --build "$build" -j"$(nproc)"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Left out: the browser test drives Chromium, which is not ours to sanitize; the out-of-tree
# plugin build uses the system compiler, whose plugins a clang-built mtbench rightly refuses.
# Also left out: the end-to-end comparison of three data layouts, which trains the rule-based
# system thrice on the 489k-entry dictionary (140 s under ASan; the normal suite runs it, and
# every reader it uses has its own tests and fuzzer here), and the whole-Multi30k floors of the
# word- and example-based systems (their code runs here on the toy corpora and in the contract
# test; the full corpus only adds minutes under ASan). And the golden comparisons with
# sacreBLEU over the eight WMT17 systems (corpus scores, 1,000-sample paired bootstrap: 130 s
# under ASan): the same metric and resampling code runs here in the small golden, random-input
# and `score` command tests.
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" \
  -E 'Browser\.|ExamplePluginBuildsOutOfTree|OwnCorpusAsFilesOrAddedDatasetScoresLikeTheRegistry|Based\.Multi30kSystemTranslates|PairedBootstrapReproducesSacrebleu|GoldenWmt17\.'

start=$(date +%s)
for fuzzer in "$build"/fuzz/*_fuzz; do
  name=$(basename "$fuzzer")
  seeds=tests/fuzz/corpus/${name%_fuzz}
  work=$(mktemp -d)
  [[ -d "$seeds" ]] && cp -r "$seeds"/. "$work"/
  log=$(mktemp)
  if ! "$fuzzer" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 "$work" > "$log" 2>&1; then
    tail -60 "$log"
    echo "sanitize: $name failed (reproducer above; the crash input is in $(pwd))" >&2
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $name: ${seconds} s, ${runs} executions, no crash"
  rm -rf "$work" "$log"
done
echo "sanitize: tests and fuzzers clean ($(($(date +%s) - start)) s of fuzzing)"
