#pragma once
// Fills a test set's compare-mt-style Analyses (reports/run_results.h) from its outputs,
// using eval/analysis.h: BLEU by source length, word F-measure by training frequency,
// salient n-grams between system pairs, most different segments, per-system counts.

#include <cstdint>
#include <map>
#include <string>

#include "compare/results.h"
#include "eval/analysis.h"

namespace mtbench::compare {

using AnalysisOptions = eval::AnalysisOptions;

// The analyses of `test`. Systems are taken in the order of `test.outputs` (label order).
// `train_word_counts` are target-side training counts of 13a tokens (empty: no frequency
// buckets). Unknown words are summed from the explanations' "unknown_words" arrays.
// The examples use test.sentence_scores["BLEU"] where present, else sentence BLEU computed here.
Analyses analyze_test_set(const TestSetResults& test, const std::map<std::string, std::uint64_t>& train_word_counts,
                          const AnalysisOptions& options);

}  // namespace mtbench::compare
