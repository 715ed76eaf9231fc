#include "systems/phrase_based/reordering.h"

#include <cmath>

#include <gtest/gtest.h>

namespace mtbench::phrase_based {
namespace {

TEST(Reordering, DecodeOrientations) {
  EXPECT_EQ(decode_orientation(-1, 0, 0, 2), Orientation::kMonotone);  // sentence start
  EXPECT_EQ(decode_orientation(-1, 0, 1, 2), Orientation::kDiscontinuous);
  EXPECT_EQ(decode_orientation(2, 4, 4, 5), Orientation::kMonotone);
  EXPECT_EQ(decode_orientation(2, 4, 0, 2), Orientation::kSwap);
  EXPECT_EQ(decode_orientation(2, 4, 0, 1), Orientation::kDiscontinuous);
  EXPECT_EQ(decode_orientation(2, 4, 5, 6), Orientation::kDiscontinuous);
}

TEST(Reordering, SmoothedProbabilitiesSumToOnePerDirection) {
  const auto p = reordering_log_probs({3, 1, 0, 0, 0, 4}, 0.5);
  EXPECT_NEAR(std::exp(p[0]) + std::exp(p[1]) + std::exp(p[2]), 1.0, 1e-6);
  EXPECT_NEAR(std::exp(p[3]) + std::exp(p[4]) + std::exp(p[5]), 1.0, 1e-6);
  EXPECT_NEAR(std::exp(p[0]), 3.5 / 5.5, 1e-6);
  EXPECT_NEAR(std::exp(p[2]), 0.5 / 5.5, 1e-6);
  EXPECT_NEAR(std::exp(p[5]), 4.5 / 5.5, 1e-6);
}

TEST(Reordering, DistortionIsTheJumpWidth) {
  EXPECT_FLOAT_EQ(distortion_feature(3, 3), 0);
  EXPECT_FLOAT_EQ(distortion_feature(3, 6), -3);
  EXPECT_FLOAT_EQ(distortion_feature(5, 1), -4);
}

TEST(Reordering, PhraseOrientationsAtSentenceBoundaries) {
  // Monotone 2x2 identity alignment.
  std::vector<char> linked = {1, 0, 0, 1};
  auto first = phrase_orientations(linked, 2, 2, 0, 1, 0, 1);
  EXPECT_EQ(first.previous, Orientation::kMonotone);
  EXPECT_EQ(first.next, Orientation::kMonotone);
  auto last = phrase_orientations(linked, 2, 2, 1, 2, 1, 2);
  EXPECT_EQ(last.previous, Orientation::kMonotone);
  EXPECT_EQ(last.next, Orientation::kMonotone);
  // Swapped 2x2.
  std::vector<char> swapped = {0, 1, 1, 0};
  auto second = phrase_orientations(swapped, 2, 2, 0, 1, 1, 2);
  EXPECT_EQ(second.previous, Orientation::kSwap);
  EXPECT_EQ(second.next, Orientation::kDiscontinuous);
}

}  // namespace
}  // namespace mtbench::phrase_based
