#pragma once
// Minimum error rate training (Och 2003): the weights of the log-linear model are tuned to
// maximize corpus BLEU of the dev set. Outer loop: decode the dev set into n-best lists with
// the current weights, merge them with the lists of earlier iterations, optimize the weights
// on the merged lists, stop when no new candidates appear or after a number of iterations.
// Inner optimization: Och's exact line search (upper envelope of each sentence's candidate
// lines, §5) along coordinate and random directions, from the current point and random
// restarts, as Moses' mert does.
//
// BLEU here is computed on the tokenized (truecased) candidates against the tokenized
// references, like Moses' BleuScorer, from per-candidate n-gram statistics; the harness
// scores the final output with sacreBLEU on detokenized text.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "systems/phrase_based/features.h"

namespace mtbench {
class Progress;
}

namespace mtbench::phrase_based {

// BLEU sufficient statistics of one candidate: hyp length, ref length, then matches and
// totals for n = 1..4.
using BleuStats = std::array<float, 10>;
BleuStats bleu_stats(const std::vector<std::string>& hyp, const std::vector<std::string>& ref);
// Corpus BLEU (0..1) of summed statistics; 0 when an n-gram order has no matches.
double bleu_from_stats(const std::array<double, 10>& stats);

// One entry of an n-best list.
struct Candidate {
  FeatureVector features{};  // feature values
  BleuStats stats{};         // BLEU statistics against the reference
};

// Options of the inner optimization.
struct OptimizeOptions {
  int random_restarts = 10;   // extra random starting points
  int random_directions = 4;  // random directions per round besides the coordinate axes
  std::uint64_t seed = 1234;  // for restarts and directions
  double epsilon = 1e-6;      // minimum BLEU gain to continue
  int threads = 1;            // restarts optimized in parallel
};

// Optimizes weights on fixed n-best lists starting from `start` (non-tunable features keep
// their weight). Returns the best weights found; `best_bleu` receives its BLEU (0..1).
std::vector<double> optimize_weights(const std::vector<std::vector<Candidate>>& nbest, const std::vector<double>& start,
                                     const OptimizeOptions& options, double* best_bleu = nullptr);

// Options of the outer loop.
struct MertOptions {
  int iterations = 6;        // decoding iterations at most
  int nbest = 100;           // n-best list size per decoding
  OptimizeOptions optimize;  // inner optimization
};

// The decoder as MERT sees it: n-best lists (target tokens + features) of every dev sentence.
struct NBestEntry {
  std::vector<std::string> target;  // tokens
  FeatureVector features{};         // feature values
};
using NBestDecoder = std::function<std::vector<std::vector<NBestEntry>>(const std::vector<double>& weights)>;

struct MertResult {
  std::vector<double> weights;         // best weights found
  std::vector<double> dev_bleu;        // BLEU (0..1) of the 1-best output at each decoding
  std::vector<double> optimized_bleu;  // BLEU on the merged n-best lists after each optimization
};

// Runs MERT; `references` are the tokenized dev references (one per sentence).
MertResult run_mert(const NBestDecoder& decode, const std::vector<std::vector<std::string>>& references,
                    const std::vector<double>& start, const MertOptions& options, Progress* progress = nullptr);

}  // namespace mtbench::phrase_based
