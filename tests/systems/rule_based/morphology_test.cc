// German analysis: closed-class words, inflected forms, suffix rules, compounds, unknown words.
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "systems/rule_based/morphology.h"
#include "tests/test_util.h"

namespace mtbench::rule_based {
namespace {

class RuleBasedMorphology : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ScratchDir dir;
    write_file_atomic(dir / "lex.tsv",
                      "# test lexicon\nspielen\tplay\tv\nlaufen\trun\tv\nhalten\thold\tv\nsehen\tsee\tv\n"
                      "lächeln\tsmile\tv\nrot\tred\tadj\nklein\tsmall\tadj\nFrau\twoman\tn\nHund\tdog\tn\n"
                      "Haus\thouse\tn\nMann\tman\tn\nMänner\tmen\tpl\nHand\thand\tn\n");
    lexicon_ = Lexicon::from_tsv(dir / "lex.tsv");
    rules_ = load_rules(std::filesystem::path(MTBENCH_SOURCE_DIR) / "systems/rule_based/data/de-en.rules");
  }
  Analysis analyze(const std::string& w, bool initial = false, bool before_noun = false) {
    return SourceAnalyzer(lexicon_, rules_).analyze(w, initial, before_noun);
  }
  Lexicon lexicon_;
  RuleSet rules_;
};

TEST_F(RuleBasedMorphology, FiniteVerbsByTheSuffixRules) {
  Analysis a = analyze("spielt");
  EXPECT_EQ(a.tag, "VFIN");
  EXPECT_EQ(a.lemma, "spielen");
  EXPECT_NE(a.features.find("3sg"), std::string::npos);
  a = analyze("läuft");  // stem vowel alternation äu -> au
  EXPECT_EQ(a.lemma, "laufen");
  a = analyze("sieht");  // ie -> e
  EXPECT_EQ(a.lemma, "sehen");
  a = analyze("hält");  // ä -> a, -t -> -ten
  EXPECT_EQ(a.lemma, "halten");
  a = analyze("spielen");  // infinitive form = plural present
  EXPECT_EQ(a.tag, "VFIN");
  EXPECT_TRUE(a.plural);
}

TEST_F(RuleBasedMorphology, ParticiplesAdjectivesAndNouns) {
  Analysis a = analyze("gespielt");
  EXPECT_EQ(a.tag, "VPART");
  EXPECT_EQ(a.lemma, "spielen");
  a = analyze("roten", false, true);
  EXPECT_EQ(a.tag, "ADJ");
  EXPECT_EQ(a.lemma, "rot");
  a = analyze("lächelnde", false, true);  // present participle as adjective
  EXPECT_EQ(a.tag, "ADJ");
  EXPECT_NE(a.features.find("ing"), std::string::npos);
  a = analyze("Frauen");
  EXPECT_EQ(a.tag, "N");
  EXPECT_EQ(a.lemma, "Frau");
  EXPECT_TRUE(a.plural);
  a = analyze("Hände");  // umlaut plural
  EXPECT_EQ(a.lemma, "Hand");
  a = analyze("Männer");  // listed plural form
  EXPECT_TRUE(a.plural);
  ASSERT_FALSE(a.entries.empty());
  EXPECT_EQ(a.entries.front()->translations.front(), "men");
}

TEST_F(RuleBasedMorphology, ClosedClassWordsAndSentenceInitialCase) {
  Analysis a = analyze("Ein", true);
  EXPECT_EQ(a.tag, "ART");
  EXPECT_EQ(a.fixed_target, "a");
  a = analyze("sind");
  EXPECT_EQ(a.tag, "VAUX");
  EXPECT_TRUE(a.plural);
  a = analyze(",");
  EXPECT_EQ(a.tag, "PUNCT");
}

TEST_F(RuleBasedMorphology, CompoundsAgainstTheLexicon) {
  Analysis a = analyze("Hundehaus");  // Hund + linking -e- + Haus
  EXPECT_EQ(a.tag, "N");
  EXPECT_EQ(a.fixed_target, "dog house");
  a = analyze("Frauenhunde");  // Frau + -en- + plural head
  EXPECT_EQ(a.fixed_target, "woman dogs");
}

TEST_F(RuleBasedMorphology, UnknownWordsPassThrough) {
  Analysis a = analyze("Xylofonq");
  EXPECT_EQ(a.how, "unknown");
  EXPECT_EQ(a.fixed_target, "Xylofonq");
  a = analyze("blorpt");
  EXPECT_EQ(a.tag, "UNK");
}

}  // namespace
}  // namespace mtbench::rule_based
