#include "systems/alignment/cooccurrence_table.h"

#include <random>
#include <set>
#include <utility>

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::alignment {
namespace {

using Corpus = std::vector<std::vector<WordId>>;

// A random corpus with Zipf-like word choice, some empty sides.
std::pair<Corpus, Corpus> random_corpus(std::uint32_t seed, int sentences, WordId gen_vocab, WordId cond_vocab) {
  std::mt19937 rng(seed);
  Corpus gen(sentences), cond(sentences);
  auto word = [&](WordId vocab) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    return static_cast<WordId>(std::min<double>(vocab - 1, vocab * u * u * u));
  };
  for (int s = 0; s < sentences; ++s) {
    const int j = std::uniform_int_distribution<int>(0, 9)(rng), i = std::uniform_int_distribution<int>(0, 9)(rng);
    for (int k = 0; k < j; ++k) gen[s].push_back(word(gen_vocab));
    for (int k = 0; k < i; ++k) cond[s].push_back(word(cond_vocab));
  }
  return {gen, cond};
}

// Every pair the table must hold, by brute force: (cond or null, gen) over sentence pairs with
// both sides non-empty.
std::set<std::pair<WordId, WordId>> brute_force_pairs(const Corpus& gen, const Corpus& cond, WordId null_word) {
  std::set<std::pair<WordId, WordId>> pairs;
  for (std::size_t s = 0; s < gen.size(); ++s) {
    if (gen[s].empty() || cond[s].empty()) continue;
    for (WordId f : gen[s]) {
      pairs.insert({null_word, f});
      for (WordId e : cond[s]) pairs.insert({e, f});
    }
  }
  return pairs;
}

TEST(CooccurrenceTable, HoldsExactlyTheCooccurringPairsInRowOrder) {
  const auto [gen, cond] = random_corpus(7, 3000, 500, 400);
  const WordId null_word = 400;
  const CooccurrenceTable table(gen, cond, null_word);
  const auto expected = brute_force_pairs(gen, cond, null_word);
  ASSERT_EQ(table.size(), expected.size());
  EXPECT_EQ(table.rows(), 401u);
  EXPECT_GE(table.dense_rows(), 2u);  // the null word's and the most frequent words' rows
  // Ids enumerate the pairs in (cond, gen) order: rows in order, each row sorted.
  std::size_t id = 0;
  for (const auto& [e, f] : expected) {
    ASSERT_GE(id, table.row_begin(e));
    ASSERT_LT(id, table.row_end(e));
    EXPECT_EQ(table.gen_word(id), f);
    EXPECT_EQ(table.find(e, f), id);
    ++id;
  }
  // Built on three threads: the same table.
  const CooccurrenceTable threaded(gen, cond, null_word, 3);
  ASSERT_EQ(threaded.size(), table.size());
  for (WordId e = 0; e <= null_word; ++e) EXPECT_EQ(threaded.row_begin(e), table.row_begin(e));
  for (std::size_t k = 0; k < table.size(); ++k) ASSERT_EQ(threaded.gen_word(k), table.gen_word(k));
  // Absent pairs and unknown rows are size().
  EXPECT_EQ(table.find(0, 100000), table.size());
  EXPECT_EQ(table.find(100000, 0), table.size());
}

TEST(CooccurrenceTable, SentenceIdsAreTheLookupsOfEveryCell) {
  const auto [gen, cond] = random_corpus(11, 500, 60, 50);
  const CooccurrenceTable table(gen, cond, 50);
  std::vector<std::uint32_t> ids;
  for (std::size_t s = 0; s < gen.size(); ++s) {
    if (gen[s].empty() || cond[s].empty()) continue;
    table.sentence_ids(gen[s], cond[s], &ids);
    const std::size_t width = cond[s].size() + 1;
    ASSERT_EQ(ids.size(), gen[s].size() * width);
    for (std::size_t j = 0; j < gen[s].size(); ++j) {
      EXPECT_EQ(ids[j * width], table.find(50, gen[s][j]));  // null first
      for (std::size_t i = 1; i < width; ++i) {
        EXPECT_EQ(ids[j * width + i], table.find(cond[s][i - 1], gen[s][j]));
        EXPECT_LT(ids[j * width + i], table.size());  // every co-occurring pair is present
      }
    }
  }
}

TEST(CooccurrenceTable, RetainDropsPairsAndRenumbersInOrder) {
  const auto [gen, cond] = random_corpus(3, 3000, 400, 70);
  CooccurrenceTable table(gen, cond, 70);
  EXPECT_GE(table.dense_rows(), 2u);  // looked up through direct indexes, before and after
  const std::size_t n = table.size();
  std::vector<char> keep(n);
  std::vector<std::pair<WordId, WordId>> kept, dropped;
  std::vector<int> values(n);
  for (WordId e = 0; e <= 70; ++e)
    for (std::size_t k = table.row_begin(e); k < table.row_end(e); ++k) {
      keep[k] = (k * 7919) % 3 != 0;
      values[k] = static_cast<int>(k);
      (keep[k] ? kept : dropped).push_back({e, table.gen_word(k)});
    }
  table.retain(keep);
  CooccurrenceTable::compact(&values, keep);
  ASSERT_EQ(table.size(), kept.size());
  ASSERT_EQ(values.size(), kept.size());
  for (std::size_t id = 0; id < kept.size(); ++id) {
    EXPECT_EQ(table.find(kept[id].first, kept[id].second), id);
    EXPECT_EQ(keep[values[id]], 1);  // the compacted array follows the same renumbering
    EXPECT_EQ(table.gen_word(id), kept[id].second);
  }
  for (const auto& [e, f] : dropped) EXPECT_EQ(table.find(e, f), table.size());
  // A sentence whose pairs were dropped gets size() for them.
  std::vector<std::uint32_t> ids;
  for (std::size_t s = 0; s < gen.size(); ++s) {
    if (gen[s].empty() || cond[s].empty()) continue;
    table.sentence_ids(gen[s], cond[s], &ids);
    for (std::size_t j = 0; j < gen[s].size(); ++j)
      for (std::size_t i = 1; i <= cond[s].size(); ++i)
        EXPECT_EQ(ids[j * (cond[s].size() + 1) + i], table.find(cond[s][i - 1], gen[s][j]));
  }
  EXPECT_THROW(table.retain(std::vector<char>(table.size() + 1, 1)), DataError);
}

TEST(CooccurrenceTable, RejectsMismatchedSidesAndWordsAtTheNullId) {
  const Corpus gen{{0, 1}}, cond{{0, 5}};
  EXPECT_THROW(CooccurrenceTable(gen, Corpus{}, 9), DataError);
  EXPECT_THROW(CooccurrenceTable(gen, cond, 5), DataError);  // word 5 would be the null word's row
  EXPECT_THROW(CooccurrenceTable(gen, cond, Vocab::kNone), DataError);
  const CooccurrenceTable ok(gen, cond, 6);
  EXPECT_EQ(ok.size(), 6u);  // {null, 0, 5} x {0, 1}
}

}  // namespace
}  // namespace mtbench::alignment
