#include "compare/analyze.h"

#include <vector>

namespace mtbench::compare {
namespace {

std::vector<Bucket> to_buckets(const std::vector<eval::BucketValues>& buckets, const std::vector<std::string>& labels,
                               double scale) {
  std::vector<Bucket> out;
  for (const auto& b : buckets) {
    Bucket bucket{b.label, b.count, {}, {}};
    for (std::size_t s = 0; s < labels.size(); ++s) {
      bucket.values[labels[s]] = b.values[s] * scale;
      if (s < b.intervals.size())
        bucket.intervals[labels[s]] = {b.intervals[s].first * scale, b.intervals[s].second * scale};
    }
    out.push_back(std::move(bucket));
  }
  return out;
}

std::vector<NgramDifference> to_differences(const std::vector<eval::NgramSalience>& ngrams) {
  std::vector<NgramDifference> out;
  for (const auto& n : ngrams) out.push_back({n.ngram, n.score, n.count_a, n.count_b});
  return out;
}

}  // namespace

Analyses analyze_test_set(const TestSetResults& test, const std::map<std::string, std::uint64_t>& train_word_counts,
                          const AnalysisOptions& options) {
  Analyses analyses;
  if (test.outputs.empty() || test.references.empty()) return analyses;
  std::vector<std::string> labels;
  std::vector<std::vector<std::string>> outputs;
  for (const auto& [label, output] : test.outputs) {
    labels.push_back(label);
    outputs.push_back(output);
  }
  const auto& reference = test.references[0];
  if (!test.source.empty()) {
    analyses.length_buckets =
        to_buckets(eval::bleu_by_source_length(test.source, test.references, outputs, options.length_edges,
                                               options.min_bucket_sentences, options.bucket_bootstrap_samples),
                   labels, 1.0);
  }
  // F-measure in percent, like every other number of the report. Without training counts every
  // word would fall into the "0" bucket, which says nothing: left out.
  if (!train_word_counts.empty()) {
    analyses.frequency_buckets = to_buckets(
        eval::fmeasure_by_frequency(reference, outputs, train_word_counts, options.frequency_edges), labels, 100.0);
  }

  for (std::size_t a = 0; a < labels.size(); ++a) {
    for (std::size_t b = a + 1; b < labels.size(); ++b) {
      if (analyses.ngrams.size() >= options.max_ngram_pairs) break;
      const auto salient = eval::salient_ngrams(reference, outputs[a], outputs[b], options);
      analyses.ngrams.push_back(
          {labels[a], labels[b], to_differences(salient.a_better), to_differences(salient.b_better)});
    }
  }

  std::vector<std::vector<double>> sentence_scores;
  for (std::size_t s = 0; s < labels.size(); ++s) {
    auto system = test.sentence_scores.find(labels[s]);
    const std::vector<double>* given = nullptr;
    if (system != test.sentence_scores.end()) {
      auto bleu = system->second.find("BLEU");
      if (bleu != system->second.end() && bleu->second.size() == reference.size()) given = &bleu->second;
    }
    sentence_scores.push_back(given ? *given : eval::sentence_bleu(test.references, outputs[s]));
  }
  if (labels.size() > 1) analyses.examples = eval::most_different_segments(sentence_scores, options.examples);

  for (std::size_t s = 0; s < labels.size(); ++s) {
    const auto counts = eval::output_counts(test.source, test.references, outputs[s]);
    SystemStatistics stats;
    stats.length_ratio = counts.length_ratio;
    stats.output_words = counts.output_words;
    stats.untranslated_words = counts.untranslated_words;
    auto explanations = test.explanations.find(labels[s]);
    if (explanations != test.explanations.end()) {
      for (const auto& e : explanations->second) {
        if (e.is_object() && e.contains("unknown_words") && e["unknown_words"].is_array())
          stats.unknown_words += e["unknown_words"].size();
      }
    }
    analyses.statistics[labels[s]] = stats;
  }
  return analyses;
}

}  // namespace mtbench::compare
