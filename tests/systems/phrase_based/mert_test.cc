#include "systems/phrase_based/mert.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::phrase_based {
namespace {

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s + " ") {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else
      w += c;
  }
  return out;
}

std::array<double, 10> totals(const BleuStats& s) {
  std::array<double, 10> t{};
  for (int k = 0; k < 10; ++k) t[k] = s[k];
  return t;
}

TEST(Mert, BleuStatisticsByHand) {
  const auto s = bleu_stats(words("the cat sat on the mat"), words("the cat is on the mat"));
  // 1-grams: the x2, cat, on, mat = 5 of 6; 2-grams: "the cat", "on the", "the mat" = 3 of 5;
  // 3-grams: "on the mat" = 1 of 4; 4-grams: 0 of 3.
  EXPECT_EQ(s, (BleuStats{6, 6, 5, 6, 3, 5, 1, 4, 0, 3}));
  EXPECT_DOUBLE_EQ(bleu_from_stats(totals(s)), 0.0);
  const auto same = bleu_stats(words("a b c d e"), words("a b c d e"));
  EXPECT_NEAR(bleu_from_stats(totals(same)), 1.0, 1e-12);
  // Brevity penalty: 4 of 5 reference words, all n-grams correct: exp(1 - 5/4).
  const auto shorter = bleu_stats(words("a b c d"), words("a b c d e"));
  EXPECT_NEAR(bleu_from_stats(totals(shorter)), std::exp(1 - 5.0 / 4), 1e-12);
  // Clipping: "the the the" against "the cat": 1 match of 3 unigrams.
  EXPECT_EQ(bleu_stats(words("the the the"), words("the cat"))[2], 1);
}

// n-best lists where the candidate with the best BLEU has a high LM score and a low TM score;
// the start weights prefer the TM, so the 1-best is bad until the weights are tuned.
std::vector<std::vector<Candidate>> synthetic_lists(int sentences, std::uint64_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> noise(-0.05f, 0.05f);
  std::vector<std::vector<Candidate>> lists(sentences);
  for (int s = 0; s < sentences; ++s) {
    const std::string ref = "w" + std::to_string(s) + " a b c d e";
    for (int c = 0; c < 5; ++c) {
      Candidate cand;
      std::string hyp = "w" + std::to_string(s) + " a b c d e";
      if (c > 0) hyp = "x" + std::to_string(c) + " a b " + (c % 2 ? "q" : "c d e");
      cand.stats = bleu_stats(words(hyp), words(ref));
      cand.features[kLm] = (c == 0 ? 1.0f : 0.0f) + noise(rng);
      cand.features[kTmPfe] = (c == 0 ? 0.6f : 1.0f - 0.1f * c) + noise(rng);
      cand.features[kWordPenalty] = -static_cast<float>(words(hyp).size());
      lists[s].push_back(cand);
    }
  }
  return lists;
}

TEST(Mert, LineSearchOptimizationFindsTheGoodCandidates) {
  const auto lists = synthetic_lists(30, 1);
  std::vector<double> start(kNumFeatures, 0.0);
  start[kLm] = 0.1;
  start[kTmPfe] = 1.0;
  start[kUnknown] = -100;
  OptimizeOptions options;
  options.random_restarts = 2;
  double bleu = 0;
  const auto tuned = optimize_weights(lists, start, options, &bleu);
  EXPECT_NEAR(bleu, 1.0, 1e-9);
  EXPECT_GT(tuned[kLm], tuned[kTmPfe]);
  // Tunable weights are normalized to L1 = 1; the unknown-word weight is untouched.
  double l1 = 0;
  for (int k = 0; k < kNumFeatures; ++k)
    if (feature_tunable(k)) l1 += std::fabs(tuned[k]);
  EXPECT_NEAR(l1, 1.0, 1e-9);
  EXPECT_EQ(tuned[kUnknown], -100);
  EXPECT_THROW(optimize_weights(lists, {1.0}, options), ConfigError);
  // Restarts run in parallel with per-restart generators: the same result on 2 threads.
  options.threads = 2;
  double bleu2 = 0;
  EXPECT_EQ(optimize_weights(lists, start, options, &bleu2), tuned);
  EXPECT_EQ(bleu2, bleu);
}

TEST(Mert, OuterLoopImprovesDevBleuAndMergesLists) {
  const auto pool = synthetic_lists(20, 2);
  std::vector<std::vector<std::string>> refs;
  for (int s = 0; s < 20; ++s) refs.push_back(words("w" + std::to_string(s) + " a b c d e"));
  // A fake decoder: returns, per sentence, the 3 best candidates of the pool under the weights
  // (so new candidates appear as the weights move), as target words.
  int calls = 0;
  auto decode = [&](const std::vector<double>& w) {
    ++calls;
    std::vector<std::vector<NBestEntry>> out(pool.size());
    for (std::size_t s = 0; s < pool.size(); ++s) {
      std::vector<int> order(pool[s].size());
      for (std::size_t c = 0; c < order.size(); ++c) order[c] = static_cast<int>(c);
      std::sort(order.begin(), order.end(),
                [&](int a, int b) { return dot(w, pool[s][a].features) > dot(w, pool[s][b].features); });
      for (int k = 0; k < 3; ++k) {
        const int c = order[k];
        NBestEntry e;
        e.features = pool[s][c].features;
        e.target = c == 0 ? refs[s] : words("x" + std::to_string(c) + " a b " + (c % 2 ? "q" : "c d e"));
        out[s].push_back(e);
      }
    }
    return out;
  };
  std::vector<double> start(kNumFeatures, 0.0);
  start[kLm] = 0.1;
  start[kTmPfe] = 1.0;
  start[kWordPenalty] = -0.01;
  MertOptions options;
  options.iterations = 5;
  options.optimize.random_restarts = 2;
  const MertResult result = run_mert(decode, refs, start, options);
  ASSERT_GE(result.dev_bleu.size(), 2u);
  EXPECT_LT(result.dev_bleu.front(), 0.5);
  EXPECT_NEAR(*std::max_element(result.dev_bleu.begin(), result.dev_bleu.end()), 1.0, 1e-9);
  // The returned weights are those of the best decoding and reproduce it.
  const auto final_lists = decode(result.weights);
  std::array<double, 10> t{};
  for (std::size_t s = 0; s < refs.size(); ++s) {
    const auto st = bleu_stats(final_lists[s][0].target, refs[s]);
    for (int k = 0; k < 10; ++k) t[k] += st[k];
  }
  EXPECT_NEAR(bleu_from_stats(t), 1.0, 1e-9);
  EXPECT_LE(calls, 6);
}

}  // namespace
}  // namespace mtbench::phrase_based
