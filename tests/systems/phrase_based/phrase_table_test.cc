#include "systems/phrase_based/phrase_table.h"

#include <cmath>
#include <cstring>
#include <optional>

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
  std::optional<PhraseEntry> entry(const PhraseTable& table, const std::string& s, const std::string& t) const {
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
    std::vector<PhraseEntry> list;
    if (!table.find(ids.data(), static_cast<int>(ids.size()), &list)) return std::nullopt;
    for (const auto& e : list) {
      std::string text;
      for (WordId id : e.target) text += (text.empty() ? "" : " ") + table.target_vocab().word(id);
      if (text == t) return e;
    }
    return std::nullopt;
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
  testing::ScratchDir dir;
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, {}, dir / "pt.bin");
  // Haus -> house (2 of 3 occurrences of Haus), house <- Haus (2 of 2).
  const auto e = t.entry(table, "Haus", "house");
  ASSERT_TRUE(e);
  EXPECT_NEAR(std::exp(e->scores[2]), 2.0 / 3, 1e-6);  // p(e|f)
  EXPECT_NEAR(std::exp(e->scores[0]), 1.0, 1e-6);      // p(f|e)
  // Lexical weights of a one-word pair equal the word translation probabilities.
  EXPECT_NEAR(std::exp(e->scores[3]), 2.0 / 3, 1e-6);  // w(house|Haus)
  EXPECT_NEAR(std::exp(e->scores[1]), 1.0, 1e-6);      // w(Haus|house)
  // "das Haus" -> "the house": p(e|f) = 1/2; lex(e|f) = w(the|das) w(house|Haus) = 1 * 2/3.
  const auto p = t.entry(table, "das Haus", "the house");
  ASSERT_TRUE(p);
  EXPECT_NEAR(std::exp(p->scores[2]), 0.5, 1e-6);
  EXPECT_NEAR(std::exp(p->scores[3]), 2.0 / 3, 1e-6);
  EXPECT_EQ(format_pharaoh(p->alignment), "0-0 1-1");
  // p(e|f) sums to one over the targets of a source phrase (no pruning here).
  std::vector<WordId> haus = {t.sv.find("Haus")};
  double sum = 0;
  std::vector<PhraseEntry> targets;
  ASSERT_TRUE(table.find(haus.data(), 1, &targets));
  for (const auto& x : targets) sum += std::exp(x.scores[2]);
  EXPECT_NEAR(sum, 1.0, 1e-6);
  EXPECT_EQ(targets.front().target, std::vector<WordId>{t.tv.find("house")});
  // A phrase that was never extracted is absent (and clears the output).
  std::vector<WordId> missing = {t.sv.find("Buch"), t.sv.find("Haus")};
  EXPECT_FALSE(table.find(missing.data(), 2, &targets));
  EXPECT_TRUE(targets.empty());
}

TEST(PhraseTable, PruningKeepsTheMostFrequentTargets) {
  Toy t = toy();
  PhraseTableOptions o;
  o.max_targets_per_source = 1;
  testing::ScratchDir dir;
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, o, dir / "pt.bin");
  EXPECT_TRUE(t.entry(table, "Haus", "house"));
  EXPECT_FALSE(t.entry(table, "Haus", "home"));
}

TEST(PhraseTable, BinaryRoundTripAndTextDump) {
  Toy t = toy();
  testing::ScratchDir dir;
  auto table = PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, {}, dir / "built.bin");
  EXPECT_EQ(table.file(), dir / "built.bin");
  table.save(dir / "pt.bin");
  EXPECT_EQ(read_file(dir / "pt.bin"), read_file(dir / "built.bin"));
  auto loaded = PhraseTable::load(dir / "pt.bin");
  EXPECT_EQ(loaded.num_pairs(), table.num_pairs());
  EXPECT_EQ(loaded.num_source_phrases(), table.num_source_phrases());
  const auto a = t.entry(table, "das Haus", "the home");
  const auto b = t.entry(loaded, "das Haus", "the home");
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

