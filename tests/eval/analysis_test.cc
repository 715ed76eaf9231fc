#include "eval/analysis.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/bleu.h"

namespace mtbench::eval {
namespace {

TEST(AnalysisBuckets, AssignsValuesToHalfOpenRanges) {
  const std::vector<std::uint64_t> edges = {1, 2, 4, 8};
  EXPECT_EQ(bucket_of(0, edges), 0u);
  EXPECT_EQ(bucket_of(1, edges), 1u);
  EXPECT_EQ(bucket_of(2, edges), 2u);
  EXPECT_EQ(bucket_of(3, edges), 2u);
  EXPECT_EQ(bucket_of(4, edges), 3u);
  EXPECT_EQ(bucket_of(7, edges), 3u);
  EXPECT_EQ(bucket_of(8, edges), 4u);
  EXPECT_EQ(bucket_of(1000000, edges), 4u);
  EXPECT_EQ(bucket_labels(edges), (std::vector<std::string>{"0", "1", "2-3", "4-7", "8+"}));
  EXPECT_EQ(bucket_labels({10, 20}), (std::vector<std::string>{"0-9", "10-19", "20+"}));
}

TEST(AnalysisBuckets, RejectsUnsortedOrZeroEdges) {
  EXPECT_THROW(bucket_labels({4, 2}), ConfigError);
  EXPECT_THROW(bucket_labels({0, 2}), ConfigError);
  EXPECT_THROW(bucket_labels({2, 2}), ConfigError);
}

TEST(AnalysisWords, Uses13aTokens) {
  EXPECT_EQ(words_13a("A dog, running."), (std::vector<std::string>{"A", "dog", ",", "running", "."}));
}

TEST(AnalysisLength, BucketBleuEqualsCorpusBleuOfItsSegments) {
  const std::vector<std::string> source = {"a b", "a b c d e f g h i j k l", "x y z", "p q r s t u v w x y z z"};
  const std::vector<std::string> ref = {"the cat sat", "a long sentence about the small dog in the park today",
                                        "one two three", "another long sentence with many many words in it"};
  const std::vector<std::string> hyp = {"the cat sat", "a long sentence about a big dog in the park", "one two four",
                                        "another sentence with many words in it"};
  const auto buckets = bleu_by_source_length(source, {ref}, {hyp, ref}, {10});
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].label, "0-9");
  EXPECT_EQ(buckets[0].count, 2u);
  EXPECT_EQ(buckets[1].label, "10+");
  EXPECT_EQ(buckets[1].count, 2u);
  Bleu short_bleu;
  short_bleu.set_references({{ref[0], ref[2]}});
  EXPECT_DOUBLE_EQ(buckets[0].values[0], short_bleu.corpus_score({hyp[0], hyp[2]}).score);
  Bleu long_bleu;
  long_bleu.set_references({{ref[1], ref[3]}});
  EXPECT_DOUBLE_EQ(buckets[1].values[0], long_bleu.corpus_score({hyp[1], hyp[3]}).score);
  EXPECT_DOUBLE_EQ(buckets[1].values[1], 100.0);  // the reference as a system
}

TEST(AnalysisLength, EmptyBucketsAreLeftOutAndSizesChecked) {
  const auto buckets = bleu_by_source_length({"a", "b"}, {{"x", "y"}}, {{"x", "y"}}, {10, 20});
  ASSERT_EQ(buckets.size(), 1u);
  EXPECT_EQ(buckets[0].label, "0-9");
  EXPECT_THROW(bleu_by_source_length({"a", "b"}, {{"x", "y"}}, {{"x"}}, {10}), Error);
}

