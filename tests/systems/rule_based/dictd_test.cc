// dictd reading: base64 numbers, index lines, entry parsing, and the installed FreeDict.
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/rule_based/dictd.h"
#include "systems/rule_based/lexicon.h"
#include "tests/test_util.h"

namespace mtbench::rule_based {
namespace {

const char* const kFreeDictIndex = "/usr/share/dictd/freedict-deu-eng.index";
const char* const kFreeDictBody = "/usr/share/dictd/freedict-deu-eng.dict.dz";

TEST(RuleBasedDictd, DecodesBase64Numbers) {
  EXPECT_EQ(decode_dictd_number("A"), 0u);
  EXPECT_EQ(decode_dictd_number("/"), 63u);
  EXPECT_EQ(decode_dictd_number("B0"), 1u * 64 + 52);  // dictd: A-Z a-z 0-9 + /
  EXPECT_EQ(decode_dictd_number("GHAt"), 6u * 262144 + 7 * 4096 + 0 * 64 + 45);
  EXPECT_THROW(decode_dictd_number("B*"), DataError);
  EXPECT_THROW(decode_dictd_number(""), DataError);
}

TEST(RuleBasedDictd, ReadsIndexAndNamesBadLine) {
  testing::ScratchDir dir;
  write_file_atomic(dir / "a.index", "haus\tBA\tC\nmann\tBB\tD\n");
  const auto entries = read_dictd_index(dir / "a.index");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[1].headword, "mann");
  EXPECT_EQ(entries[1].offset, 65u);
  EXPECT_EQ(entries[1].length, 3u);
  write_file_atomic(dir / "b.index", "haus\tBA\tC\nkaputt\n");
  try {
    read_dictd_index(dir / "b.index");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("b.index:2"), std::string::npos) << e.what();
  }
}

TEST(RuleBasedDictd, ParsesFreeDictEntry) {
  const DictEntry e = parse_dict_entry(
      "Haus /hˈaʊs/ <neut, n, sg>\n [adm.] establishment <n>, institution <n>\n"
      "   Synonyms: {Einrichtung}, {Institution}\n\n see: {Häuser}, {frei Haus}\n");
  EXPECT_EQ(e.headword, "Haus");
  EXPECT_EQ(e.pos, "n");
  EXPECT_EQ(e.gender, "neut");
  EXPECT_FALSE(e.plural);
  EXPECT_EQ(e.translations, (std::vector<std::string>{"establishment", "institution"}));
  EXPECT_EQ(e.see, (std::vector<std::string>{"Häuser", "frei Haus"}));
  EXPECT_EQ(e.synonyms, (std::vector<std::string>{"Einrichtung", "Institution"}));

  const DictEntry pl = parse_dict_entry("Männer /mˈɛnɜ/ <pl>\nmen\n see: {Mann}, {Manns genug}\n");
  EXPECT_TRUE(pl.plural);
  EXPECT_EQ(pl.pos, "n");
  const DictEntry prefix = parse_dict_entry("Haus… /hˈaʊs/ <adj>\ndomestic <adj>, household <adj>\n");
  EXPECT_TRUE(prefix.prefix_form);
  EXPECT_EQ(prefix.headword, "Haus");
}

TEST(RuleBasedDictd, CleansTranslations) {
  EXPECT_EQ(clean_translations(" [ugs.]  [mus.] volta bracket <n>"), (std::vector<std::string>{"volta bracket"}));
  EXPECT_EQ(clean_translations("perform sth. <v>, play (the) game <v>; play <v>"),
            (std::vector<std::string>{"perform", "play game", "play"}));
  EXPECT_EQ(clean_translations("reach to a place/as far as a place <v>"),
            (std::vector<std::string>{"reach to a place"}));
}

TEST(RuleBasedDictd, FreeDictLexiconLinksInflectedFormsAndRoundTrips) {
  if (!std::filesystem::exists(kFreeDictIndex)) GTEST_SKIP() << "dict-freedict-deu-eng not installed";
  const Lexicon lexicon = Lexicon::from_dictd(kFreeDictIndex, kFreeDictBody);
  EXPECT_GT(lexicon.size(), 400000u);
  // "Männer" is listed as an inflected form pointing to its lemma "Mann", translated "men".
  bool men = false;
  for (auto [b, e] = lexicon.lookup("männer"); b != e; ++b)
    men = men || (b->lemma == "Mann" && b->plural && b->translations == std::vector<std::string>{"men"});
  EXPECT_TRUE(men);
  bool gone = false;
  for (auto [b, e] = lexicon.lookup("gegangen"); b != e; ++b) gone = gone || (b->lemma == "gehen" && b->pos == "v");
  EXPECT_TRUE(gone);
  EXPECT_TRUE(lexicon.has("haus", "n"));
  EXPECT_TRUE(lexicon.has("spielen", "v"));

  testing::ScratchDir dir;
  lexicon.save(dir / "lex.bin");
  const Lexicon loaded = Lexicon::load(dir / "lex.bin");
  ASSERT_EQ(loaded.size(), lexicon.size());
  auto [b1, e1] = lexicon.lookup("haus");
  auto [b2, e2] = loaded.lookup("haus");
  ASSERT_EQ(e1 - b1, e2 - b2);
  for (; b1 != e1; ++b1, ++b2) EXPECT_EQ(b1->translations, b2->translations);
}

TEST(RuleBasedDictd, LoadRejectsTruncatedIndex) {
  testing::ScratchDir dir;
  Lexicon lexicon;
  lexicon.add({"Haus", "n", "neut", false, false, "", {"house"}});
  lexicon.finalize();
  lexicon.save(dir / "lex.bin");
  std::string bytes = read_file(dir / "lex.bin");
  write_file_atomic(dir / "cut.bin", bytes.substr(0, bytes.size() - 3));
  EXPECT_THROW(Lexicon::load(dir / "cut.bin"), DataError);
  write_file_atomic(dir / "foreign.bin", "hello world, not an index");
  EXPECT_THROW(Lexicon::load(dir / "foreign.bin"), DataError);
}

}  // namespace
}  // namespace mtbench::rule_based
