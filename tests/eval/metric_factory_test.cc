#include "eval/metric_factory.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/significance.h"

namespace mtbench::eval {
namespace {

using ::testing::HasSubstr;

TEST(MetricFactory, MakesEveryNamedMetricWithItsOptions) {
  EXPECT_EQ(metric_names(), (std::vector<std::string>{"bleu", "chrf", "ter"}));
  MetricOptions options;
  options.chrf.word_order = 2;
  options.bleu.tokenize = "intl";
  EXPECT_EQ(make_metric("bleu", options)->name(), "BLEU");
  EXPECT_THAT(make_metric("bleu", options)->signature(), HasSubstr("tok:intl"));
  EXPECT_EQ(make_metric("chrf", options)->name(), "chrF2++");
  EXPECT_EQ(make_metric("ter", options)->name(), "TER");
  EXPECT_TRUE(is_metric_name("ter"));
  EXPECT_FALSE(is_metric_name("meteor"));
  try {
    make_metric("meteor");
    FAIL() << "unknown metric accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown metric 'meteor' (valid: bleu, chrf, ter)"));
  }
}

// sacreBLEU 2.6.0's --short signatures (Signature._abbr and each metric's additions).
TEST(MetricFactory, ShortSignaturesAsSacrebleuAbbreviatesThem) {
  const auto bleu = make_metric("bleu");
  bleu->set_references({{"a b c"}});
  EXPECT_EQ(bleu->short_signature(bleu->signature()), "#:1|c:mixed|e:no|tok:13a|s:exp|v:2.6.0");
  EXPECT_EQ(bleu->short_signature(signature_with_test(bleu->signature(), "bs", 1000, 12345)),
            "#:1|bs:1000|rs:12345|c:mixed|e:no|tok:13a|s:exp|v:2.6.0");
  MetricOptions options;
  options.chrf.word_order = 2;
  const auto chrf = make_metric("chrf", options);
  EXPECT_EQ(chrf->short_signature(chrf->signature()), "#:1|c:mixed|e:yes|nc:6|nw:2|s:no|v:2.6.0");
  const auto ter = make_metric("ter");
  EXPECT_EQ(ter->short_signature(ter->signature()), "#:1|c:lc|t:tercom|nr:no|pn:yes|as:no|v:2.6.0");
}

// score_value (and its float32 variant) is the corpus score without the formatting.
TEST(MetricFactory, ScoreValueEqualsTheCorpusScore) {
  MetricOptions options;
  options.chrf.word_order = 2;
  const std::vector<std::string> refs = {"the cat sat on the mat", "a dog barks loudly", "it rains"};
  const std::vector<std::string> hyps = {"the cat sat on a mat", "a dog barked", "it is raining"};
  for (const auto& name : metric_names()) {
    const auto metric = make_metric(name, options);
    metric->set_references({refs});
    const auto sums = metric->segment_stats(hyps).sum();
    EXPECT_DOUBLE_EQ(metric->score_value(sums.data(), sums.size()), metric->corpus_score(hyps).score) << name;
    const std::vector<float> sums32(sums.begin(), sums.end());
    EXPECT_NEAR(metric->score_value_float32(sums32.data(), sums32.size()), metric->corpus_score(hyps).score, 1e-4)
        << name;
  }
}

// The all-pairs routine tests the baseline's pairs exactly as sacreBLEU's paired test does,
// and every other pair with the same draws.
TEST(AllPairs, BaselineRowEqualsThePairedTestAndTheMatrixIsSymmetric) {
  const std::vector<std::string> refs = {"the cat sat on the mat", "a dog barks loudly",
                                         "it rains today",         "we eat fish",
                                         "the sun is hot",         "birds can fly high"};
  const std::vector<std::vector<std::string>> systems = {
      {"the cat sat on a mat", "a dog barked", "it rains", "we eat a fish", "the sun is hot", "birds fly"},
      {"cat on mat", "dog barks", "it is raining today", "we eat fish", "sun hot", "birds can fly high"},
      {"the cat sat on the mat", "a dog barks", "it rains today", "we fish", "the sun is warm", "birds fly high"}};
  const auto bleu = make_metric("bleu"), ter = make_metric("ter");
  std::vector<const Metric*> metrics = {bleu.get(), ter.get()};
  for (auto* m : {bleu.get(), ter.get()}) m->set_references({refs});
  std::vector<std::vector<StatsMatrix>> owned(systems.size());
  std::vector<std::vector<const StatsMatrix*>> stats(systems.size());
  for (std::size_t s = 0; s < systems.size(); ++s) {
    for (const auto* m : metrics) owned[s].push_back(m->segment_stats(systems[s]));
    for (const auto& st : owned[s]) stats[s].push_back(&st);
  }
  for (const auto type : {PairedTestType::kBootstrap, PairedTestType::kApproximateRandomization}) {
    SignificanceOptions options;
    options.type = type;
    options.n_samples = 200;
    const auto p = all_pairs_p_values(metrics, stats, options);
    const auto baseline = paired_test(metrics, stats, options);
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      for (std::size_t j = 1; j < systems.size(); ++j) EXPECT_DOUBLE_EQ(p[m][0][j], *baseline[j][m].p_value);
      for (std::size_t i = 0; i < systems.size(); ++i) {
        EXPECT_EQ(p[m][i][i], 0.0);
        for (std::size_t j = 0; j < systems.size(); ++j) {
          EXPECT_EQ(p[m][i][j], p[m][j][i]);
          EXPECT_TRUE(p[m][i][j] >= 0 && p[m][i][j] <= 1);
        }
      }
      // The pair (1, 2) equals the paired test with system 1 as the baseline.
      const auto second = paired_test(metrics, {stats[1], stats[2]}, options);
      EXPECT_DOUBLE_EQ(p[m][1][2], *second[1][m].p_value);
    }
  }
  EXPECT_THROW(all_pairs_p_values(metrics, {stats[0]}, SignificanceOptions{}), Error);
}

}  // namespace
}  // namespace mtbench::eval
