#pragma once
// Scores every system of one test set: corpus scores with sacreBLEU signatures, sentence
// scores, bootstrap confidence intervals, and all-pairs paired significance (bootstrap and
// approximate randomization), all from per-segment sufficient statistics computed once.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compare/results.h"

namespace mtbench::compare {

// What to compute.
struct ScoringOptions {
  std::vector<std::string> metrics = {"bleu", "chrf", "ter"};  // "bleu", "chrf" (chrF2++), "ter"
  int bootstrap_samples = 1000;               // paired bootstrap resamples; 0 = no CIs and no bootstrap test
  int randomization_trials = 10000;           // approximate randomization trials; 0 = off
  bool all_pairs = true;                      // test every pair (else every system against the first)
  std::optional<std::uint64_t> seed = 12345;  // resampling seed (sacreBLEU's SACREBLEU_SEED default)
  int threads = 0;                            // worker threads; 0 = all cores
};

// Fills test.scores, test.sentence_scores and test.significance from test.outputs and
// test.references, for the systems in `labels` order (systems without outputs are skipped).
void score_test_set(TestSetResults& test, const std::vector<std::string>& labels, const ScoringOptions& options);

}  // namespace mtbench::compare
