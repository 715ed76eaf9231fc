#include "systems/phrase_based/phrase_table.h"

#include <cmath>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench::phrase_based {
namespace {

struct Toy {
  Vocab sv, tv;
  std::vector<std::vector<WordId>> src, tgt;
  std::vector<Alignment> align;
  void add(const std::string& s, const std::string& t, const std::string& a) {
    src.push_back(sv.add_sentence(s));
    tgt.push_back(tv.add_sentence(t));
    align.push_back(parse_pharaoh(a));
  }
  const PhraseEntry* entry(const PhraseTable& table, const std::string& s, const std::string& t) const {
    std::string w;
    std::vector<std::string> words;
    for (char c : s + " ") {
      if (c == ' ') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      } else
        w += c;
    }
    const auto ids = table.source_vocab().find_sentence(words);
    const auto* list = table.find(ids.data(), static_cast<int>(ids.size()));
    if (!list) return nullptr;
    for (const auto& e : *list) {
      std::string text;
      for (WordId id : e.target) text += (text.empty() ? "" : " ") + table.target_vocab().word(id);
      if (text == t) return &e;
    }
    return nullptr;
  }
};

Toy toy() {
  Toy t;
  t.add("das Haus", "the house", "0-0 1-1");
  t.add("das Buch", "the book", "0-0 1-1");
  t.add("ein Haus", "a house", "0-0 1-1");
  t.add("das Haus", "the home", "0-0 1-1");
  return t;
}

TEST(PhraseTable, FourScoresFromCounts) {
  Toy t = toy();
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, {});
  // Haus -> house (2 of 3 occurrences of Haus), house <- Haus (2 of 2).
  const auto* e = t.entry(table, "Haus", "house");
  ASSERT_NE(e, nullptr);
  EXPECT_NEAR(std::exp(e->scores[2]), 2.0 / 3, 1e-6);  // p(e|f)
  EXPECT_NEAR(std::exp(e->scores[0]), 1.0, 1e-6);      // p(f|e)
  // Lexical weights of a one-word pair equal the word translation probabilities.
  EXPECT_NEAR(std::exp(e->scores[3]), 2.0 / 3, 1e-6);  // w(house|Haus)
  EXPECT_NEAR(std::exp(e->scores[1]), 1.0, 1e-6);      // w(Haus|house)
  // "das Haus" -> "the house": p(e|f) = 1/2; lex(e|f) = w(the|das) w(house|Haus) = 1 * 2/3.
  const auto* p = t.entry(table, "das Haus", "the house");
  ASSERT_NE(p, nullptr);
  EXPECT_NEAR(std::exp(p->scores[2]), 0.5, 1e-6);
  EXPECT_NEAR(std::exp(p->scores[3]), 2.0 / 3, 1e-6);
  EXPECT_EQ(format_pharaoh(p->alignment), "0-0 1-1");
  // p(e|f) sums to one over the targets of a source phrase (no pruning here).
  std::vector<WordId> haus = {t.sv.find("Haus")};
  double sum = 0;
  for (const auto& x : *table.find(haus.data(), 1)) sum += std::exp(x.scores[2]);
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_EQ(table.find(haus.data(), 1)->front().target, std::vector<WordId>{t.tv.find("house")});
}

TEST(PhraseTable, PruningKeepsTheMostFrequentTargets) {
  Toy t = toy();
  PhraseTableOptions o;
  o.max_targets_per_source = 1;
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, o);
  EXPECT_NE(t.entry(table, "Haus", "house"), nullptr);
  EXPECT_EQ(t.entry(table, "Haus", "home"), nullptr);
}

TEST(PhraseTable, BinaryRoundTripAndTextDump) {
  Toy t = toy();
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, {});
  testing::ScratchDir dir;
  table.save(dir / "pt.bin");
  auto loaded = PhraseTable::load(dir / "pt.bin");
  EXPECT_EQ(loaded.num_pairs(), table.num_pairs());
  EXPECT_EQ(loaded.num_source_phrases(), table.num_source_phrases());
  const auto* a = t.entry(table, "das Haus", "the home");
  const auto* b = t.entry(loaded, "das Haus", "the home");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->scores, b->scores);
  EXPECT_EQ(a->reordering, b->reordering);
  EXPECT_EQ(a->alignment, b->alignment);
  table.dump_text(dir / "pt.txt", dir / "rt.txt");
  const auto lines = read_lines(dir / "pt.txt");
  EXPECT_EQ(lines.size(), table.num_pairs());
  bool found = false;
  for (const auto& l : lines)
    found = found || l.rfind("Haus ||| house ||| 1 1 0.666667 0.666667 ||| 0-0 ||| 2", 0) == 0;
  EXPECT_TRUE(found);
  EXPECT_EQ(read_lines(dir / "rt.txt").size(), table.num_pairs());
  // Corrupt files are DataErrors, not crashes.
  write_file_atomic(dir / "bad.bin", "MTBPT1\n\x05");
  EXPECT_THROW(PhraseTable::load(dir / "bad.bin"), DataError);
  write_file_atomic(dir / "bad2.bin", "hello");
  EXPECT_THROW(PhraseTable::load(dir / "bad2.bin"), DataError);
}

}  // namespace
}  // namespace mtbench::phrase_based
