// German generation of the English->German rule-based direction: declension of articles and
// adjectives by gender, number and case, verb agreement, progressives, contractions.

#include "systems/rule_based/german.h"

#include <gtest/gtest.h>

#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based::german {
namespace {

TransferToken token(const std::string& tag, const std::string& target, const std::string& features = "",
                    bool plural = false) {
  TransferToken t;
  t.tag = tag;
  t.target = target;
  t.features = features;
  t.plural = plural;
  return t;
}

std::string text_of(const std::vector<TransferToken>& tokens) {
  std::vector<std::string> words;
  for (const auto& t : tokens)
    if (!t.target.empty()) words.push_back(t.target);
  return join(words, " ");
}

const NounTable kNouns = {{"Mann", {"masc", "Männer"}}, {"Frau", {"fem", "Frauen"}},  {"Ball", {"masc", "Bälle"}},
                          {"Park", {"masc", "Parks"}},  {"Kind", {"neut", "Kinder"}}, {"Hut", {"masc", "Hüte"}}};

TEST(GermanGeneration, ThirdPersonSingular) {
  EXPECT_EQ(third_singular("spielen"), "spielt");
  EXPECT_EQ(third_singular("arbeiten"), "arbeitet");
  EXPECT_EQ(third_singular("fahren"), "fährt");
  EXPECT_EQ(third_singular("sein"), "ist");
  EXPECT_EQ(third_singular("lächeln"), "lächelt");
  EXPECT_EQ(third_singular("Fahrrad fahren"), "fährt Fahrrad");
}

TEST(GermanGeneration, ArticlesAndAdjectivesFollowGenderNumberAndCase) {
  // "a man plays with the red ball in the park"
  std::vector<TransferToken> t = {token("ART", "ein"),  token("N", "Mann"),  token("VFIN", "spielen", "3sg pres"),
                                  token("PREP", "mit"), token("ART", "der"), token("ADJ", "rot"),
                                  token("N", "Ball"),   token("PREP", "in"), token("ART", "der"),
                                  token("N", "Park")};
  generate(t, kNouns);
  EXPECT_EQ(text_of(t), "ein Mann spielt mit dem roten Ball im Park");
  // "a woman carries a small child": feminine nominative, neuter accusative after the verb.
  t = {token("ART", "ein"), token("N", "Frau"),    token("VFIN", "tragen", "3sg pres"),
       token("ART", "ein"), token("ADJ", "klein"), token("N", "Kind")};
  generate(t, kNouns);
  EXPECT_EQ(text_of(t), "eine Frau trägt ein kleines Kind");
  // Plural: no indefinite article, plural noun, plural verb; strong adjective ending.
  t = {token("ART", "ein", "", true), token("ADJ", "alt"), token("N", "Mann", "", true),
       token("VFIN", "spielen", "pl pres", true)};
  generate(t, kNouns);
  EXPECT_EQ(text_of(t), "alte Männer spielen");
}

TEST(GermanGeneration, ProgressiveAndReducedRelativeBecomeSimplePresent) {
  // "the man is playing" / "a man wearing ... sitting on ..." -> finite verbs.
  std::vector<TransferToken> t = {token("ART", "der"), token("N", "Mann"), token("VAUX", "ist"),
                                  token("ADJ", "spielen", "ing")};
  generate(t, kNouns);
  EXPECT_EQ(text_of(t), "der Mann spielt");
  t = {token("ART", "ein"), token("N", "Kind", "", true), token("ADJ", "sitzen", "ing")};
  generate(t, kNouns);
  EXPECT_EQ(text_of(t), "Kinder sitzen");
}

}  // namespace
}  // namespace mtbench::rule_based::german
