#include "corpus/truecaser.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "corpus/tokenizer.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using Tokens = std::vector<std::string>;

TEST(ToLower, FullUnicodeCaseMapping) {
  EXPECT_EQ(to_lower("Hello WORLD"), "hello world");
  EXPECT_EQ(to_lower("ÄÖÜ Straße"), "äöü straße");
  EXPECT_EQ(to_lower("ΟΔΟΣ"), "οδος");    // final sigma
  EXPECT_EQ(to_lower("İ"), "i\xCC\x87");  // full mapping: i + COMBINING DOT ABOVE
  EXPECT_EQ(to_lower(""), "");
}

Truecaser trained() {
  Truecaser t;
  t.train({
      "The cat sat on the mat .",
      "Then the dog saw Paris and the cat .",
      "Paris is big . The end",
      "\" The quote \" said the man in Paris",
      "iPhone users like the iPhone .",
  });
  return t;
}

TEST(Truecaser, SentenceInitialWordsTakeTheirUsualCase) {
  const Truecaser t = trained();
  EXPECT_EQ(t.best_case("The"), "the");
  EXPECT_EQ(t.best_case("PARIS"), "Paris");
  EXPECT_EQ(t.best_case("unseen"), "unseen");
  EXPECT_EQ(t.truecase(Tokens{"The", "cat", "in", "Paris", "."}), (Tokens{"the", "cat", "in", "Paris", "."}));
  // After a sentence end, and after a delayed sentence start such as a quote.
  EXPECT_EQ(t.truecase(Tokens{"Paris", ".", "The", "cat"}), (Tokens{"Paris", ".", "the", "cat"}));
  EXPECT_EQ(t.truecase(Tokens{"\"", "The", "cat"}), (Tokens{"\"", "the", "cat"}));
}

TEST(Truecaser, KnownCasingsStayAndUnknownCasingsAreFixed) {
  const Truecaser t = trained();
  // "The" was seen (sentence-initially), so mid-sentence it is kept as written (truecase.perl).
  EXPECT_EQ(t.truecase(Tokens{"cat", "The", "PARIS", "IPHONE", "Zebra"}),
            (Tokens{"cat", "The", "Paris", "iPhone", "Zebra"}));
  EXPECT_EQ(t.truecase(Tokens{"The|DT|x"}), (Tokens{"the|DT|x"}));  // factors are kept
}

TEST(Truecaser, DetruecaseCapitalizesSentenceStarts) {
  const Truecaser t;
  EXPECT_EQ(t.detruecase(Tokens{"the", "cat", ".", "it", "ran", "?", "\"", "élan", "iPhone"}),
            (Tokens{"The", "cat", ".", "It", "ran", "?", "\"", "Élan", "iPhone"}));
  EXPECT_EQ(t.detruecase(Tokens{"3", "cats"}), (Tokens{"3", "cats"}));
  EXPECT_TRUE(t.detruecase({}).empty());
}

TEST(Truecaser, SavesMosesFormatAndLoadsItBack) {
  ::mtbench::testing::ScratchDir dir;
  const Truecaser t = trained();
  t.save(dir / "truecase.model");
  const auto lines = read_lines(dir / "truecase.model");
  // "the": 5 mid-sentence lower-case uses, "The" seen only sentence-initially (weight 0).
  EXPECT_NE(std::find(lines.begin(), lines.end(), "the (5/5) The (0)"), lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), "Paris (2/2)"), lines.end());

  Truecaser loaded;
  EXPECT_TRUE(loaded.empty());
  loaded.load(dir / "truecase.model");
  EXPECT_FALSE(loaded.empty());
  const Tokens sample{"The", "cat", "The", "PARIS", "iphone", "."};
  EXPECT_EQ(loaded.truecase(sample), t.truecase(sample));
  loaded.save(dir / "again.model");
  EXPECT_EQ(read_file(dir / "again.model"), read_file(dir / "truecase.model"));
}

TEST(Truecaser, MalformedModelNamesFileAndLine) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "bad.model", "the (2/2) The (0)\nPeter (x/1)\n");
  Truecaser t;
  try {
    t.load(dir / "bad.model");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.model:2"), std::string::npos) << e.what();
  }
  write_file_atomic(dir / "odd.model", "the (2/2) The\n");
  EXPECT_THROW(t.load(dir / "odd.model"), DataError);
  EXPECT_THROW(t.load(dir / "missing.model"), Error);
}

TEST(Truecaser, MultiThirtyKRoundTripThroughLowercase) {
  MTBENCH_REQUIRE_SHARED(train_path, "corpora/multi30k/train.en.gz");
  MTBENCH_REQUIRE_SHARED(val_path, "corpora/multi30k/val.en.gz");
  const MosesTokenizer tokenizer;
  std::vector<std::string> train;
  for (const auto& line : read_lines(train_path)) train.push_back(tokenizer.tokenize_to_string(line));
  Truecaser t;
  t.train(train);
  // Truecasing only touches case: lowercasing the output gives the lowercased input, and
  // detruecasing a truecased sentence restores its first letter in most captions.
  std::size_t same = 0, total = 0;
  for (const auto& line : read_lines(val_path)) {
    const auto tokens = tokenizer.tokenize(line);
    const auto cased = t.truecase(tokens);
    ASSERT_EQ(cased.size(), tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) ASSERT_EQ(to_lower(cased[i]), to_lower(tokens[i]));
    same += t.detruecase(cased) == tokens;
    ++total;
  }
  EXPECT_GT(static_cast<double>(same) / static_cast<double>(total), 0.95) << same << "/" << total;
}

}  // namespace
}  // namespace mtbench
