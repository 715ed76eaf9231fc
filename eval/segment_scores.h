#pragma once
// Per-segment scores of several systems under several metrics, written as JSON Lines
// (`mtbench score --segment-scores FILE.jsonl`): one object per system and segment,
// {"system": NAME, "segment": N (1-based), "<metric name>": score, ...}, for analyses such
// as compare-mt's sentence-level comparisons. Sentence scores come from the cached
// statistics (BLEU with effective order, as sacreBLEU's sentence_score).

#include <filesystem>
#include <string>
#include <vector>

#include "eval/metric.h"

namespace mtbench::eval {

// The JSONL lines; stats[s][m] are the statistics of system s under metric m.
std::vector<std::string> segment_score_lines(const std::vector<std::string>& systems,
                                             const std::vector<const Metric*>& metrics,
                                             const std::vector<std::vector<const StatsMatrix*>>& stats);

// Writes segment_score_lines() atomically to `path`.
void write_segment_scores(const std::filesystem::path& path, const std::vector<std::string>& systems,
                          const std::vector<const Metric*>& metrics,
                          const std::vector<std::vector<const StatsMatrix*>>& stats);

}  // namespace mtbench::eval
