#pragma once
// Word alignment by EM: IBM Model 1 (Brown et al. 1993 §4) and the reparameterized IBM
// Model 2 of fast_align (Dyer, Chahuneau & Smith 2013): a null probability p0 and a
// diagonal prior h(i,j) = exp(-lambda |i/I - j/J|) whose tension lambda is re-estimated
// after every E-step. Optional variational Bayes M-step (Dirichlet prior alpha), as
// fast_align's -v. Or the HMM alignment model (Vogel et al. 1996; systems/alignment/hmm.h)
// started from IBM Model 1, as GIZA++'s 1^5 H^5. The E-step runs on several threads
// (sentences split into chunks). Memory grows with the co-occurrence table, not with the
// corpus (systems/alignment/cooccurrence_table.h); the table can be pruned as GIZA++ does.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "systems/alignment/vocab.h"

namespace mtbench {
class Progress;
}

namespace mtbench::alignment {

// Links (source index, target index), 0-based, sorted.
using Alignment = std::vector<std::pair<int, int>>;

enum class AlignModel { kIbm1, kFastAlign, kHmm };

// Options (fast_align flags in parentheses).
struct AlignOptions {
  AlignModel model = AlignModel::kFastAlign;  // kIbm1, fast_align's model (-d), or kHmm
  int iterations = 5;                         // EM iterations (-I); kHmm: HMM iterations
  int hmm_model1_iterations = 5;              // kHmm: IBM Model 1 iterations first (GIZA++ -m1)
  double hmm_smoothing = 0.2;                 // kHmm: jump probabilities mixed with uniform (GIZA++ -emAlSmooth)
  double p0 = 0.08;                           // null alignment probability, fast_align and HMM (-p)
  double diagonal_tension = 4.0;              // initial tension lambda (-T)
  bool optimize_tension = true;               // re-estimate lambda after each E-step (-o)
  bool variational_bayes = true;              // VB M-step with Dirichlet prior (-v)
  double alpha = 0.01;                        // Dirichlet concentration for VB (-a)
  int threads = 1;                            // E-step worker threads
  double keep_table_above = -1;               // < 0: no table; else keep t(gen|cond) above this in the result
  double prune_below = 0;                     // > 0: after each M-step but the last, drop pairs with t <= this
                                              // (looked up as this value afterwards; GIZA++'s cutoff and floor)
};

// One entry of a trained translation table t(gen | cond) (the lexical model itself, for
// systems that translate with it, e.g. the word-based noisy channel); cond == Vocab::kNone is
// the null word.
struct LexicalProb {
  WordId cond = 0;  // conditioning word (target side when reverse == false), or Vocab::kNone
  WordId gen = 0;   // generated word
  double prob = 0;  // t(gen | cond) after the last M-step (VB: not normalized, as fast_align's)
};

// Result of training one direction.
struct DirectionalResult {
  std::vector<Alignment> alignments;    // Viterbi links per sentence, as (source, target)
  std::vector<double> log_likelihoods;  // per-iteration corpus log-likelihood (natural log)
  double final_tension = 0;             // lambda after the last iteration (fast_align model)
  std::vector<double> jump_weights;     // HMM: c(d) for d = -HmmJumps::kMaxJump..kMaxJump, normalized
  std::vector<LexicalProb> table;       // t(gen|cond) > options.keep_table_above (when >= 0)
  std::size_t cooccurring_pairs = 0;    // distinct (cond, gen) word pairs met in a sentence pair
  std::size_t kept_pairs = 0;           // of them, in the table after pruning (all without it)
};

// Trains one direction. With reverse == false each source word chooses one target word
// (or null), as fast_align does without -r; with reverse == true each target word chooses
// a source word. Sentence pairs where either side is empty get no links.
DirectionalResult train_alignment(const std::vector<std::vector<WordId>>& source,
                                  const std::vector<std::vector<WordId>>& target, const AlignOptions& options,
                                  bool reverse, Progress* progress = nullptr);

// "ibm1", "ibm2" (= "fastalign", "fast_align") or "hmm"; throws ConfigError naming the valid ones.
AlignModel parse_align_model(const std::string& name);

// Pharaoh format: "0-0 1-2 ..." (source-target), sorted.
std::string format_pharaoh(const Alignment& alignment);
// Parses Pharaoh format; throws DataError on malformed pairs.
Alignment parse_pharaoh(const std::string& text);

}  // namespace mtbench::alignment
