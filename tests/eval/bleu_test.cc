// BLEU: the cases of sacreBLEU 2.6.0's test_bleu.py and test_sentence_bleu.py with their
// expected values, plus signatures, multi-reference rules and errors.

#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/bleu.h"

namespace mtbench::eval {
namespace {

using Lines = std::vector<std::string>;

double corpus_bleu(const Lines& hyps, const std::vector<Lines>& refs, BleuOptions options = {}) {
  Bleu bleu(options);
  bleu.set_references(refs);
  return bleu.corpus_score(hyps).score;
}

// sacreBLEU's raw_corpus_bleu: floor smoothing, no tokenization, effective order.
double raw_corpus_bleu(const Lines& hyps, const std::vector<Lines>& refs, std::optional<double> smooth_value) {
  BleuOptions o;
  o.smooth_method = "floor";
  o.smooth_value = smooth_value;
  o.tokenize = "none";
  o.effective_order = true;
  return corpus_bleu(hyps, refs, o) / 100;
}

const std::vector<Lines> kRefs = {
    {"The dog bit the man.", "It was not unexpected.", "The man bit him first."},
    {"The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."},
};
const Lines kHyps = {"The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."};

TEST(Bleu, CorpusCasesOfSacreBleu) {
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs), 48.530827, 1e-6);
  EXPECT_EQ(corpus_bleu({"", "", ""}, kRefs), 0.0);  // empty hypotheses are kept
  BleuOptions none;
  none.tokenize = "none";
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, none), 49.1919566, 1e-6);
  BleuOptions intl;
  intl.tokenize = "intl";
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, intl), 43.91623493, 1e-6);
  BleuOptions no_smooth;
  no_smooth.smooth_method = "none";
  EXPECT_NEAR(corpus_bleu(kHyps, kRefs, no_smooth), 48.530827, 1e-6);
}

TEST(Bleu, MaxNgramOrder) {
  const char* expected[] = {"77.65", "60.50", "53.93", "48.53", "46.14", "43.28"};
  for (int order = 1; order <= 6; ++order) {
    BleuOptions o;
    o.max_ngram_order = order;
    Bleu bleu(o);
    bleu.set_references(kRefs);
    EXPECT_EQ(fmt::format("{:.2f}", bleu.corpus_score(kHyps).score), expected[order - 1]) << order;
  }
}

TEST(Bleu, RawBleuAndEffectiveOrder) {
  EXPECT_EQ(raw_corpus_bleu({"this is a test", "another test"}, {{"ref1", "ref2"}}, 0.01), 0.0);  // #141
  EXPECT_NEAR(raw_corpus_bleu({"this is a test"}, {{"this is a test"}}, 0.01), 1.0, 1e-8);
  EXPECT_NEAR(raw_corpus_bleu({"this is a fest"}, {{"this is a test"}}, 0.01), 0.223606797749979, 1e-8);
  EXPECT_NEAR(raw_corpus_bleu({"test"}, {{"a test"}}, 0.01), 0.3678794411714425, 1e-8);
  EXPECT_NEAR(raw_corpus_bleu({"a test"}, {{"a test"}}, 0.01), 1.0, 1e-8);
  EXPECT_NEAR(raw_corpus_bleu({"a little test"}, {{"a test"}}, 0.01), 0.03218297948685433, 1e-8);
}

TEST(Bleu, StatisticsAndOffsets) {
  BleuOptions o;
  o.tokenize = "none";
  Bleu bleu(o);
  bleu.set_references({{"I am a symbol string sequence a a"}});
  const StatsMatrix stats = bleu.segment_stats({"am I am a character sequence"});
  ASSERT_EQ(stats.width, 10u);
  const std::vector<double> row(stats.row(0), stats.row(0) + 10);
  EXPECT_EQ(row, (std::vector<double>{6, 8, 4, 2, 1, 0, 6, 5, 4, 3}));
  // floor smoothing with value 0 gives 0; with the default 0.1 (None) sacreBLEU's value.
  EXPECT_NEAR(raw_corpus_bleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}}, 0.0), 0.0,
              1e-8);
  EXPECT_NEAR(raw_corpus_bleu({"am I am a character sequence"}, {{"I am a symbol string sequence a a"}}, std::nullopt),
              0.1555722182, 1e-8);
}

TEST(Bleu, ScoringFromStatistics) {
  BleuOptions o;
  o.smooth_method = "none";
  Bleu bleu(o);
  const std::vector<double> stats = {11, 11, 9, 7, 5, 3, 10, 8, 6, 4};
  EXPECT_NEAR(bleu.score_from_stats(stats).score / 100, 0.8375922397, 1e-8);
}

