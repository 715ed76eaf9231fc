#include "reports/format.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace mtbench::reports {

std::vector<std::string> metric_names(const TestSetResults& test) {
  std::vector<std::string> names;
  for (const auto& [label, scores] : test.scores)
    for (const auto& s : scores)
      if (std::find(names.begin(), names.end(), s.metric) == names.end()) names.push_back(s.metric);
  // BLEU, chrF, TER first, in sacreBLEU's order; others after.
  auto rank = [](const std::string& m) {
    if (m.rfind("BLEU", 0) == 0) return 0;
    if (m.rfind("chrF", 0) == 0) return 1;
    if (m.rfind("TER", 0) == 0) return 2;
    return 3;
  };
  std::stable_sort(names.begin(), names.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return names;
}

std::vector<std::string> system_order(const RunResults& results, const TestSetResults& test) {
  std::vector<std::string> labels;
  for (const auto& s : results.systems)
    if (test.outputs.count(s.label) || test.scores.count(s.label)) labels.push_back(s.label);
  auto add = [&](const std::string& l) {
    if (std::find(labels.begin(), labels.end(), l) == labels.end()) labels.push_back(l);
  };
  for (const auto& kv : test.scores) add(kv.first);
  for (const auto& kv : test.outputs) add(kv.first);
  return labels;
}

const SystemResults* find_system(const RunResults& results, const std::string& label) {
  for (const auto& s : results.systems)
    if (s.label == label) return &s;
  return nullptr;
}

const MetricScore* find_score(const TestSetResults& test, const std::string& label, const std::string& metric) {
  auto it = test.scores.find(label);
  if (it == test.scores.end()) return nullptr;
  for (const auto& s : it->second)
    if (s.metric == metric) return &s;
  return nullptr;
}

std::string format_bytes(std::uint64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes < 1000) return fmt::format("{} B", bytes);
  if (b < 1e6) return fmt::format("{:.1f} KB", b / 1e3);
  if (b < 1e9) return fmt::format("{:.1f} MB", b / 1e6);
  return fmt::format("{:.2f} GB", b / 1e9);
}

std::string format_count(std::uint64_t count) {
  const double c = static_cast<double>(count);
  if (count < 1000) return std::to_string(count);
  if (c < 1e6) return fmt::format("{:.1f} K", c / 1e3);
  if (c < 1e9) return fmt::format("{:.1f} M", c / 1e6);
  return fmt::format("{:.2f} B", c / 1e9);
}

}  // namespace mtbench::reports