// Small buckets join a neighbour (the first one the next), labels spanning both.
TEST(AnalysisLength, SmallBucketsAreMergedWithSpanningLabels) {
  std::vector<std::string> source, ref;
  auto add = [&](int words, int copies) {
    for (int c = 0; c < copies; ++c) {
      std::string s;
      for (int w = 0; w < words; ++w) s += (w ? " w" : "w") + std::to_string(w);
      source.push_back(s);
      ref.push_back("a b c d e");
    }
  };
  add(3, 1);   // 0-9: 1 sentence -> joins 10-14
  add(12, 5);  // 10-14
  add(17, 5);  // 15-19
  add(22, 2);  // 20-24: 2 -> joins 15-19
  add(45, 1);  // 40+: 1 -> joins too (spans 15-40+)
  const auto buckets = bleu_by_source_length(source, {ref}, {ref}, {10, 15, 20, 25, 30, 40}, 3);
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].label, "0-14");
  EXPECT_EQ(buckets[0].count, 6u);
  EXPECT_EQ(buckets[1].label, "15+");
  EXPECT_EQ(buckets[1].count, 8u);
  EXPECT_TRUE(buckets[0].intervals.empty());  // no bootstrap asked
  const auto unmerged = bleu_by_source_length(source, {ref}, {ref}, {10, 15, 20, 25, 30, 40});
  EXPECT_EQ(unmerged.size(), 5u);
}

// Bootstrap intervals hold the bucket's BLEU, are reproducible, and collapse for a perfect system.
TEST(AnalysisLength, BootstrapIntervalsContainTheBucketScore) {
  const std::vector<std::string> source = {"a b", "c d", "e f", "g h", "i j", "k l", "m n", "o p"};
  const std::vector<std::string> ref = {
      "the cat sat on the mat", "a dog ran in the park",     "it is raining today again", "we like green tea a lot",
      "the cat sat on the mat", "a bird flew over the hill", "she reads a long book",     "they play in the garden"};
  const std::vector<std::string> hyp = {"the cat sat on a mat",  "a dog ran to the park",  "it rains today",
                                        "we like tea",           "the cat sat on the mat", "a bird flew over hills",
                                        "she is reading a book", "they play in a garden"};
  const auto a = bleu_by_source_length(source, {ref}, {hyp, ref}, {10}, 1, 500);
  const auto b = bleu_by_source_length(source, {ref}, {hyp, ref}, {10}, 1, 500);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(a[0].intervals.size(), 2u);
  const auto [lo, hi] = a[0].intervals[0];
  EXPECT_LT(lo, a[0].values[0]);
  EXPECT_GT(hi, a[0].values[0]);
  EXPECT_EQ(a[0].intervals, b[0].intervals);  // fixed seed
  EXPECT_DOUBLE_EQ(a[0].intervals[1].first, 100.0);
  EXPECT_DOUBLE_EQ(a[0].intervals[1].second, 100.0);
}

TEST(AnalysisFrequency, FMeasurePerBucketByHand) {
  // Training counts: "the" frequent (bucket 8+), "cat" once (bucket 1), "mat"/"hat" unseen (0).
  const std::map<std::string, std::uint64_t> counts = {{"the", 100}, {"cat", 1}, {"on", 5}};
  const std::vector<std::string> ref = {"the cat on the mat"};
  const std::vector<std::string> hyp = {"the the the cat on hat"};
  const auto buckets = fmeasure_by_frequency(ref, {hyp}, counts, {1, 2, 4, 8});
  ASSERT_EQ(buckets.size(), 4u);  // 0, 1, 4-7, 8+ (2-3 has no words)
  EXPECT_EQ(buckets[0].label, "0");
  EXPECT_EQ(buckets[0].count, 1u);            // "mat"
  EXPECT_DOUBLE_EQ(buckets[0].values[0], 0);  // "hat" does not match "mat"
  EXPECT_EQ(buckets[1].label, "1");
  EXPECT_DOUBLE_EQ(buckets[1].values[0], 1.0);  // "cat"
  EXPECT_EQ(buckets[2].label, "4-7");
  EXPECT_DOUBLE_EQ(buckets[2].values[0], 1.0);  // "on"
  EXPECT_EQ(buckets[3].label, "8+");
  EXPECT_EQ(buckets[3].count, 2u);
  // "the": 2 of 3 output tokens match (clipped), both reference tokens found.
  const double p = 2.0 / 3.0, r = 1.0;
  EXPECT_DOUBLE_EQ(buckets[3].values[0], 2 * p * r / (p + r));
}

