// Rule file parsing and every structural rule of data/de-en.rules on hand-made sentences,
// plus the translator's edge cases (unknown words, empty line, 10k tokens, save/load).
#include <chrono>
#include <cstdlib>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/rule_based/rule_based_translator.h"
#include "tests/test_util.h"

namespace mtbench::rule_based {
namespace {

const std::filesystem::path kData = std::filesystem::path(MTBENCH_SOURCE_DIR) / "systems/rule_based/data";

bool fired(const Translation& t, const std::string& rule) {
  for (const RuleFiring& f : t.explanation.rules)
    if (f.rule == rule) return true;
  return false;
}

class RuleBasedRules : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ScratchDir dir;
    write_file_atomic(
        dir / "lex.tsv",
        "Mann\tman\tn\nFrau\twoman\tn\nHund\tdog\tn\nBall\tball\tn\nHut\that\tn\nZelt\ttent\tn\n"
        "Straße\tstreet\tn\nKind\tchild\tn\nSchulter\tshoulder\tn\nApfel\tapple\tn\nHaus\thouse\tn\n"
        "Park\tpark\tn\nspielen\tplay\tv\nsehen\tsee\tv\ngesehen\tseen\tv\ntragen\twear\tv\nsitzen\tsit\tv\n"
        "schlafen\tsleep\tv\naufbauen\tset up\tv\nbauen\tbuild\tv\nessen\teat\tv\nfangen\tcatch\tv\n"
        "rot\tred\tadj\ngroß\tbig\tadj\nheute\ttoday\tadv\n");
    const std::string text = read_file(kData / "de-en.rules");
    translator_.set_model(Lexicon::from_tsv(dir / "lex.tsv"), parse_rules(text, "de-en.rules"), text);
  }
  Translation tr(const std::string& s) { return translator_.translate_one(s, true); }
  RuleBasedTranslator translator_;
};

TEST_F(RuleBasedRules, ContractionAndPresentProgressive) {
  const Translation t = tr("Ein Mann spielt im Park.");
  EXPECT_EQ(t.text, "A man is playing in the park.");
  EXPECT_TRUE(fired(t, "contraction"));
  EXPECT_TRUE(fired(t, "present-progressive"));
  EXPECT_EQ(tr("Zwei Hunde spielen.").text, "Two dogs are playing.");
}

TEST_F(RuleBasedRules, SeparablePrefixReattachment) {
  const Translation t = tr("Der Mann baut das Zelt auf.");
  EXPECT_EQ(t.text, "The man is setting up the tent.");
  EXPECT_TRUE(fired(t, "separable-prefix"));
}

TEST_F(RuleBasedRules, ParticipleMovesAfterAuxiliary) {
  const Translation t = tr("Der Mann hat den Ball gesehen.");
  EXPECT_EQ(t.text, "The man has seen the ball.");
  EXPECT_TRUE(fired(t, "verb-final-participle"));
}

TEST_F(RuleBasedRules, RelativeClauseVerbFinal) {
  const Translation t = tr("Ein Mann, der einen roten Hut trägt, sitzt.");
  EXPECT_EQ(t.text, "A man, who is wearing a red hat, is sitting.");
  EXPECT_TRUE(fired(t, "relative-pronoun"));
  EXPECT_TRUE(fired(t, "verb-final-relative"));
}

TEST_F(RuleBasedRules, SubordinateClauseVerbFinal) {
  const Translation t = tr("Die Frau sitzt, weil der Hund schläft.");
  EXPECT_EQ(t.text, "The woman is sitting, because the dog is sleeping.");
  EXPECT_TRUE(fired(t, "verb-final-subordinate"));
}

TEST_F(RuleBasedRules, GenitiveBecomesOf) {
  const Translation t = tr("Ein Kind sitzt auf den Schultern einer Frau.");
  EXPECT_EQ(t.text, "A child is sitting on the shoulders of a woman.");
  EXPECT_TRUE(fired(t, "genitive-of"));
}

TEST_F(RuleBasedRules, FrontedAdverbialAndVerbSecond) {
  Translation t = tr("Auf der Straße spielt ein Kind.");
  EXPECT_EQ(t.text, "A child is playing on the street.");
  EXPECT_TRUE(fired(t, "verb-second-fronted-pp"));
  t = tr("Heute spielt ein Kind.");
  EXPECT_EQ(t.text, "Today a child is playing.");
  EXPECT_TRUE(fired(t, "verb-second-fronted-adverb"));
}

