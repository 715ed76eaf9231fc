#include "systems/alignment/ibm_align.h"

#include <chrono>
#include <cmath>

#include <gtest/gtest.h>

#include "base/error.h"
#include "corpus/parallel.h"
#include "tests/test_util.h"

namespace mtbench::alignment {
namespace {

struct Toy {
  Vocab sv, tv;
  std::vector<std::vector<WordId>> src, tgt;
  void add(const std::string& s, const std::string& t) {
    src.push_back(sv.add_sentence(s));
    tgt.push_back(tv.add_sentence(t));
  }
};

// The classic "das Haus / the house" toy corpus (Koehn, SMT book §4.2): EM must untangle
// das=the, Haus=house, Buch=book, ein=a.
Toy koehn_toy() {
  Toy toy;
  toy.add("das Haus", "the house");
  toy.add("das Buch", "the book");
  toy.add("ein Buch", "a book");
  toy.add("ein Haus", "a house");
  toy.add("das kleine Haus", "the small house");
  return toy;
}

TEST(IbmAlign, Model1LearnsToyCorpusInBothDirections) {
  Toy toy = koehn_toy();
  AlignOptions options;
  options.model = AlignModel::kIbm1;
  options.iterations = 20;
  options.variational_bayes = false;
  for (bool reverse : {false, true}) {
    auto result = train_alignment(toy.src, toy.tgt, options, reverse);
    EXPECT_EQ(format_pharaoh(result.alignments[0]), "0-0 1-1") << reverse;
    EXPECT_EQ(format_pharaoh(result.alignments[2]), "0-0 1-1") << reverse;
    EXPECT_EQ(format_pharaoh(result.alignments[4]), "0-0 1-1 2-2") << reverse;
    // EM never decreases the likelihood.
    for (std::size_t i = 1; i < result.log_likelihoods.size(); ++i)
      EXPECT_GE(result.log_likelihoods[i], result.log_likelihoods[i - 1] - 1e-9);
  }
}

TEST(IbmAlign, FastAlignPrefersDiagonalAndLearnsTension) {
  Toy toy = koehn_toy();
  // A reordered pair: without lexical evidence the diagonal prior decides.
  toy.add("Haus das", "house the");
  AlignOptions options;
  options.iterations = 10;
  auto result = train_alignment(toy.src, toy.tgt, options, false);
  EXPECT_EQ(format_pharaoh(result.alignments[4]), "0-0 1-1 2-2");
  EXPECT_EQ(format_pharaoh(result.alignments[5]), "0-0 1-1");
  EXPECT_GT(result.final_tension, 0.1);
  EXPECT_LE(result.final_tension, 14.0);
}

TEST(IbmAlign, ThreadsGiveTheSameAlignments) {
  Toy toy;
  for (int k = 0; k < 200; ++k) {
    toy.add("das Haus ist klein", "the house is small");
    toy.add("das Buch ist gross", "the book is big");
    toy.add("ein kleines Buch", "a small book");
  }
  AlignOptions options;
  options.threads = 1;
  auto one = train_alignment(toy.src, toy.tgt, options, true);
  options.threads = 2;
  auto two = train_alignment(toy.src, toy.tgt, options, true);
  EXPECT_EQ(one.alignments, two.alignments);
  EXPECT_NEAR(one.log_likelihoods.back(), two.log_likelihoods.back(), 1e-6);
  EXPECT_EQ(format_pharaoh(one.alignments[0]), "0-0 1-1 2-2 3-3");
}

// A larger toy corpus: three sentence shapes repeated, the words interleaved with rarer ones.
Toy repeated_toy() {
  Toy toy;
  for (int k = 0; k < 200; ++k) {
    toy.add("das Haus ist klein", "the house is small");
    toy.add("das Buch ist gross", "the book is big");
    toy.add("ein kleines Buch", "a small book");
    if (k % 10 == 0) toy.add("ein Haus " + std::to_string(k), "a house " + std::to_string(k));
  }
  return toy;
}

TEST(IbmAlign, PruningShrinksTheTableAndKeepsTheAlignments) {
  const Toy toy = repeated_toy();
  for (AlignModel model : {AlignModel::kFastAlign, AlignModel::kIbm1, AlignModel::kHmm}) {
    AlignOptions options;
    options.model = model;
    options.hmm_model1_iterations = 3;
    const auto full = train_alignment(toy.src, toy.tgt, options, false);
    EXPECT_EQ(full.kept_pairs, full.cooccurring_pairs);
    // A cutoff below every probability prunes nothing: the same result, bit for bit.
    options.prune_below = 1e-300;
    const auto none = train_alignment(toy.src, toy.tgt, options, false);
    EXPECT_EQ(none.kept_pairs, none.cooccurring_pairs);
    EXPECT_EQ(none.alignments, full.alignments);
    EXPECT_EQ(none.log_likelihoods, full.log_likelihoods);
    // A real cutoff drops pairs, yet the frequent words still align the same way, with one
    // thread or two.
    options.prune_below = 1e-3;
    options.keep_table_above = 0;
    const auto pruned = train_alignment(toy.src, toy.tgt, options, false);
    EXPECT_LT(pruned.kept_pairs, pruned.cooccurring_pairs) << static_cast<int>(model);
    EXPECT_EQ(pruned.cooccurring_pairs, full.cooccurring_pairs);
    for (int s : {0, 1, 2}) EXPECT_EQ(pruned.alignments[s], full.alignments[s]) << static_cast<int>(model);
    if (model == AlignModel::kFastAlign) {
      EXPECT_EQ(format_pharaoh(pruned.alignments[0]), "0-0 1-1 2-2 3-3");
    }
    EXPECT_LE(pruned.table.size(), pruned.kept_pairs);
    for (const auto& entry : pruned.table) EXPECT_GT(entry.prob, 0.0);
    options.threads = 2;
    const auto two = train_alignment(toy.src, toy.tgt, options, false);
    EXPECT_EQ(two.alignments, pruned.alignments);
    EXPECT_EQ(two.kept_pairs, pruned.kept_pairs);
  }
}

TEST(IbmAlign, ErrorsAndPharaohRoundTrip) {
  std::vector<std::vector<WordId>> a{{0}}, b;
  EXPECT_THROW(train_alignment(a, b, {}, false), DataError);
  AlignOptions bad;
  bad.p0 = 1.5;
  EXPECT_THROW(train_alignment(a, a, bad, false), ConfigError);
  for (double cutoff : {-0.1, 1.0, std::nan("")}) {
    AlignOptions prune;
    prune.prune_below = cutoff;
    EXPECT_THROW(train_alignment(a, a, prune, false), ConfigError) << cutoff;
  }
  EXPECT_EQ(format_pharaoh(parse_pharaoh("2-1 0-0  1-3")), "0-0 1-3 2-1");
  EXPECT_THROW(parse_pharaoh("0-0 1x2"), DataError);
  EXPECT_THROW(parse_pharaoh("0--1"), DataError);
  // Empty sides produce no links and no crash.
  std::vector<std::vector<WordId>> s{{0, 1}, {}}, t{{0}, {1}};
  auto r = train_alignment(s, t, {}, false);
  EXPECT_TRUE(r.alignments[1].empty());
}

// Speed and sanity on the real Multi30k training set (29k pairs; fast_align: ~5 s/direction).
TEST(IbmAlign, Multi30kForwardIsFastAndMostlyDiagonal) {
  MTBENCH_REQUIRE_SHARED(de, "corpora/multi30k/train.de.gz");
  MTBENCH_REQUIRE_SHARED(en, "corpora/multi30k/train.en.gz");
  auto corpus = load_parallel(de, en);
  Toy toy;
  for (std::size_t i = 0; i < corpus.size(); ++i) toy.add(corpus.source[i], corpus.target[i]);
  AlignOptions options;
  options.threads = 2;
  const auto start = std::chrono::steady_clock::now();
  auto result = train_alignment(toy.src, toy.tgt, options, false);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);
  std::size_t links = 0;
  for (const auto& a : result.alignments) links += a.size();
  EXPECT_GT(links, corpus.size() * 8);  // most of ~12 German words per sentence are aligned
  EXPECT_GT(result.final_tension, 1.0);
}

}  // namespace
}  // namespace mtbench::alignment
