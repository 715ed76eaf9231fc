// Corpus statistics: percentiles against numpy's linear interpolation, hand-checked small
// corpora, and golden values for Multi30k val de-en computed independently with Python
// (re.split(r"[ \t\r\v\f]+"), collections.Counter, numpy-style percentiles).

#include "corpus/corpus_stats.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace mtbench {
namespace {

const TokenizeFn kWhitespace = [](std::string_view s) { return whitespace_tokens(s); };

TEST(CorpusStats, WhitespaceTokensSplitOnAsciiSpaceOnly) {
  EXPECT_EQ(whitespace_tokens("  a\tb  c\r"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(whitespace_tokens(" \t ").empty());
  EXPECT_TRUE(whitespace_tokens("").empty());
  // A no-break space (U+00A0) joins "120 cm" into one token, as in Moses-tokenized text.
  EXPECT_EQ(whitespace_tokens("ca. 120\xC2\xA0"
                              "cm"),
            (std::vector<std::string>{"ca.",
                                      "120\xC2\xA0"
                                      "cm"}));
}

TEST(CorpusStats, PercentileMatchesNumpyLinearInterpolation) {
  // numpy.percentile([3,1,4,1,5,9,2,6], [50, 95]) == [3.5, 7.95]
  std::vector<std::size_t> v{3, 1, 4, 1, 5, 9, 2, 6};
  EXPECT_DOUBLE_EQ(percentile(v, 0.5), 3.5);
  EXPECT_NEAR(percentile(v, 0.95), 7.95, 1e-12);
  std::vector<std::size_t> ramp;
  for (std::size_t i = 1; i <= 20; ++i) ramp.push_back(i);
  EXPECT_NEAR(percentile(ramp, 0.95), 19.05, 1e-12);
  EXPECT_DOUBLE_EQ(percentile(ramp, 0.0), 1);
  EXPECT_DOUBLE_EQ(percentile(ramp, 1.0), 20);
  std::vector<std::size_t> one{7};
  EXPECT_DOUBLE_EQ(percentile(one, 0.95), 7);
  std::vector<std::size_t> none;
  EXPECT_DOUBLE_EQ(percentile(none, 0.5), 0);
}

TEST(CorpusStats, SmallCorpusByHand) {
  ParallelCorpus corpus;
  corpus.source = {"a b a", "", "c d e f", "x"};
  corpus.target = {"A B", "Z", "C D E F G H", "x"};
  corpus.source_name = "src";
  corpus.target_name = "tgt";
  const CorpusStats stats = corpus_stats(corpus, kWhitespace, kWhitespace, "whitespace");
  EXPECT_EQ(stats.source.name, "src");
  EXPECT_EQ(stats.source.segments, 4u);
  EXPECT_EQ(stats.source.tokens, 8u);
  EXPECT_EQ(stats.source.types, 7u);       // a b c d e f x
  EXPECT_EQ(stats.source.singletons, 6u);  // all but "a"
  EXPECT_DOUBLE_EQ(stats.source.type_token_ratio, 7.0 / 8.0);
  EXPECT_EQ(stats.source.empty_segments, 1u);
  EXPECT_EQ(stats.source.characters, 13u);
  EXPECT_DOUBLE_EQ(stats.source.length.mean, 2.0);
  EXPECT_DOUBLE_EQ(stats.source.length.median, 2.0);  // lengths 0 1 3 4
  EXPECT_EQ(stats.source.length.min, 0u);
  EXPECT_EQ(stats.source.length.max, 4u);
  EXPECT_EQ(stats.target.tokens, 10u);
  EXPECT_DOUBLE_EQ(stats.length_ratio, 10.0 / 8.0);
  EXPECT_EQ(stats.one_side_empty, 1u);
  EXPECT_EQ(stats.identical_pairs, 1u);
  const auto json = to_json(stats);
  EXPECT_EQ(json["source"]["tokens"], 8);
  EXPECT_EQ(json["target"]["length"]["max"], 6);
  EXPECT_EQ(json["tokenization"], "whitespace");
  const std::string text = format_stats(stats);
  EXPECT_NE(text.find("segments"), std::string::npos) << text;
  EXPECT_NE(text.find("1.2500"), std::string::npos) << text;
}

TEST(CorpusStats, CharactersCountCodePoints) {
  const SideStats s = side_stats({"Größe", "日本"}, kWhitespace, "x");
  EXPECT_EQ(s.characters, 7u);
  EXPECT_EQ(s.tokens, 2u);
}

TEST(CorpusStats, Multi30kValGolden) {
  MTBENCH_REQUIRE_SHARED(de, "corpora/multi30k/val.de.gz");
  MTBENCH_REQUIRE_SHARED(en, "corpora/multi30k/val.en.gz");
  const CorpusStats stats = corpus_stats(load_parallel(de, en), kWhitespace, kWhitespace, "whitespace");
  EXPECT_EQ(stats.source.segments, 1014u);
  EXPECT_EQ(stats.source.tokens, 11567u);
  EXPECT_EQ(stats.source.types, 2739u);
  EXPECT_EQ(stats.source.singletons, 1882u);
  EXPECT_EQ(stats.source.characters, 73692u);
  EXPECT_NEAR(stats.source.length.mean, 11.407297830374754, 1e-12);
  EXPECT_DOUBLE_EQ(stats.source.length.median, 11);
  EXPECT_DOUBLE_EQ(stats.source.length.p95, 19);
  EXPECT_EQ(stats.source.length.min, 3u);
  EXPECT_EQ(stats.source.length.max, 30u);
  EXPECT_EQ(stats.target.tokens, 12167u);
  EXPECT_EQ(stats.target.types, 2389u);
  EXPECT_EQ(stats.target.singletons, 1484u);
  EXPECT_EQ(stats.target.characters, 62283u);
  EXPECT_NEAR(stats.target.length.mean, 11.999013806706115, 1e-12);
  EXPECT_EQ(stats.target.length.min, 4u);
  EXPECT_EQ(stats.target.length.max, 27u);
  EXPECT_EQ(stats.source.empty_segments + stats.target.empty_segments, 0u);
  EXPECT_NEAR(stats.length_ratio, 12167.0 / 11567.0, 1e-12);
  EXPECT_EQ(stats.identical_pairs, 0u);
}

}  // namespace
}  // namespace mtbench