TEST(Bleu, DegenerateStatisticsScoreZero) {
  // (correct, total, sys_len, ref_len, floor value): all 0 in sacreBLEU.
  struct Case {
    std::vector<double> correct, total;
    double sys_len, ref_len, offset;
  };
  const Case cases[] = {{{0, 0, 0, 0}, {4, 4, 2, 1}, 0, 1, 0.0}, {{0, 0, 0, 0}, {10, 11, 12, 0}, 14, 10, 0.0},
                        {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.0}, {{6, 5, 4, 0}, {6, 5, 4, 3}, 6, 6, 0.0},
                        {{0, 0, 0, 0}, {0, 0, 0, 0}, 0, 0, 0.1}, {{0, 0, 0, 0}, {0, 0, 0, 0}, 1, 5, 0.01}};
  for (const Case& c : cases) {
    BleuOptions o;
    o.smooth_method = "floor";
    o.smooth_value = c.offset;
    Bleu bleu(o);
    std::vector<double> stats = {c.sys_len, c.ref_len};
    stats.insert(stats.end(), c.correct.begin(), c.correct.end());
    stats.insert(stats.end(), c.total.begin(), c.total.end());
    EXPECT_EQ(bleu.score_from_stats(stats).score, 0.0);
  }
}

// test_sentence_bleu.py (#98): sentence scores with effective order.
TEST(Bleu, SentenceScoresOfSacreBleu) {
  const std::string ref = "producţia de zahăr brut se exprimă în zahăr alb;";
  const std::string sys = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
  struct Case {
    std::string method;
    std::optional<double> value;
    bool lowercase;
    std::string tok;
    double expected;
  };
  const Case cases[] = {
      {"exp", std::nullopt, false, "13a", 8.493},
      {"none", std::nullopt, false, "13a", 0.0},
      {"floor", std::nullopt, false, "13a", 4.51688},
      {"floor", 0.1, false, "13a", 4.51688},
      {"floor", 0.5, false, "13a", 10.10},
      {"add-k", std::nullopt, false, "13a", 14.882},
      {"add-k", 1, false, "13a", 14.882},
      {"add-k", 2, false, "13a", 21.389},
      {"exp", std::nullopt, false, "none", 7.347},
      {"exp", std::nullopt, false, "intl", 8.493},
      {"exp", std::nullopt, false, "char", 40.8759},
      {"exp", std::nullopt, true, "char", 42.0267},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.method + " " + c.tok);
    BleuOptions o;
    o.smooth_method = c.method;
    o.smooth_value = c.value;
    o.lowercase = c.lowercase;
    o.tokenize = c.tok;
    o.effective_order = true;
    Bleu bleu(o);
    bleu.set_references({{ref}});
    EXPECT_NEAR(bleu.sentence_score_from_stats(bleu.segment_stats({sys}).row(0)).score, c.expected, 1e-3);
    // With effective order on, the corpus score of one segment is the sentence score.
    EXPECT_NEAR(bleu.corpus_score({sys}).score, c.expected, 1e-3);
  }
  // #141: no match at all is 0 whatever the smoothing.
  for (const std::string method : {"exp", "none", "floor", "add-k"}) {
    BleuOptions o;
    o.smooth_method = method;
    Bleu bleu(o);
    bleu.set_references({{"okay thanks"}});
    EXPECT_EQ(bleu.sentence_score_from_stats(bleu.segment_stats({"this is a cat"}).row(0)).score, 0.0) << method;
  }
}