TEST(AnalysisNgrams, SalienceOrdersByMatchRatio) {
  const std::vector<std::string> ref = {"a red car drives", "a red car stops", "the dog barks"};
  const std::vector<std::string> a = {"a red car drives", "a red car halts", "dog dog"};
  const std::vector<std::string> b = {"one blue car drives", "one car stops", "the dog barks"};
  AnalysisOptions options;
  options.max_ngram_order = 2;
  options.ngram_top = 3;
  const auto salient = salient_ngrams(ref, a, b, options);
  ASSERT_FALSE(salient.a_better.empty());
  // A matches "a red" / "red car" twice, B never: (2+1)/(2+0+2) = 0.75, the top score.
  EXPECT_DOUBLE_EQ(salient.a_better[0].score, 0.75);
  EXPECT_EQ(salient.a_better[0].count_a, 2u);
  EXPECT_EQ(salient.a_better[0].count_b, 0u);
  EXPECT_TRUE(salient.a_better[0].ngram == "a" || salient.a_better[0].ngram == "a red" ||
              salient.a_better[0].ngram == "red" || salient.a_better[0].ngram == "red car");
  for (std::size_t i = 1; i < salient.a_better.size(); ++i)
    EXPECT_GE(salient.a_better[i - 1].score, salient.a_better[i].score);
  ASSERT_FALSE(salient.b_better.empty());
  // B alone matches "the", "barks", "dog barks", "the dog", "stops", "car stops" once: 1/3.
  EXPECT_DOUBLE_EQ(salient.b_better[0].score, 1.0 / 3.0);
  EXPECT_EQ(salient.b_better[0].count_a, 0u);
  // "dog" matched once by each (A's second "dog" is clipped): salience 1/2, on neither side.
  for (const auto& n : salient.a_better) EXPECT_NE(n.ngram, "dog");
  for (const auto& n : salient.b_better) EXPECT_NE(n.ngram, "dog");
}

TEST(AnalysisExamples, LargestSpreadFirst) {
  const std::vector<std::vector<double>> scores = {{10, 50, 30, 0}, {10, 0, 35, 90}, {12, 20, 30, 40}};
  EXPECT_EQ(most_different_segments(scores, 2), (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(most_different_segments(scores, 10).size(), 4u);
  EXPECT_TRUE(most_different_segments({}, 3).empty());
}

TEST(AnalysisCounts, LengthRatioAndUntranslatedWords) {
  const std::vector<std::string> source = {"ein Hund läuft im Park .", "Katze 2"};
  const std::vector<std::string> ref = {"a dog runs in the Park .", "cat 2"};
  const std::vector<std::string> hyp = {"a Hund läuft in the Park .", "Katze 2 2"};
  const auto counts = output_counts(source, {ref}, hyp);
  EXPECT_EQ(counts.output_words, 10u);
  EXPECT_EQ(counts.reference_words, 9u);
  EXPECT_DOUBLE_EQ(counts.length_ratio, 10.0 / 9.0);
  // "Hund", "läuft", "Katze" are copied; "Park" is in the reference, "." and "2" have no letters.
  EXPECT_EQ(counts.untranslated_words, 3u);
}

TEST(AnalysisSentenceBleu, MatchesMetricSentenceScore) {
  const auto scores = sentence_bleu({{"the cat sat on the mat", "hello"}}, {"the cat sat on a mat", "hello"});
  ASSERT_EQ(scores.size(), 2u);
  EXPECT_DOUBLE_EQ(scores[1], 100.0);
  EXPECT_GT(scores[0], 0.0);
  EXPECT_LT(scores[0], 100.0);
}

}  // namespace
}  // namespace mtbench::eval
