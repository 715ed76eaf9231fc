#include "compare/scoring.h"

#include <memory>

#include "base/error.h"
#include "eval/metric_factory.h"
#include "eval/significance.h"

namespace mtbench::compare {
namespace {

// The compare harness reports BLEU (13a), chrF++ (chrF with word order 2) and TER with
// sacreBLEU's defaults, so every number carries a standard signature.
eval::MetricOptions compare_metric_options() {
  eval::MetricOptions options;
  options.chrf.word_order = 2;
  return options;
}

// The statistics of the systems as eval's tests take them: selected[s][m].
std::vector<std::vector<const eval::StatsMatrix*>> pointers(const std::vector<std::vector<eval::StatsMatrix>>& stats) {
  std::vector<std::vector<const eval::StatsMatrix*>> selected;
  for (const auto& system : stats) {
    std::vector<const eval::StatsMatrix*> row;
    for (const auto& m : system) row.push_back(&m);
    selected.push_back(row);
  }
  return selected;
}

}  // namespace

void score_test_set(TestSetResults& test, const std::vector<std::string>& all_labels, const ScoringOptions& options) {
  std::vector<std::string> labels;
  for (const auto& label : all_labels) {
    if (test.outputs.count(label)) labels.push_back(label);
  }
  if (labels.empty()) return;
  if (test.references.empty()) fail("test set '{}' has no references to score against", test.name);

  std::vector<std::unique_ptr<eval::Metric>> owned;
  std::vector<const eval::Metric*> metrics;
  for (const auto& name : options.metrics) {
    owned.push_back(eval::make_metric(name, compare_metric_options()));
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
  const TestKind kinds[] = {{eval::PairedTestType::kBootstrap, options.bootstrap_samples, "bootstrap", "bs"},
                            {eval::PairedTestType::kApproximateRandomization, options.randomization_trials,
                             "approximate-randomization", "ar"}};
  for (const auto& kind : kinds) {
    if (kind.samples <= 0 || n < 2) continue;  // one system: nothing to compare it with
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
    eval::SignificanceOptions sig;
    sig.type = kind.type;
    sig.n_samples = static_cast<std::size_t>(kind.samples);
    sig.seed = options.seed;
    sig.threads = options.threads;
    const auto selected = pointers(stats);
    // sacreBLEU's paired test with the first system as the baseline: p-values against it and,
    // for the bootstrap, every system's mean and 95% interval.
    const auto results = eval::paired_test(metrics, selected, sig);
    for (std::size_t k = 0; k < n; ++k) {
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        const auto& r = results[k][m];
        if (k > 0 && r.p_value) matrices[m].p_values[0][k] = matrices[m].p_values[k][0] = r.p_value;
        if (kind.type == eval::PairedTestType::kBootstrap) {
          auto& score = test.scores[labels[k]][m];
          score.mean = r.mean;
          score.ci = r.ci;
          score.signature = eval::signature_with_test(metrics[m]->signature(), kind.key,
                                                      static_cast<std::size_t>(kind.samples), options.seed);
        }
      }
    }
    // Every other pair too (the same draws per pair as above).
    if (options.all_pairs && n > 2) {
      const auto p = eval::all_pairs_p_values(metrics, selected, sig);
      for (std::size_t m = 0; m < metrics.size(); ++m)
        for (std::size_t i = 1; i < n; ++i)
          for (std::size_t j = 0; j < n; ++j)
            if (i != j) matrices[m].p_values[i][j] = p[m][i][j];
    }
    for (auto& matrix : matrices) test.significance.push_back(std::move(matrix));
  }
}

}  // namespace mtbench::compare
