#include "systems/alignment/hmm.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "base/error.h"
#include "systems/alignment/ibm_align.h"

namespace mtbench::alignment {
namespace {

// An independent statement of the model: enumerate every state sequence. A state is
// (position 1..I, empty?); an empty state keeps the position of the last real one.
struct Brute {
  double total = 0;           // P(f | e)
  std::vector<double> post;   // [J x (I+1)], posterior of f_j aligned to i (0: empty)
  std::vector<double> jumps;  // expected jump counts per bucket
  std::vector<int> best;      // the most probable path (0 = empty)
  double best_prob = -1;
};

Brute enumerate(int J, int I, const std::vector<double>& emit, const std::vector<double>& trans, double p0) {
  Brute b;
  b.post.assign(static_cast<std::size_t>(J) * (I + 1), 0.0);
  b.jumps.assign(HmmJumps::kBuckets, 0.0);
  const int states = 2 * I;
  std::vector<int> seq(J, 0);
  std::vector<double> probs;
  std::vector<std::vector<int>> paths;
  for (long code = 0; code < static_cast<long>(std::pow(states, J)); ++code) {
    long c = code;
    for (int j = 0; j < J; ++j, c /= states) seq[j] = static_cast<int>(c % states);
    double p = 1;
    int last = 0;  // last real position, 0 = before the sentence
    for (int j = 0; j < J; ++j) {
      const bool empty = seq[j] >= I;
      const int pos = seq[j] % I + 1;
      if (empty) {
        if (j == 0)
          p *= p0 / I;
        else
          p *= pos == last ? p0 : 0.0;
        p *= emit[j * (I + 1)];
      } else {
        p *= (1 - p0) * trans[last * (I + 1) + pos] * emit[j * (I + 1) + pos];
      }
      last = pos;
    }
    b.total += p;
    probs.push_back(p);
    std::vector<int> path(J);
    for (int j = 0; j < J; ++j) path[j] = seq[j] >= I ? 0 : seq[j] + 1;
    paths.push_back(path);
    if (p > b.best_prob) {
      b.best_prob = p;
      b.best = path;
    }
  }
  for (std::size_t k = 0; k < probs.size(); ++k) {
    const double w = probs[k] / b.total;
    long c = static_cast<long>(k);
    for (int j = 0; j < J; ++j, c /= states) seq[j] = static_cast<int>(c % states);
    int last = 0;
    for (int j = 0; j < J; ++j) {
      const bool empty = seq[j] >= I;
      const int pos = seq[j] % I + 1;
      b.post[j * (I + 1) + (empty ? 0 : pos)] += w;
      if (!empty) b.jumps[HmmJumps::bucket(pos - last)] += w;
      last = pos;
    }
  }
  return b;
}

TEST(Hmm, ForwardBackwardAndViterbiMatchEnumeration) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.01, 1.0);
  for (int trial = 0; trial < 12; ++trial) {
    const int J = 1 + trial % 4, I = 1 + (trial / 4) % 3 + (trial % 2);
    std::vector<double> emit(static_cast<std::size_t>(J) * (I + 1));
    for (double& e : emit) e = u(rng);
    HmmJumps jumps;
    std::vector<double> counts(HmmJumps::kBuckets);
    for (double& c : counts) c = u(rng);
    jumps.estimate(counts);
    std::vector<double> trans;
    jumps.transitions(I, 0.2, &trans);
    for (int from = 0; from <= I; ++from) {  // each row is a distribution over 1..I
      double z = 0;
      for (int to = 1; to <= I; ++to) z += trans[from * (I + 1) + to];
      EXPECT_NEAR(z, 1.0, 1e-12);
    }
    const double p0 = trial % 3 == 0 ? 0.0 : 0.15;
    std::vector<double> post(emit.size()), jump_counts(HmmJumps::kBuckets, 0.0);
    const double loglik = hmm_forward_backward(J, I, emit.data(), trans, p0, post.data(), jump_counts.data());
    const Brute b = enumerate(J, I, emit, trans, p0);
    EXPECT_NEAR(loglik, std::log(b.total), 1e-9) << "J=" << J << " I=" << I;
    for (std::size_t k = 0; k < post.size(); ++k) EXPECT_NEAR(post[k], b.post[k], 1e-9) << k;
    for (int k = 0; k < HmmJumps::kBuckets; ++k) EXPECT_NEAR(jump_counts[k], b.jumps[k], 1e-9) << k;
    EXPECT_EQ(hmm_viterbi(J, I, emit.data(), trans, p0), b.best) << "J=" << J << " I=" << I;
  }
}

