#include "systems/explanation_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

Explanation full_explanation() {
  Explanation e;
  e.source_tokens = {"ein", "Hund"};
  e.target_tokens = {"a", "dog"};
  e.alignment = {{0, 0}, {1, 1}};
  AttentionMatrix a;
  a.kind = "cross";
  a.layer = 5;
  a.head = 7;
  a.row_tokens = {"a", "dog"};
  a.col_tokens = {"ein", "Hund"};
  a.weights = {0.9f, 0.1f, 0.25f, 0.75f};
  e.attention.push_back(a);
  e.phrases.push_back({0, 2, "ein Hund", "a dog", {{"p(e|f)", -0.5}, {"lex(e|f)", -1.25}}});
  e.rules.push_back({"ADJ-NOUN", "swapped 'Hund' and 'gross'"});
  e.lexicon.push_back({"Hunde", "Hund", "dog", "N", "plural"});
  e.unknown_words = {"Xylophon"};
  e.scores = {{"logprob", -3.5}};
  return e;
}

TEST(ExplanationJson, RoundTripsEveryField) {
  const Explanation e = full_explanation();
  const nlohmann::json j = explanation_to_json(e);
  // Through text, as the .jsonl file does.
  const Explanation back = explanation_from_json(nlohmann::json::parse(j.dump()), "test");
  EXPECT_EQ(back.source_tokens, e.source_tokens);
  EXPECT_EQ(back.target_tokens, e.target_tokens);
  EXPECT_EQ(back.alignment, e.alignment);
  ASSERT_EQ(back.attention.size(), 1u);
  EXPECT_EQ(back.attention[0].kind, "cross");
  EXPECT_EQ(back.attention[0].layer, 5);
  EXPECT_EQ(back.attention[0].head, 7);
  EXPECT_EQ(back.attention[0].col_tokens, e.attention[0].col_tokens);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_NEAR(back.attention[0].weights[i], e.attention[0].weights[i], 1e-6);
  ASSERT_EQ(back.phrases.size(), 1u);
  EXPECT_EQ(back.phrases[0].source_end, 2);
  EXPECT_EQ(back.phrases[0].target, "a dog");
  EXPECT_EQ(back.phrases[0].scores, e.phrases[0].scores);
  EXPECT_EQ(back.rules[0].detail, e.rules[0].detail);
  EXPECT_EQ(back.lexicon[0].lemma, "Hund");
  EXPECT_EQ(back.lexicon[0].note, "plural");
  EXPECT_EQ(back.unknown_words, e.unknown_words);
  EXPECT_EQ(back.scores, e.scores);
}

TEST(ExplanationJson, EmptyExplanationIsEmptyObject) {
  EXPECT_EQ(explanation_to_json(Explanation{}).dump(), "{}");
  EXPECT_TRUE(explanation_from_json(nlohmann::json::object(), "t").empty());
  // Pairs are two-element arrays, fields keep their names.
  Explanation e;
  e.alignment = {{2, 0}};
  EXPECT_EQ(explanation_to_json(e).dump(), R"({"alignment":[[2,0]]})");
}

TEST(ExplanationJson, BadInputNamesOriginAndKey) {
  try {
    explanation_from_json(nlohmann::json::parse(R"({"alignmnet": []})"), "explain.jsonl line 3");
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("explain.jsonl line 3"));
    EXPECT_THAT(e.what(), HasSubstr("'alignmnet'"));
  }
  EXPECT_THROW(explanation_from_json(nlohmann::json::parse(R"({"source_tokens": 3})"), "t"), DataError);
  EXPECT_THROW(
      explanation_from_json(
          nlohmann::json::parse(R"({"attention": [{"row_tokens": ["a"], "col_tokens": ["b"], "weights": []}]})"), "t"),
      DataError);
}

}  // namespace
}  // namespace mtbench