TEST_F(RuleBasedRules, UmZuInfinitiveAndThereIs) {
  Translation t = tr("Der Hund springt, um den Ball zu fangen.");
  EXPECT_NE(t.text.find("to catch the ball"), std::string::npos) << t.text;
  EXPECT_TRUE(fired(t, "um-zu-infinitive"));
  t = tr("Es gibt einen Hund.");
  EXPECT_EQ(t.text, "There is a dog.");
  EXPECT_TRUE(fired(t, "there-is"));
}

TEST_F(RuleBasedRules, ArticleAOrAn) {
  const Translation t = tr("Ein Mann isst einen Apfel.");
  EXPECT_EQ(t.text, "A man is eating an apple.");
  EXPECT_TRUE(fired(t, "a-an"));
}

TEST_F(RuleBasedRules, UnknownWordsArePassedThroughAndMarked) {
  const Translation t = tr("Ein Mann sieht Blorptastik.");
  EXPECT_NE(t.text.find("Blorptastik"), std::string::npos);
  ASSERT_EQ(t.explanation.unknown_words.size(), 1u);
  EXPECT_EQ(t.explanation.unknown_words[0], "Blorptastik");
  bool marked = false;
  for (const LexiconUse& u : t.explanation.lexicon) marked = marked || u.note == "unknown: passed through";
  EXPECT_TRUE(marked);
}

TEST_F(RuleBasedRules, EmptyAndVeryLongLines) {
  EXPECT_EQ(tr("").text, "");
  EXPECT_EQ(tr("   ").text, "");
  std::string line;
  for (int i = 0; i < 10000; ++i)
    line += i % 7 == 6 ? "gesehen " : i % 3 == 0 ? "der " : i % 3 == 1 ? "Mann hat " : "roten ";
  const auto start = std::chrono::steady_clock::now();
  const Translation t = translator_.translate_one(line, true);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(t.text.empty());
  EXPECT_LT(seconds, 20.0);
}

TEST_F(RuleBasedRules, SaveLoadRoundTrip) {
  testing::ScratchDir dir;
  translator_.save(dir.path());
  RuleBasedTranslator loaded;
  loaded.load(dir.path());
  const std::vector<std::string> src = {"Ein Mann, der einen roten Hut trägt, sitzt.", "Der Mann baut das Zelt auf."};
  TranslateOptions options;
  options.threads = 2;
  const auto a = translator_.translate(src, options);
  const auto b = loaded.translate(src, options);
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].text, b[i].text);
}

TEST(RuleBasedRuleFile, ErrorsNameFileAndLine) {
  auto message = [](const std::string& text) {
    try {
      parse_rules(text, "x.rules");
    } catch (const DataError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("[words]\nder ART the\n[nonsense]\n").find("x.rules:3"), std::string::npos);
  EXPECT_NE(message("[words]\nder FOO the\n").find("unknown tag"), std::string::npos);
  EXPECT_NE(message("[rules]\nrule r: a:N => move b after a\n").find("unknown label"), std::string::npos);
  EXPECT_NE(message("[rules]\nrule r: N => explode\n").find("unknown action"), std::string::npos);
  EXPECT_NE(message("[rules]\nrule r: (N => delete\n").find("x.rules:2"), std::string::npos);
  const RuleSet ok =
      parse_rules("[rules]\ndefine NP = ART? ADJ* N\nrule r: s:NP v:VFIN => move v before s\n", "x.rules");
  ASSERT_EQ(ok.rules.size(), 1u);
  EXPECT_EQ(ok.rules[0].name, "r");
  EXPECT_EQ(ok.rules[0].pattern.size(), 4u);
  EXPECT_EQ(ok.rules[0].labels.at("s"), std::make_pair(0, 2));
}

TEST(RuleBasedGeorgetown, DemoLexiconTranslates) {
  setenv("MTBENCH_RULE_DATA_DIR", kData.c_str(), 1);
  RuleBasedTranslator translator;
  TrainOptions options;
  options.source_lang = "de";
  options.target_lang = "en";
  options.config_yaml = "lexicon: georgetown\n";
  translator.train(TrainData{}, options);
  const Translation t = translator.translate_one("Der kleine Mann liest das Buch.", true);
  EXPECT_EQ(t.text, "The small man is reading the book.");
  EXPECT_TRUE(fired(t, "georgetown-3-progressive"));
  options.config_yaml = "lexikon: georgetown\n";
  EXPECT_THROW(translator.train(TrainData{}, options), ConfigError);
}

}  // namespace
}  // namespace mtbench::rule_based