TEST(Hmm, ImpossibleSentenceIsSkipped) {
  std::vector<double> emit(2 * 3, 0.0), post(6, -1.0), jumps(HmmJumps::kBuckets, 0.0), trans;
  HmmJumps().transitions(2, 0.2, &trans);
  EXPECT_TRUE(std::isinf(hmm_forward_backward(2, 2, emit.data(), trans, 0.1, post.data(), jumps.data())));
  for (double j : jumps) EXPECT_EQ(j, 0.0);
}

TEST(Hmm, JumpsResolveRepeatedWordsThatModel1CannotTell) {
  // "das ... das" / "the ... the": Model 1 gives both German "das" the same posterior over
  // both "the"s; the HMM's learned jump +1 picks the monotone links.
  std::vector<std::vector<WordId>> src, tgt;
  Vocab sv, tv;
  const char* pairs[][2] = {{"das Haus", "the house"},
                            {"das Buch", "the book"},
                            {"ein Buch", "a book"},
                            {"ein Haus", "a house"},
                            {"das kleine Haus", "the small house"},
                            {"das Haus und das Buch", "the house and the book"},
                            {"ein Buch und ein Haus", "a book and a house"},
                            {"und", "and"}};
  for (auto& p : pairs) {
    src.push_back(sv.add_sentence(p[0]));
    tgt.push_back(tv.add_sentence(p[1]));
  }
  AlignOptions options;
  options.model = AlignModel::kHmm;
  options.variational_bayes = false;
  options.iterations = 10;
  for (bool reverse : {false, true}) {
    const auto hmm = train_alignment(src, tgt, options, reverse);
    EXPECT_EQ(format_pharaoh(hmm.alignments[5]), "0-0 1-1 2-2 3-3 4-4") << reverse;
    EXPECT_EQ(format_pharaoh(hmm.alignments[6]), "0-0 1-1 2-2 3-3 4-4") << reverse;
    EXPECT_EQ(hmm.log_likelihoods.size(), 15u);  // 5 Model 1 + 10 HMM iterations
    ASSERT_EQ(hmm.jump_weights.size(), static_cast<std::size_t>(HmmJumps::kBuckets));
    // The monotone jump is the most probable width.
    int argmax = 0;
    for (int b = 0; b < HmmJumps::kBuckets; ++b)
      if (hmm.jump_weights[b] > hmm.jump_weights[argmax]) argmax = b;
    EXPECT_EQ(argmax, HmmJumps::bucket(1));
  }
  AlignOptions m1 = options;
  m1.model = AlignModel::kIbm1;
  m1.iterations = 15;
  const auto ibm1 = train_alignment(src, tgt, m1, false);
  EXPECT_NE(format_pharaoh(ibm1.alignments[5]), "0-0 1-1 2-2 3-3 4-4");
}

TEST(Hmm, ThreadsAgreeAndOptionsAreChecked) {
  std::vector<std::vector<WordId>> src, tgt;
  Vocab sv, tv;
  for (int k = 0; k < 150; ++k) {
    src.push_back(sv.add_sentence("das Haus ist klein"));
    tgt.push_back(tv.add_sentence("the house is small"));
    src.push_back(sv.add_sentence("das Buch ist gross"));
    tgt.push_back(tv.add_sentence("the book is big"));
    src.push_back(sv.add_sentence("ein kleines Buch"));
    tgt.push_back(tv.add_sentence("a small book"));
  }
  AlignOptions options;
  options.model = AlignModel::kHmm;
  options.threads = 1;
  const auto one = train_alignment(src, tgt, options, false);
  options.threads = 2;
  const auto two = train_alignment(src, tgt, options, false);
  EXPECT_EQ(one.alignments, two.alignments);
  EXPECT_NEAR(one.log_likelihoods.back(), two.log_likelihoods.back(), 1e-6);
  EXPECT_EQ(format_pharaoh(one.alignments[0]), "0-0 1-1 2-2 3-3");
  EXPECT_EQ(format_pharaoh(one.alignments[2]), "0-0 1-1 2-2");
  AlignOptions bad = options;
  bad.hmm_smoothing = 1.5;
  EXPECT_THROW(train_alignment(src, tgt, bad, false), ConfigError);
  EXPECT_EQ(parse_align_model("hmm"), AlignModel::kHmm);
  EXPECT_EQ(parse_align_model("fastalign"), AlignModel::kFastAlign);
  EXPECT_EQ(parse_align_model("ibm2"), AlignModel::kFastAlign);
  EXPECT_THROW(parse_align_model("ibm4"), ConfigError);
}

}  // namespace
}  // namespace mtbench::alignment
