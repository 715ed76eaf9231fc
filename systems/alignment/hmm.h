#pragma once
// The HMM alignment model (Vogel, Ney & Tillmann 1996) with the empty word of Och & Ney
// (2003, §2.1.1): the target position a generated word aligns to depends on the position
// the previous word aligned to, through a distribution over jump widths c(i - i'). Each
// sentence has 2I states: I real ones (generate f_j from t(f_j | e_i)) and I empty ones
// (generate from t(f_j | NULL)) that remember the last real position, so a word aligned to
// nothing does not break the chain of jumps. Entered with probability p0 from anywhere.
//
// This file holds the per-sentence algorithms (forward-backward with per-position scaling,
// Viterbi) on plain arrays; ibm_align.cc runs EM over a corpus with them.

#include <vector>

namespace mtbench::alignment {

// The jump-width distribution c(d), d = i - i', shared by all sentence lengths. Widths
// beyond +-kMaxJump share the outermost bucket (GIZA++ keeps one per width; with sentences
// of ~12 words the tails carry almost no mass).
class HmmJumps {
 public:
  static constexpr int kMaxJump = 15;
  static constexpr int kBuckets = 2 * kMaxJump + 1;

  HmmJumps();  // uniform

  static int bucket(int width) {
    return (width < -kMaxJump ? -kMaxJump : width > kMaxJump ? kMaxJump : width) + kMaxJump;
  }

  // Re-estimates c(d) from expected jump counts (Vogel et al.'s M-step: counts are pooled
  // over sentence lengths and previous positions, then renormalized per row in transitions()).
  void estimate(const std::vector<double>& counts);

  // The transition matrix of a sentence of I target positions, [(I + 1) x (I + 1)]: row i'
  // in 0..I (0 = before the first word), column i in 1..I (column 0 unused), each row
  // normalized over 1..I and interpolated with the uniform 1/I by `smoothing` (GIZA++'s
  // -emAlSmooth).
  void transitions(int I, double smoothing, std::vector<double>* out) const;

  const std::vector<double>& weights() const { return weight_; }

 private:
  std::vector<double> weight_;  // [kBuckets], unnormalized c(d)
};

// Forward-backward for one sentence pair of J generated and I conditioning words.
// emit: [J x (I + 1)], emit[j * (I + 1) + i] = t(f_j | e_i) for i >= 1 and t(f_j | NULL) at
// i = 0; trans: HmmJumps::transitions(I, ...); p0: probability of an empty state.
// Writes post: [J x (I + 1)], the posterior of f_j aligned to e_i (i = 0: to nothing), and
// adds the expected jump counts (first word: jump from position 0) to jump_counts
// [HmmJumps::kBuckets]. Returns ln P(f | e), or -infinity (nothing written) when the
// sentence has probability zero.
double hmm_forward_backward(int J, int I, const double* emit, const std::vector<double>& trans, double p0, double* post,
                            double* jump_counts);

// The most probable state sequence (Viterbi): per generated word the position 1..I it
// aligns to, or 0 for the empty word.
std::vector<int> hmm_viterbi(int J, int I, const double* emit, const std::vector<double>& trans, double p0);

}  // namespace mtbench::alignment