// Every byte string a crash or a bad disk could leave: a cut file, and any single corrupted
// byte, is a DataError (or, where the byte is a score, a table that still reads), never a crash.
TEST(PhraseTable, CorruptFilesAreDataErrors) {
  Toy t = toy();
  testing::ScratchDir dir;
  PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, {}, dir / "pt.bin");
  const std::string good = read_file(dir / "pt.bin");
  for (std::size_t cut : {std::size_t{0}, std::size_t{8}, std::size_t{71}, good.size() / 2, good.size() - 1}) {
    write_file_atomic(dir / "cut.bin", good.substr(0, cut));
    EXPECT_THROW(PhraseTable::load(dir / "cut.bin"), DataError) << "cut at " << cut;
  }
  write_file_atomic(dir / "long.bin", good + "x");
  EXPECT_THROW(PhraseTable::load(dir / "long.bin"), DataError);
  // Header fields chosen to overflow: 2^64 - 1 source phrases in an empty index.
  {
    std::string bad = good;
    const std::uint64_t huge = ~std::uint64_t{0};
    std::memcpy(&bad[16], &huge, 8);     // source phrases
    std::memcpy(&bad[48], &bad[40], 8);  // vocabulary offset = index offset
    write_file_atomic(dir / "overflow.bin", bad);
    EXPECT_THROW(PhraseTable::load(dir / "overflow.bin"), DataError);
  }
  int data_errors = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (unsigned char flip : {0x01, 0x80, 0xff}) {
      std::string bad = good;
      bad[i] = static_cast<char>(bad[i] ^ flip);
      write_file_atomic(dir / "bad.bin", bad);
      try {
        const auto table = PhraseTable::load(dir / "bad.bin");
        std::size_t pairs = 0;
        table.for_each([&](std::string_view, const std::vector<PhraseEntry>& e) { pairs += e.size(); });
        std::vector<PhraseEntry> out;
        for (WordId w = 0; w < table.source_vocab().size(); ++w) table.find(&w, 1, &out);
      } catch (const DataError&) {
        ++data_errors;
      }
    }
  }
  EXPECT_GT(data_errors, 0);
}

// The external sort changes nothing: a budget so small that every sentence spills its own
// sorted run gives the very same file as one run in memory, on a corpus big enough for
// repeated pairs across runs (first-occurrence links, summed counts, maxima).
TEST(PhraseTable, SortedRunsGiveTheSameTableAsOneRun) {
  Toy t;
  const char* sentences[][3] = {
      {"das Haus ist klein", "the house is small", "0-0 1-1 2-2 3-3"},
      {"das Haus ist gross", "the house is big", "0-0 1-1 2-2 3-3"},
      {"ein Haus ist klein", "a small house", "0-0 1-2 3-1"},
      {"das Buch ist klein", "the book is small", "0-0 1-1 2-2 3-3"},
      {"klein ist das Haus", "the house is small", "0-3 1-2 2-0 3-1"},
      {"das Haus", "the building", "0-0 1-1"},
      {"das ist ein Haus", "this is a house", "0-0 1-1 2-2 3-3"},
      {"das Haus ist klein", "the home is small", "0-0 1-1 2-2 3-3"},
  };
  for (int rep = 0; rep < 3; ++rep)
    for (const auto& s : sentences) t.add(s[0], s[1], s[2]);
  testing::ScratchDir dir;
  PhraseTableOptions one_run, many_runs;
  many_runs.sort_memory = 1;
  many_runs.temp_dir = dir / "runs";
  PhraseTableBuildStats a, b;
  PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, one_run, dir / "one.bin", nullptr, &a);
  PhraseTable::build(t.src, t.tgt, t.align, t.sv, t.tv, many_runs, dir / "many.bin", nullptr, &b);
  EXPECT_EQ(a.runs, 1u);
  EXPECT_EQ(b.runs, t.src.size());
  EXPECT_EQ(a.distinct_pairs, b.distinct_pairs);
  EXPECT_EQ(a.occurrences, b.occurrences);
  EXPECT_EQ(read_file(dir / "one.bin"), read_file(dir / "many.bin"));
  // Runs are temporary.
  EXPECT_TRUE(std::filesystem::is_empty(dir / "runs"));
  // Scores from counts merged across runs: "Haus" -> "house" in 5 sentences x 3; "house" is
  // also the target of "Haus ist" where the unaligned "ist" extends it ("a small house"):
  // p(f|e) = 15 / 18.
  const auto table = PhraseTable::load(dir / "many.bin");
  const auto e = t.entry(table, "Haus", "house");
  ASSERT_TRUE(e);
  EXPECT_FLOAT_EQ(e->count, 15);
  EXPECT_NEAR(std::exp(e->scores[0]), 15.0 / 18, 1e-6);
  const auto extended = t.entry(table, "Haus ist", "house");
  ASSERT_TRUE(extended);
  EXPECT_FLOAT_EQ(extended->count, 3);
}

}  // namespace
}  // namespace mtbench::phrase_based
