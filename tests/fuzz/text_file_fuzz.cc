// Corpus readers: plain and gzip text (streamed, UTF-8 validated, line limits) and TSV corpora.
#include "base/text_file.h"
#include "corpus/parallel.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  const auto path = fuzz::as_file(data, size, ".txt");
  fuzz::expect_success_or_error([&] {
    ReadOptions options;
    options.max_line_bytes = 4096;
    options.max_lines = 10000;
    read_lines(path, options);
  });
  fuzz::expect_success_or_error([&] { read_file(path); });
  fuzz::expect_success_or_error([&] { load_parallel_tsv(path, 0, 1); });
  fuzz::expect_success_or_error([&] { load_parallel(path, path); });
  return 0;
}
