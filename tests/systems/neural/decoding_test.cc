// Greedy decoding and beam search (systems/neural/decoding.h) on handcrafted models whose best
// sequences are known.
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/decoding.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/systems/neural/table_model.h"

namespace mtbench::neural {
namespace {

using testing::kTiny;
using testing::source_batch;
using testing::TableModel;

TEST(NeuralDecoding, BeamFindsTheBestSequenceWhereGreedyFails) {
  // Greedy takes A (0.6) then </s> (0.4): 0.24. The best is B </s>: 0.4 * 0.9 = 0.36.
  TableModel model({{kTiny, kTiny, kTiny, kTiny, 0.6, 0.4},
                    {kTiny, kTiny, 0.4, kTiny, 0.3, 0.3},
                    {kTiny, kTiny, 0.9, kTiny, 0.05, 0.05},
                    {kTiny, kTiny, 0.9, kTiny, 0.05, 0.05}});
  auto [src, mask] = source_batch(3);
  DecodeOptions o;
  o.length_penalty = 0;
  const auto greedy = greedy_decode(model, src, mask, o);
  ASSERT_EQ(greedy.size(), 3u);
  EXPECT_EQ(greedy[0].tokens, (std::vector<std::int64_t>{4}));
  EXPECT_NEAR(greedy[0].log_prob, std::log(0.24), 1e-5);
  o.beam_size = 2;
  o.nbest = 2;
  const auto beam = beam_search(model, src, mask, o);
  ASSERT_EQ(beam.size(), 3u);
  for (const auto& sentence : beam) {
    ASSERT_EQ(sentence.size(), 2u);
    EXPECT_EQ(sentence[0].tokens, (std::vector<std::int64_t>{5}));
    EXPECT_NEAR(sentence[0].log_prob, std::log(0.36), 1e-5);
    EXPECT_EQ(sentence[1].tokens, (std::vector<std::int64_t>{4}));
    EXPECT_GE(sentence[0].score, sentence[1].score);
  }
}

TEST(NeuralDecoding, BeamOfOneEqualsGreedy) {
  TableModel model({{kTiny, kTiny, 0.1, kTiny, 0.6, 0.3},
                    {kTiny, kTiny, 0.2, kTiny, 0.5, 0.3},
                    {kTiny, kTiny, 0.3, kTiny, 0.3, 0.4},
                    {kTiny, kTiny, 0.35, kTiny, 0.3, 0.35 - 3 * kTiny}});
  auto [src, mask] = source_batch(2);
  DecodeOptions o;
  o.length_penalty = 0;
  o.beam_size = 1;
  o.attention = true;
  const auto greedy = greedy_decode(model, src, mask, o);
  const auto beam = beam_search(model, src, mask, o);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(beam[i][0].tokens, greedy[i].tokens);
    EXPECT_NEAR(beam[i][0].log_prob, greedy[i].log_prob, 1e-5);
    EXPECT_EQ(beam[i][0].attention, greedy[i].attention);
  }
}

TEST(NeuralDecoding, AFinishedHypothesisDoesNotStopTheBeamUnderALengthPenalty) {
  // "" (</s> first, 0.52) beats "A" (0.48 * 0.99) on raw log-probability, but not after GNMT
  // length normalization with alpha = 1: log(0.52) = -0.654 > log(0.4752) / (7/6) = -0.638.
  TableModel model({{kTiny, kTiny, 0.52, kTiny, 0.48, kTiny},
                    {kTiny, kTiny, 0.99, kTiny, 0.005, 0.005},
                    {kTiny, kTiny, 0.99, kTiny, 0.005, 0.005},
                    {kTiny, kTiny, 0.99, kTiny, 0.005, 0.005}});
  auto [src, mask] = source_batch(1);
  DecodeOptions o;
  o.beam_size = 1;
  o.length_penalty = 0;
  EXPECT_TRUE(beam_search(model, src, mask, o)[0][0].tokens.empty());
  o.length_penalty = 1.0;
  const auto best = beam_search(model, src, mask, o)[0][0];
  EXPECT_EQ(best.tokens, (std::vector<std::int64_t>{4}));
  EXPECT_NEAR(best.score, std::log(0.48 * 0.99) / (7.0 / 6.0), 1e-5);
}

TEST(NeuralDecoding, MaximumLengthRelativeToSource) {
  // A model that never ends: output is cut at a * src_len + b tokens.
  TableModel model({{kTiny, kTiny, kTiny, kTiny, 0.9, 0.1},
                    {kTiny, kTiny, kTiny, kTiny, 0.9, 0.1},
                    {kTiny, kTiny, kTiny, kTiny, 0.9, 0.1},
                    {kTiny, kTiny, kTiny, kTiny, 0.9, 0.1}});
  auto [src, mask] = source_batch(2);
  mask[1][1] = false;  // second source has length 1
  DecodeOptions o;
  o.max_length_a = 2;
  o.max_length_b = 1;
  const auto greedy = greedy_decode(model, src, mask, o);
  EXPECT_EQ(greedy[0].tokens.size(), 5u);
  EXPECT_EQ(greedy[1].tokens.size(), 3u);
  o.beam_size = 3;
  const auto beam = beam_search(model, src, mask, o);
  EXPECT_EQ(beam[0][0].tokens.size(), 5u);
  EXPECT_EQ(beam[1][0].tokens.size(), 3u);
  EXPECT_DOUBLE_EQ(length_normalizer(3, 0), 1.0);
  EXPECT_NEAR(length_normalizer(7, 0.6), std::pow(2.0, 0.6), 1e-12);
}

}  // namespace
}  // namespace mtbench::neural
#endif
