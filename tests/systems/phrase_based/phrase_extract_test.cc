#include "systems/phrase_based/phrase_extract.h"

#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::phrase_based {
namespace {

using Box = std::tuple<int, int, int, int>;  // source [b,e), target [b,e)

std::set<Box> boxes(const std::string& links, int I, int J, int max_len = 7) {
  ExtractOptions o;
  o.max_phrase_length = max_len;
  std::set<Box> out;
  for (const auto& p : extract_phrases(parse_pharaoh(links), I, J, o))
    EXPECT_TRUE(out.insert({p.source_begin, p.source_end, p.target_begin, p.target_end}).second);
  return out;
}

TEST(PhraseExtract, ConsistentPairsOfASwap) {
  // a b c / x y z with b-z and c-y crossing: "a b" cannot pair with anything without y.
  EXPECT_EQ(boxes("0-0 1-2 2-1", 3, 3),
            (std::set<Box>{{0, 1, 0, 1}, {1, 2, 2, 3}, {2, 3, 1, 2}, {1, 3, 1, 3}, {0, 3, 0, 3}}));
}

TEST(PhraseExtract, UnalignedWordsExtendPhrases) {
  // Source word 1 unaligned: attaches to either neighbour's phrases.
  EXPECT_EQ(boxes("0-0 2-1", 3, 2),
            (std::set<Box>{{0, 1, 0, 1}, {0, 2, 0, 1}, {1, 3, 1, 2}, {2, 3, 1, 2}, {0, 3, 0, 2}}));
  // Target word 1 unaligned likewise.
  EXPECT_EQ(boxes("0-0 1-2", 2, 3),
            (std::set<Box>{{0, 1, 0, 1}, {0, 1, 0, 2}, {1, 2, 1, 3}, {1, 2, 2, 3}, {0, 2, 0, 3}}));
  // No links: nothing.
  EXPECT_TRUE(boxes("", 2, 2).empty());
}

TEST(PhraseExtract, MaximumLengthOnBothSides) {
  EXPECT_EQ(boxes("0-0 1-1 2-2", 3, 3, 2),
            (std::set<Box>{{0, 1, 0, 1}, {1, 2, 1, 2}, {2, 3, 2, 3}, {0, 2, 0, 2}, {1, 3, 1, 3}}));
  // One source word aligned to three target words cannot be extracted with length 2.
  EXPECT_TRUE(boxes("0-0 0-1 0-2", 1, 3, 2).empty());
}

TEST(PhraseExtract, EveryExtractedPairIsConsistent) {
  const std::string links = "0-1 1-0 2-2 2-3 4-4 5-6 6-5";
  const auto a = parse_pharaoh(links);
  for (const auto& [sb, se, tb, te] : boxes(links, 7, 7)) {
    bool inside = false;
    for (auto [s, t] : a) {
      const bool s_in = s >= sb && s < se, t_in = t >= tb && t < te;
      EXPECT_EQ(s_in, t_in) << sb << se << tb << te;
      inside = inside || (s_in && t_in);
    }
    EXPECT_TRUE(inside);
  }
}

TEST(PhraseExtract, WordBasedOrientations) {
  ExtractOptions o;
  for (const auto& p : extract_phrases(parse_pharaoh("0-0 1-2 2-1"), 3, 3, o)) {
    const Box box{p.source_begin, p.source_end, p.target_begin, p.target_end};
    if (box == Box{0, 1, 0, 1}) {  // a-x: starts both sentences; c-y follows a gap
      EXPECT_EQ(p.orientation.previous, Orientation::kMonotone);
      EXPECT_EQ(p.orientation.next, Orientation::kDiscontinuous);
    } else if (box == Box{1, 2, 2, 3}) {  // b-z comes after c-y, which is to its right: swap
      EXPECT_EQ(p.orientation.previous, Orientation::kSwap);
      EXPECT_EQ(p.orientation.next, Orientation::kDiscontinuous);
    } else if (box == Box{2, 3, 1, 2}) {  // c-y is followed by b-z on its left: swap
      EXPECT_EQ(p.orientation.previous, Orientation::kDiscontinuous);
      EXPECT_EQ(p.orientation.next, Orientation::kSwap);
    } else if (box == Box{1, 3, 1, 3}) {  // "b c"-"y z" after a-x and ending both sentences
      EXPECT_EQ(p.orientation.previous, Orientation::kMonotone);
      EXPECT_EQ(p.orientation.next, Orientation::kMonotone);
    }
  }
}

TEST(PhraseExtract, LinksOutsideTheSentenceAreErrors) {
  EXPECT_THROW(extract_phrases(parse_pharaoh("0-3"), 2, 2), DataError);
}

}  // namespace
}  // namespace mtbench::phrase_based