TEST(Bleu, SignatureAndText) {
  Bleu bleu;
  bleu.set_references({{"a b c d"}});
  EXPECT_EQ(bleu.signature(), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  EXPECT_EQ(bleu.corpus_score({"a b c d"}).text(),
            "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)");
  BleuOptions o;
  o.lowercase = true;
  o.tokenize = "intl";
  o.smooth_method = "floor";
  o.effective_order = true;
  EXPECT_EQ(Bleu(o).signature(), "nrefs:1|case:lc|eff:yes|tok:intl|smooth:floor[0.10]|version:2.6.0");
  o.smooth_method = "add-k";
  o.smooth_value = 2;
  EXPECT_EQ(Bleu(o).signature(), "nrefs:1|case:lc|eff:yes|tok:intl|smooth:add-k[2.00]|version:2.6.0");
  o.smooth_method = "exp";  // the value is not shown for methods that take none
  EXPECT_EQ(Bleu(o).signature(), "nrefs:1|case:lc|eff:yes|tok:intl|smooth:exp|version:2.6.0");
}

TEST(Bleu, MultipleReferencesSkipEmptyLines) {
  // An empty line in the second stream leaves segment 1 with one reference: nrefs "var",
  // and that segment scores as against its non-empty reference alone.
  const std::vector<Lines> refs = {{"the cat sat on the mat", "a dog barked loudly"},
                                   {"a cat was sitting on the mat", ""}};
  const Lines hyps = {"the cat sat on a mat", "a dog barked"};
  Bleu bleu;
  bleu.set_references(refs);
  EXPECT_EQ(bleu.signature(), "nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  const StatsMatrix two = bleu.segment_stats(hyps);
  Bleu single;
  single.set_references({{"a dog barked loudly"}});
  const StatsMatrix one = single.segment_stats({"a dog barked"});
  EXPECT_EQ(std::vector<double>(two.row(1), two.row(1) + two.width),
            std::vector<double>(one.row(0), one.row(0) + one.width));
  // Segment 0: clipped counts take the maximum over references, length the closest one.
  const double* row = two.row(0);
  EXPECT_EQ(row[0], 6);  // hyp_len
  EXPECT_EQ(row[1], 6);  // closest reference length (6 vs 7)
  EXPECT_EQ(row[2], 6);  // every unigram matches one of the references
}

TEST(Bleu, ClosestReferenceLengthPrefersShorterOnTies) {
  Bleu bleu;
  bleu.set_references({{"a b c"}, {"a b c d e"}});
  EXPECT_EQ(bleu.segment_stats({"a b c d"}).row(0)[1], 3);
}

TEST(Bleu, AllReferencesEmptyIsAnEmptyReference) {
  Bleu bleu;
  bleu.set_references({{"", "x y"}});
  EXPECT_EQ(bleu.signature(), "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  const StatsMatrix stats = bleu.segment_stats({"a b", "x y"});
  EXPECT_EQ(stats.row(0)[1], 0);  // reference length
  EXPECT_EQ(stats.row(0)[2], 0);  // no match
}

TEST(Bleu, Errors) {
  Bleu bleu;
  EXPECT_THROW(bleu.segment_stats({"a"}), Error);  // no references yet
  bleu.set_references({{"a", "b"}});
  try {
    bleu.segment_stats({"a"});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("1 segments"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("have 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bleu.set_references({{"a", "b"}, {"c"}}), Error);
  BleuOptions bad;
  bad.smooth_method = "laplace";
  EXPECT_THROW(Bleu{bad}, ConfigError);
  bad = BleuOptions{};
  bad.tokenize = "moses";
  EXPECT_THROW(Bleu{bad}, ConfigError);
}

TEST(Bleu, ReferencesAreCachedAcrossSystems) {
  Bleu bleu;
  bleu.set_references(kRefs);
  const double first = bleu.corpus_score(kHyps).score;
  bleu.corpus_score({"", "", ""});
  EXPECT_EQ(bleu.corpus_score(kHyps).score, first);
  EXPECT_EQ(bleu.num_segments(), 3u);
}

}  // namespace
}  // namespace mtbench::eval

namespace mtbench::eval {
namespace {

// More than 2^16 distinct reference words make 4-gram keys too wide to pack into 64 bits,
// so n-grams are hashed: the statistics of the other segments must not change.
TEST(Bleu, HashedNgramKeysGiveTheSameStatistics) {
  const Lines refs = {"the cat sat on the mat today", "a b c d e f a b c d"};
  const Lines hyps = {"the cat sat on a mat today", "a b c d a b c d e"};
  std::string huge;
  for (int k = 0; k < 70000; ++k) huge += "w" + std::to_string(k) + " ";
  Bleu small, large;
  small.set_references({refs});
  Lines big_refs = refs, big_hyps = hyps;
  big_refs.push_back(huge);
  big_hyps.push_back("w1 w2 w3 w4");
  large.set_references({big_refs});
  const StatsMatrix a = small.segment_stats(hyps), b = large.segment_stats(big_hyps);
  for (std::size_t i = 0; i < hyps.size(); ++i)
    EXPECT_EQ(std::vector<double>(a.row(i), a.row(i) + a.width), std::vector<double>(b.row(i), b.row(i) + b.width));
  EXPECT_EQ(b.row(2)[2 + 3], 1);  // the 4-gram "w1 w2 w3 w4" matches
}

}  // namespace
}  // namespace mtbench::eval
