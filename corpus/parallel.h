#pragma once
// A parallel corpus: aligned source and target segments read from plain text, gzip or TSV.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "base/text_file.h"

namespace mtbench {

// Aligned segments; source[i] translates to target[i].
struct ParallelCorpus {
  std::vector<std::string> source;  // source segments, one per line of the source file
  std::vector<std::string> target;  // target segments, same count as source
  std::string source_name;          // where the source side came from (for messages)
  std::string target_name;          // where the target side came from (for messages)

  std::size_t size() const { return source.size(); }
  bool empty() const { return source.empty(); }
};

// Reads two line-aligned files (plain or gzip). Throws DataError naming both files and both
// line counts when they differ, and naming file and line on invalid UTF-8.
ParallelCorpus load_parallel(const std::filesystem::path& source_path, const std::filesystem::path& target_path,
                             const ReadOptions& options = {});

// Reads a TSV file whose columns `source_column` and `target_column` (0-based) hold the two
// sides. A line with too few columns is a DataError naming file, line and column count.
ParallelCorpus load_parallel_tsv(const std::filesystem::path& path, std::size_t source_column = 0,
                                 std::size_t target_column = 1, const ReadOptions& options = {});

// The first `n` segment pairs (all of them if n >= size()).
ParallelCorpus head(const ParallelCorpus& corpus, std::size_t n);

}  // namespace mtbench
