// chrF / chrF++: the cases of sacreBLEU 2.6.0's test_chrf.py with their expected values,
// plus chrF++ word splitting, multi-reference selection, names and signatures.

#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/chrf.h"

namespace mtbench::eval {
namespace {

using Lines = std::vector<std::string>;

double corpus_chrf(const Lines& hyps, const Lines& refs, ChrfOptions o) {
  Chrf chrf(o);
  chrf.set_references({refs});
  return chrf.corpus_score(hyps).score;
}

ChrfOptions beta3(bool eps_smoothing, bool whitespace = false) {
  ChrfOptions o;
  o.beta = 3;
  o.eps_smoothing = eps_smoothing;
  o.whitespace = whitespace;
  return o;
}

TEST(Chrf, EpsilonSmoothingCasesOfSacreBleu) {
  struct Case {
    Lines hyps, refs;
    double expected;
  };
  const Case cases[] = {
      {{"abcdefg"}, {"hijklmnop"}, 0.0},
      {{"a"}, {"b"}, 0.0},
      {{""}, {"b"}, 0.0},
      {{""}, {"ref"}, 0.0},
      {{""}, {"reference"}, 0.0},
      {{"aa"}, {"ab"}, 8.3333},
      {{"a", "b"}, {"a", "c"}, 8.3333},
      {{"a"}, {"a"}, 16.6667},
      {{"a b c"}, {"a b c"}, 50.0},
      {{"a b c"}, {"abc"}, 50.0},
      {{" risk assessment must be made of those who are qualified and expertise in the sector - these are the "
        "scientists ."},
       {"risk assessment has to be undertaken by those who are qualified and expert in that area - that is the "
        "scientists ."},
       63.361730},
      {{" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "},
       {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
       64.1302698},
      {{"Niemand hat die Absicht, eine Mauer zu errichten"},
       {"Niemand hat die Absicht, eine Mauer zu errichten"},
       100.0},
  };
  for (const Case& c : cases) EXPECT_NEAR(corpus_chrf(c.hyps, c.refs, beta3(true)), c.expected, 1e-4) << c.hyps[0];
}

TEST(Chrf, EffectiveOrderCasesOfSacreBleu) {
  struct Case {
    Lines hyps, refs;
    double expected;
  };
  const Case cases[] = {
      {{"a"}, {"a"}, 100.0}, {{""}, {"reference"}, 0.0},     {{"a b c"}, {"a b c"}, 100.0}, {{"a b c"}, {"abc"}, 100.0},
      {{""}, {"c"}, 0.0},    {{"a", "b"}, {"a", "c"}, 50.0}, {{"aa"}, {"ab"}, 25.0},
  };
  for (const Case& c : cases) EXPECT_NEAR(corpus_chrf(c.hyps, c.refs, beta3(false)), c.expected, 1e-4) << c.hyps[0];
}

TEST(Chrf, KeepWhitespaceCasesOfSacreBleu) {
  EXPECT_NEAR(corpus_chrf({"Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."},
                          {"Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."},
                          beta3(false, true)),
              67.3481606, 1e-4);
  EXPECT_NEAR(corpus_chrf({"risk assessment must be made of those who are qualified and expertise in the sector - "
                           "these are the scientists ."},
                          {"risk assessment has to be undertaken by those who are qualified and expert in that area - "
                           "that is the scientists ."},
                          beta3(false, true)),
              65.2414427, 1e-4);
}

TEST(Chrf, SentenceCasesOfSacreBleu) {
  struct Case {
    std::string hyp, ref;
    double expected;
  };
  const Case cases[] = {
      {"Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
       "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509},
      {"Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
       "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079},
      {"Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
       "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367},
  };
  ChrfOptions o;
  o.eps_smoothing = true;
  Chrf chrf(o);
  for (const Case& c : cases) {
    chrf.set_references({{c.ref}});
    EXPECT_NEAR(chrf.sentence_score_from_stats(chrf.segment_stats({c.hyp}).row(0)).score, c.expected, 1e-4);
  }
}

TEST(Chrf, ChrfPlusPlusWordStatistics) {
  ChrfOptions o;
  o.char_order = 1;
  o.word_order = 2;
  Chrf chrf(o);
  // "(hi)" is split as "(hi" + ")" (sacreBLEU issue #124); "x," as "x" + ",".
  chrf.set_references({{"(hi) x, y"}});
  const StatsMatrix stats = chrf.segment_stats({"(hi) x y"});
  ASSERT_EQ(stats.width, 9u);
  const double* r = stats.row(0);
  // Characters without spaces: hyp "(hi)xy" 6, ref "(hi)x,y" 7, 6 matches.
  EXPECT_EQ(r[0], 6);
  EXPECT_EQ(r[1], 7);
  EXPECT_EQ(r[2], 6);
  // Words: hyp [(hi, ), x, y], ref [(hi, ), x, ",", y]: 4 / 5 / 4.
  EXPECT_EQ(r[3], 4);
  EXPECT_EQ(r[4], 5);
  EXPECT_EQ(r[5], 4);
  // Word bigrams: hyp 3, ref 4; common: "(hi )", ") x".
  EXPECT_EQ(r[6], 3);
  EXPECT_EQ(r[7], 4);
  EXPECT_EQ(r[8], 2);
  EXPECT_EQ(chrf.name(), "chrF2++");
  EXPECT_EQ(chrf.signature(), "nrefs:1|case:mixed|eff:yes|nc:1|nw:2|space:no|version:2.6.0");
}

TEST(Chrf, BestReferenceIsKept) {
  Chrf chrf;
  chrf.set_references({{"completely different"}, {"the same sentence"}});
  EXPECT_EQ(chrf.signature(), "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.6.0");
  EXPECT_NEAR(chrf.corpus_score({"the same sentence"}).score, 100.0, 1e-9);
}

TEST(Chrf, NamesSignaturesAndLowercase) {
  ChrfOptions o;
  o.lowercase = true;
  o.whitespace = true;
  o.eps_smoothing = true;
  o.beta = 1;
  o.word_order = 1;
  Chrf chrf(o);
  EXPECT_EQ(chrf.name(), "chrF1+");
  EXPECT_EQ(chrf.signature(), "nrefs:1|case:lc|eff:no|nc:6|nw:1|space:yes|version:2.6.0");
  chrf.set_references({{"ÄBC Def"}});
  EXPECT_NEAR(chrf.corpus_score({"äbc dEF"}).score, 100.0, 1e-9);
  EXPECT_EQ(chrf.corpus_score({"äbc dEF"}).text(), "chrF1+ = 100.00");
}

TEST(Chrf, Errors) {
  Chrf chrf;
  chrf.set_references({{"a", "b"}});
  EXPECT_THROW(chrf.segment_stats({"a"}), Error);
  ChrfOptions bad;
  bad.char_order = 0;
  EXPECT_THROW(Chrf{bad}, ConfigError);
}

}  // namespace
}  // namespace mtbench::eval

namespace mtbench::eval {
namespace {

// More than 1023 distinct reference characters make character 6-grams too wide to pack,
// so they are hashed: the statistics of the other segments must not change.
TEST(Chrf, HashedNgramKeysGiveTheSameStatistics) {
  const Lines refs = {"Die Beziehung zwischen Obama und Netanjahu", "ist nicht gerade freundlich."};
  const Lines hyps = {"Das Verhältnis zwischen Obama und Netanyahu", "ist nicht freundlich, gerade."};
  std::u32string many;
  for (char32_t c = 0x4E00; c < 0x4E00 + 1500; ++c) many += c;
  std::string huge;
  for (char32_t c : many) {  // UTF-8 by hand: all three-byte sequences
    huge += static_cast<char>(0xE0 | (c >> 12));
    huge += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    huge += static_cast<char>(0x80 | (c & 0x3F));
  }
  ChrfOptions o;
  o.word_order = 2;
  Chrf small(o), large(o);
  small.set_references({refs});
  Lines big_refs = refs, big_hyps = hyps;
  big_refs.push_back(huge);
  big_hyps.push_back(huge.substr(0, 30));
  large.set_references({big_refs});
  const StatsMatrix a = small.segment_stats(hyps), b = large.segment_stats(big_hyps);
  for (std::size_t i = 0; i < hyps.size(); ++i)
    EXPECT_EQ(std::vector<double>(a.row(i), a.row(i) + a.width), std::vector<double>(b.row(i), b.row(i) + b.width));
  EXPECT_EQ(b.row(2)[3 * 5 + 2], 5);  // all five character 6-grams of the 10-character prefix match
}

}  // namespace
}  // namespace mtbench::eval
