#include "eval/metric_factory.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/error.h"

namespace mtbench::eval {

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names = {"bleu", "chrf", "ter"};
  return names;
}

bool is_metric_name(const std::string& name) {
  const auto& names = metric_names();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::unique_ptr<Metric> make_metric(const std::string& name, const MetricOptions& options) {
  if (name == "bleu") return std::make_unique<Bleu>(options.bleu);
  if (name == "chrf") return std::make_unique<Chrf>(options.chrf);
  if (name == "ter") return std::make_unique<Ter>(options.ter);
  fail<ConfigError>("unknown metric '{}' (valid: {})", name, fmt::join(metric_names(), ", "));
}

}  // namespace mtbench::eval
