#include "eval/segment_scores.h"

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::eval {

std::vector<std::string> segment_score_lines(const std::vector<std::string>& systems,
                                             const std::vector<const Metric*>& metrics,
                                             const std::vector<std::vector<const StatsMatrix*>>& stats) {
  if (stats.size() != systems.size())
    fail("segment scores: {} system names for {} statistics sets", systems.size(), stats.size());
  std::vector<std::string> lines;
  for (std::size_t s = 0; s < systems.size(); ++s) {
    if (stats[s].size() != metrics.size())
      fail("segment scores: system '{}' has statistics for {} of {} metrics", systems[s], stats[s].size(),
           metrics.size());
    const std::size_t rows = metrics.empty() ? 0 : stats[s][0]->rows;
    for (std::size_t i = 0; i < rows; ++i) {
      nlohmann::ordered_json line;
      line["system"] = systems[s];
      line["segment"] = i + 1;
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        if (stats[s][m]->rows != rows)
          fail("segment scores: system '{}' has {} segments under {} but {} under {}", systems[s], stats[s][m]->rows,
               metrics[m]->name(), rows, metrics[0]->name());
        line[metrics[m]->name()] = metrics[m]->sentence_score_from_stats(stats[s][m]->row(i)).score;
      }
      lines.push_back(line.dump());
    }
  }
  return lines;
}

void write_segment_scores(const std::filesystem::path& path, const std::vector<std::string>& systems,
                          const std::vector<const Metric*>& metrics,
                          const std::vector<std::vector<const StatsMatrix*>>& stats) {
  write_lines_atomic(path, segment_score_lines(systems, metrics, stats));
}

}  // namespace mtbench::eval
