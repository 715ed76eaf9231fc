#pragma once
// sacreBLEU's multi-system output of `mtbench score` (print_results_table): the score table,
// the paired test against a baseline, and mtbench's all-pairs significance matrix; JSON,
// text (fancy grid) or LaTeX (booktabs).

#include <string>
#include <vector>

#include "cli/score_options.h"
#include "eval/metric.h"

namespace mtbench::cli {

// The output for several systems (`sorted`: metric order outside paired tests).
std::string format_multi_system(const ScoreOptions& options, const std::vector<std::string>& names,
                                const std::vector<const eval::Metric*>& metrics,
                                const std::vector<std::vector<const eval::StatsMatrix*>>& stats, int threads,
                                const std::vector<std::size_t>& sorted);

}  // namespace mtbench::cli
