#include "reports/scoring.h"

#include <memory>

#include "corpus/error.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/significance.h"
#include "eval/ter.h"

namespace mtbench::reports {
namespace {

// The compare harness reports BLEU (13a), chrF++ (chrF with word order 2) and TER with
// sacreBLEU's defaults, so every number carries a standard signature.
std::unique_ptr<eval::Metric> make_metric(const std::string& name) {
  if (name == "bleu") return std::make_unique<eval::Bleu>(eval::BleuOptions{});
  if (name == "chrf") {
    eval::ChrfOptions options;
    options.word_order = 2;
    return std::make_unique<eval::Chrf>(options);
  }
  if (name == "ter") return std::make_unique<eval::Ter>(eval::TerOptions{});
  fail<ConfigError>("unknown metric '{}' (valid: bleu, chrf, ter)", name);
}

// Runs sacreBLEU's PairedTest with `order[0]` as the baseline.
std::vector<std::vector<eval::TestResult>> run_paired(const std::vector<const eval::Metric*>& metrics,
                                                      const std::vector<std::vector<eval::StatsMatrix>>& stats,
                                                      const std::vector<std::size_t>& order,
                                                      eval::PairedTestType type, int samples,
                                                      const ScoringOptions& options) {
  std::vector<std::vector<const eval::StatsMatrix*>> selected;
  for (std::size_t s : order) {
    std::vector<const eval::StatsMatrix*> row;
    for (const auto& m : stats[s]) row.push_back(&m);
    selected.push_back(row);
  }
  eval::SignificanceOptions sig;
  sig.type = type;
  sig.n_samples = static_cast<std::size_t>(samples);
  sig.seed = options.seed;
  sig.threads = options.threads;
  return eval::paired_test(metrics, selected, sig);
}

}  // namespace

void score_test_set(TestSetResults& test, const std::vector<std::string>& all_labels,
                    const ScoringOptions& options) {
  std::vector<std::string> labels;
  for (const auto& label : all_labels) {
    if (test.outputs.count(label)) labels.push_back(label);
  }
  if (labels.empty()) return;
  if (test.references.empty()) fail("test set '{}' has no references to score against", test.name);

  std::vector<std::unique_ptr<eval::Metric>> owned;
  std::vector<const eval::Metric*> metrics;
  for (const auto& name : options.metrics) {
    owned.push_back(make_metric(name));
    owned.back()->set_references(test.references);  // preprocessed once for every system
    metrics.push_back(owned.back().get());
  }

  // stats[s][m]: per-segment statistics of system s under metric m.
  std::vector<std::vector<eval::StatsMatrix>> stats(labels.size());
  for (std::size_t s = 0; s < labels.size(); ++s) {
    const auto& hyps = test.outputs.at(labels[s]);
    if (hyps.size() != test.references.front().size()) {
      fail<DataError>("test set '{}': system '{}' has {} output lines but the reference has {}", test.name, labels[s],
                      hyps.size(), test.references.front().size());
    }
    auto& scores = test.scores[labels[s]];
    scores.clear();
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      stats[s].push_back(metrics[m]->segment_stats(hyps));
      const auto corpus = metrics[m]->score_from_stats(stats[s][m].sum());
      MetricScore score;
      score.metric = corpus.name;
      score.score = corpus.score;
      score.signature = metrics[m]->signature();
      score.verbose = corpus.verbose;
      score.higher_is_better = metrics[m]->higher_is_better();
      scores.push_back(score);
      auto& sentences = test.sentence_scores[labels[s]][corpus.name];
      sentences.resize(stats[s][m].rows);
      for (std::size_t i = 0; i < stats[s][m].rows; ++i) {
        sentences[i] = metrics[m]->sentence_score_from_stats(stats[s][m].row(i)).score;
      }
    }
  }

  test.significance.clear();
  const std::size_t n = labels.size();
  struct TestKind {
    eval::PairedTestType type;
    int samples;
    const char* name;
    const char* key;
  };
  const TestKind kinds[] = {
      {eval::PairedTestType::kBootstrap, options.bootstrap_samples, "bootstrap", "bs"},
      {eval::PairedTestType::kApproximateRandomization, options.randomization_trials, "approximate-randomization", "ar"}};
  for (const auto& kind : kinds) {
    if (kind.samples <= 0) continue;
    std::vector<SignificanceMatrix> matrices(metrics.size());
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      matrices[m].metric = test.scores[labels[0]][m].metric;
      matrices[m].test = kind.name;
      matrices[m].samples = static_cast<std::size_t>(kind.samples);
      matrices[m].labels = labels;
      matrices[m].p_values.assign(n, std::vector<std::optional<double>>(n));
      matrices[m].deltas.assign(n, std::vector<double>(n, 0.0));
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          matrices[m].deltas[i][j] = test.scores[labels[i]][m].score - test.scores[labels[j]][m].score;
        }
      }
    }
    // Baseline i against every later system j (p-values are symmetric), or only baseline 0.
    const std::size_t baselines = (options.all_pairs || n <= 2) ? (n > 1 ? n - 1 : 1) : 1;
    for (std::size_t i = 0; i < baselines; ++i) {
      std::vector<std::size_t> order = {i};
      for (std::size_t j = i + 1; j < n; ++j) order.push_back(j);
      const auto results = run_paired(metrics, stats, order, kind.type, kind.samples, options);
      for (std::size_t k = 0; k < order.size(); ++k) {
        for (std::size_t m = 0; m < metrics.size(); ++m) {
          const auto& r = results[k][m];
          if (k > 0 && r.p_value) {
            matrices[m].p_values[i][order[k]] = r.p_value;
            matrices[m].p_values[order[k]][i] = r.p_value;
          }
          // Bootstrap means and intervals come from the first pass, where every system is present.
          if (i == 0 && kind.type == eval::PairedTestType::kBootstrap) {
            auto& score = test.scores[labels[order[k]]][m];
            score.mean = r.mean;
            score.ci = r.ci;
            score.signature = eval::signature_with_test(metrics[m]->signature(), kind.key,
                                                        static_cast<std::size_t>(kind.samples), options.seed);
          }
        }
      }
    }
    for (auto& matrix : matrices) test.significance.push_back(std::move(matrix));
  }
}

}  // namespace mtbench::reports
