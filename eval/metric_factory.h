#pragma once
// The one place metrics are made by name: `mtbench score`, the compare pipeline and config
// validation all ask here, so a new metric is added once.

#include <memory>
#include <string>
#include <vector>

#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/metric.h"
#include "eval/ter.h"

namespace mtbench::eval {

// The options of every metric the factory makes (sacreBLEU's defaults unless set).
struct MetricOptions {
  BleuOptions bleu;  // BLEU (tokenizer, smoothing, lowercase, effective order)
  ChrfOptions chrf;  // chrF/chrF++ (orders, beta, whitespace, lowercase, eps smoothing)
  TerOptions ter;    // TER (case, punctuation, normalization, Asian support)
};

// The metric names the factory knows, in sacreBLEU's order: bleu, chrf, ter.
const std::vector<std::string>& metric_names();

// True when `name` (lower case) is one of metric_names().
bool is_metric_name(const std::string& name);

// The metric `name` (lower case, see metric_names()) with its options from `options`;
// ConfigError naming the valid names otherwise.
std::unique_ptr<Metric> make_metric(const std::string& name, const MetricOptions& options = {});

}  // namespace mtbench::eval
