#include "corpus/parallel.h"

#include "base/error.h"

namespace mtbench {

ParallelCorpus load_parallel(const std::filesystem::path& source_path, const std::filesystem::path& target_path,
                             const ReadOptions& options) {
  ParallelCorpus corpus;
  corpus.source = read_lines(source_path, options);
  corpus.target = read_lines(target_path, options);
  corpus.source_name = source_path.string();
  corpus.target_name = target_path.string();
  if (corpus.source.size() != corpus.target.size()) {
    fail<DataError>("line counts differ: {} has {} lines but {} has {} lines", source_path.string(),
                    corpus.source.size(), target_path.string(), corpus.target.size());
  }
  return corpus;
}

ParallelCorpus load_parallel_tsv(const std::filesystem::path& path, std::size_t source_column,
                                 std::size_t target_column, const ReadOptions& options) {
  ParallelCorpus corpus;
  corpus.source_name = path.string() + "#" + std::to_string(source_column);
  corpus.target_name = path.string() + "#" + std::to_string(target_column);
  const std::size_t needed = std::max(source_column, target_column) + 1;
  for_each_line(
      path,
      [&](std::string_view line, std::size_t line_number) {
        std::vector<std::string_view> columns;
        std::size_t start = 0;
        while (true) {
          const std::size_t tab = line.find('\t', start);
          columns.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
          if (tab == std::string_view::npos) break;
          start = tab + 1;
        }
        if (columns.size() < needed) {
          fail<DataError>("{}:{}: expected at least {} tab-separated columns, found {}", path.string(), line_number,
                          needed, columns.size());
        }
        corpus.source.emplace_back(columns[source_column]);
        corpus.target.emplace_back(columns[target_column]);
      },
      options);
  return corpus;
}

ParallelCorpus head(const ParallelCorpus& corpus, std::size_t n) {
  ParallelCorpus out;
  out.source_name = corpus.source_name;
  out.target_name = corpus.target_name;
  n = std::min(n, corpus.size());
  out.source.assign(corpus.source.begin(), corpus.source.begin() + static_cast<std::ptrdiff_t>(n));
  out.target.assign(corpus.target.begin(), corpus.target.begin() + static_cast<std::ptrdiff_t>(n));
  return out;
}

}  // namespace mtbench
