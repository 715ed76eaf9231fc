// EnsembleModel (systems/neural/ensemble.h) on handcrafted models whose distributions are known:
// the mixture's log-probabilities by hand, greedy and beam search over the mixture, an ensemble
// of a model with itself equal to the model alone, and what it refuses.
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "base/error.h"
#include "systems/neural/decoding.h"
#include "tests/systems/neural/table_model.h"

namespace mtbench::neural {
namespace {

using testing::kTiny;
using testing::source_batch;
using testing::TableModel;

const float kInf = std::numeric_limits<float>::infinity();

TEST(NeuralEnsemble, LogMeanExpIsTheLogOfTheMeanProbability) {
  const auto mixed = log_mean_exp(torch::log(torch::tensor({0.2f, 0.8f, 0.6f, 0.4f}).view({2, 2})));
  EXPECT_NEAR(mixed[0].item<float>(), std::log(0.4), 1e-6);
  EXPECT_NEAR(mixed[1].item<float>(), std::log(0.6), 1e-6);
  // -inf in every member stays -inf (not nan); -inf in one member weighs 0 in the mean.
  const float half = std::log(0.5f), third = std::log(0.3f);
  const auto z = log_mean_exp(torch::tensor({-kInf, -kInf, half, -kInf, third, half}).view({2, 3}));
  EXPECT_TRUE(std::isinf(z[0].item<float>()) && z[0].item<float>() < 0);
  EXPECT_NEAR(z[1].item<float>(), std::log(0.15), 1e-6);
  EXPECT_NEAR(z[2].item<float>(), std::log(0.5), 1e-6);
  // Equal members give exactly the member, bit for bit.
  torch::manual_seed(7);
  const auto w = torch::randn({5, 7}).log_softmax(1);
  EXPECT_TRUE(torch::equal(log_mean_exp(torch::stack({w, w, w})), w));
  EXPECT_TRUE(torch::equal(log_mean_exp(w.unsqueeze(0)), w));
}

TEST(NeuralEnsemble, DecodesTheMixtureOfItsMembers) {
  // Member 1 alone: "B" (0.5 * 1.0) beats "A" (0.5 * 0.2). Member 2 alone: "A" 0.6 * 1.0.
  // The mixture: first step A 0.55, B 0.45; </s> after A (0.2 + 1.0) / 2 = 0.6, after B
  // (1.0 + 0.2) / 2 = 0.6: "A" 0.33, "B" 0.27, "A A" 0.55 * 0.2 * ~1 = 0.11.
  TableModel one({{kTiny, kTiny, kTiny, kTiny, 0.5, 0.5},
                  {kTiny, kTiny, 0.2, kTiny, 0.4, 0.4},
                  {kTiny, kTiny, 1.0, kTiny, kTiny, kTiny},
                  {kTiny, kTiny, 1.0, kTiny, kTiny, kTiny}});
  TableModel two({{kTiny, kTiny, kTiny, kTiny, 0.6, 0.4},
                  {kTiny, kTiny, 1.0, kTiny, kTiny, kTiny},
                  {kTiny, kTiny, 0.2, kTiny, 0.4, 0.4},
                  {kTiny, kTiny, 1.0, kTiny, kTiny, kTiny}});
  EnsembleModel ensemble({&one, &two});
  EXPECT_EQ(ensemble.size(), 2u);
  auto [src, mask] = source_batch(3);
  DecodeOptions o;
  o.length_penalty = 0;
  o.beam_size = 1;
  const auto greedy = greedy_decode(ensemble, src, mask, o);
  ASSERT_EQ(greedy.size(), 3u);
  EXPECT_EQ(greedy[0].tokens, (std::vector<std::int64_t>{4}));
  EXPECT_NEAR(greedy[0].log_prob, std::log(0.33), 1e-5);
  o.beam_size = 3;  // three sentences of three hypotheses: the states are reordered every step
  o.nbest = 3;
  const auto beam = beam_search(ensemble, src, mask, o);
  ASSERT_EQ(beam.size(), 3u);
  for (const auto& sentence : beam) {
    ASSERT_EQ(sentence.size(), 3u);
    EXPECT_EQ(sentence[0].tokens, (std::vector<std::int64_t>{4}));
    EXPECT_NEAR(sentence[0].log_prob, std::log(0.33), 1e-5);
    EXPECT_EQ(sentence[1].tokens, (std::vector<std::int64_t>{5}));
    EXPECT_NEAR(sentence[1].log_prob, std::log(0.27), 1e-5);
  }
  // Each member alone decodes its own best, not the mixture's.
  EXPECT_EQ(beam_search(one, src, mask, o)[0][0].tokens, (std::vector<std::int64_t>{5}));
  EXPECT_NEAR(beam_search(two, src, mask, o)[0][0].log_prob, std::log(0.6), 1e-5);
}

TEST(NeuralEnsemble, AModelWithItselfDecodesExactlyAsTheModelAlone) {
  const std::vector<std::vector<double>> rows = {{kTiny, kTiny, 0.1, kTiny, 0.6, 0.3},
                                                 {kTiny, kTiny, 0.2, kTiny, 0.5, 0.3},
                                                 {kTiny, kTiny, 0.3, kTiny, 0.3, 0.4},
                                                 {kTiny, kTiny, 0.35, kTiny, 0.3, 0.35 - 3 * kTiny}};
  TableModel model(rows), copy(rows);
  EnsembleModel ensemble({&model, &copy});
  auto [src, mask] = source_batch(2);
  DecodeOptions o;
  o.beam_size = 4;
  o.nbest = 4;
  o.attention = true;
  const auto alone = beam_search(model, src, mask, o);
  const auto both = beam_search(ensemble, src, mask, o);
  ASSERT_EQ(alone.size(), both.size());
  for (std::size_t i = 0; i < alone.size(); ++i) {
    ASSERT_EQ(alone[i].size(), both[i].size());
    for (std::size_t k = 0; k < alone[i].size(); ++k) {
      EXPECT_EQ(alone[i][k].tokens, both[i][k].tokens);
      EXPECT_EQ(alone[i][k].log_prob, both[i][k].log_prob);  // exact: the mixture of equals is the member
      EXPECT_EQ(alone[i][k].attention, both[i][k].attention);
    }
  }
}

TEST(NeuralEnsemble, RefusesStatesItDidNotMakeAndOtherVocabularies) {
  const std::vector<double> ends = {kTiny, kTiny, 0.9, kTiny, 0.05, 0.05};
  TableModel model({ends, ends, ends, ends}), copy({ends, ends, ends, ends});
  EnsembleModel ensemble({&model, &copy});
  auto [src, mask] = source_batch(2);
  auto previous = torch::full({2}, 1, torch::kInt64);
  DecoderState foreign = model.start(src, mask);  // 2 tensors; the ensemble's hold 4
  try {
    ensemble.step(previous, foreign);
    FAIL() << "a member's own state was taken";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("2 tensors"), std::string::npos) << e.what();
  }
  // A member over 7 tokens beside one over 6: the distributions cannot be mixed.
  const std::vector<double> wide = {kTiny, kTiny, 0.9, kTiny, 0.04, 0.03, 0.03};
  TableModel other({wide, wide, wide, wide});
  EnsembleModel mismatched({&model, &other});
  DecoderState state = mismatched.start(src, mask);
  try {
    mismatched.step(previous, state);
    FAIL() << "distributions over different vocabularies were mixed";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("[2, 7]"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[2, 6]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(EnsembleModel({}), Error);
  EXPECT_THROW(EnsembleModel({&model, nullptr}), Error);
}

}  // namespace
}  // namespace mtbench::neural
#endif
