#pragma once
// Small lookups and number formats shared by the tables and the HTML report.

#include <cstdint>
#include <string>
#include <vector>

#include "reports/run_results.h"

namespace mtbench::reports {

// Metric names of a test set in first-seen order over the systems (BLEU, chrF2++, TER ...).
std::vector<std::string> metric_names(const TestSetResults& test);
// System labels of a test set: the run's system order first, then any other labels with outputs or
// scores.
std::vector<std::string> system_order(const RunResults& results, const TestSetResults& test);
// The system with `label`, or nullptr (e.g. outputs given without a system entry).
const SystemResults* find_system(const RunResults& results, const std::string& label);
// The score of `label` under `metric`, or nullptr.
const MetricScore* find_score(const TestSetResults& test, const std::string& label, const std::string& metric);

// "512 B", "3.4 KB", "12.3 MB", "1.20 GB" (powers of 1000).
std::string format_bytes(std::uint64_t bytes);
// "950", "12.3 K", "65.0 M", "1.20 B".
std::string format_count(std::uint64_t count);

}  // namespace mtbench::reports
