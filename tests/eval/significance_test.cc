// Paired bootstrap and approximate randomization against sacreBLEU 2.6.0's own results
// (../shared/testdata/sacrebleu-2.6.0-wmt17-significance-*.json, SACREBLEU_SEED=12345),
// plus the building blocks (CI estimate, p-value counting, signatures, seeds).

#include "eval/significance.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/text_file.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/ter.h"
#include "tests/test_util.h"

namespace mtbench::eval {
namespace {

// The statistics of one baseline + systems under BLEU, chrF2 and TER.
struct Wmt17Case {
  std::vector<std::unique_ptr<Metric>> metrics;
  std::vector<std::string> names;               // system file stems
  std::vector<std::vector<StatsMatrix>> stats;  // [system][metric]

  std::vector<const Metric*> metric_ptrs() const {
    std::vector<const Metric*> out;
    for (const auto& m : metrics) out.push_back(m.get());
    return out;
  }
  std::vector<std::vector<const StatsMatrix*>> stats_ptrs() const {
    std::vector<std::vector<const StatsMatrix*>> out;
    for (const auto& row : stats) {
      out.emplace_back();
      for (const auto& s : row) out.back().push_back(&s);
    }
    return out;
  }
};

Wmt17Case load_case(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  Wmt17Case c;
  c.metrics.push_back(std::make_unique<Bleu>());
  c.metrics.push_back(std::make_unique<Chrf>());
  c.metrics.push_back(std::make_unique<Ter>());
  const auto ref = read_lines(dir / "newstest2017.ref.de.gz");
  for (auto& m : c.metrics) m->set_references({ref});
  c.names = names;
  for (const auto& name : names) {
    const auto hyps = read_lines(dir / (name + ".gz"));
    c.stats.emplace_back();
    for (auto& m : c.metrics) c.stats.back().push_back(m->segment_stats(hyps));
  }
  return c;
}

nlohmann::json load_golden(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// sacreBLEU's row key for a system.
std::string row_key(const std::string& name, bool baseline) {
  return baseline ? "Baseline: " + name : name;
}

void expect_matches_golden(const Wmt17Case& c, const nlohmann::json& rows, PairedTestType type, std::size_t n_samples) {
  SignificanceOptions options;
  options.type = type;
  options.n_samples = n_samples;
  const auto results = paired_test(c.metric_ptrs(), c.stats_ptrs(), options);
  const char* metric_keys[] = {"BLEU", "chrF2", "TER"};
  for (std::size_t s = 0; s < c.names.size(); ++s) {
    const auto& row = rows.at(row_key(c.names[s], s == 0));
    for (std::size_t m = 0; m < 3; ++m) {
      SCOPED_TRACE(c.names[s] + " " + metric_keys[m]);
      const auto& want = row.at(metric_keys[m]);
      const TestResult& got = results[s][m];
      EXPECT_NEAR(got.score, want.at("score").get<double>(), 1e-9);
      if (want.at("p_value").is_null()) {
        EXPECT_FALSE(got.p_value.has_value());
      } else {
        ASSERT_TRUE(got.p_value.has_value());
        // Identical draws give identical counts: exact equality, not a tolerance.
        EXPECT_DOUBLE_EQ(*got.p_value, want.at("p_value").get<double>());
      }
      if (want.at("mean").is_null()) {
        EXPECT_FALSE(got.mean.has_value());
      } else {
        ASSERT_TRUE(got.mean.has_value() && got.ci.has_value());
        EXPECT_DOUBLE_EQ(*got.mean, want.at("mean").get<double>());
        EXPECT_DOUBLE_EQ(*got.ci, want.at("ci").get<double>());
      }
    }
  }
}

const std::vector<std::string> kKitSystems = {"newstest2017.KIT.4950.en-de", "newstest2017.LMU-nmt-single.4893.en-de",
                                              "newstest2017.uedin-nmt.4722.en-de", "newstest2017.C-3MA.4959.en-de"};
const std::vector<std::string> kOnlineASystems = {"newstest2017.online-A.0.en-de", "newstest2017.TALP-UPC.4834.en-de",
                                                  "newstest2017.online-F.0.en-de",
                                                  "newstest2017.PROMT-Rule-based.4735.en-de"};

TEST(Significance, PairedBootstrapReproducesSacrebleuKIT) {
  MTBENCH_REQUIRE_SHARED(golden, "testdata/sacrebleu-2.6.0-wmt17-significance-KIT.json");
  MTBENCH_REQUIRE_SHARED(dir, "corpora/wmt17-en-de");
  const auto c = load_case(dir, kKitSystems);
  const auto json = load_golden(golden);
  expect_matches_golden(c, json["tests"]["bs"]["rows"], PairedTestType::kBootstrap, 1000);
  expect_matches_golden(c, json["tests"]["ar"]["rows"], PairedTestType::kApproximateRandomization, 10000);
}

TEST(Significance, PairedBootstrapReproducesSacrebleuOnlineA) {
  MTBENCH_REQUIRE_SHARED(golden, "testdata/sacrebleu-2.6.0-wmt17-significance-online-A.json");
  MTBENCH_REQUIRE_SHARED(dir, "corpora/wmt17-en-de");
  const auto c = load_case(dir, kOnlineASystems);
  const auto json = load_golden(golden);
  expect_matches_golden(c, json["tests"]["bs"]["rows"], PairedTestType::kBootstrap, 1000);
  expect_matches_golden(c, json["tests"]["ar"]["rows"], PairedTestType::kApproximateRandomization, 10000);
}

TEST(Significance, EstimateCiUsesOrderStatisticsAndMean) {
  std::vector<double> scores;
  for (int i = 0; i < 1000; ++i) scores.push_back(static_cast<double>((i * 37) % 1000));
  const auto [mean, ci] = estimate_ci(scores);
  EXPECT_DOUBLE_EQ(mean, 499.5);
  // sorted values are 0..999: indices 25 and 974.
  EXPECT_DOUBLE_EQ(ci, 0.5 * (974 - 25));
  EXPECT_THROW(estimate_ci({}), Error);
}

TEST(Significance, BootstrapPValueCountsCentredDifferences) {
  // Differences 0, 2, 4, 6 (mean 3): centred -3, -1, 1, 3.
  const std::vector<double> system = {10, 12, 14, 16}, baseline = {10, 10, 10, 10};
  EXPECT_DOUBLE_EQ(bootstrap_p_value(system, baseline, 0.5), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(bootstrap_p_value(system, baseline, 2.0), 2.0 / 5.0);
  EXPECT_DOUBLE_EQ(bootstrap_p_value(system, baseline, 3.0), 1.0 / 5.0);  // strict '>'
  EXPECT_THROW(bootstrap_p_value(system, {1.0}, 1.0), Error);
}

TEST(Significance, IdenticalSystemsGetTheSmallestPValueLikeSacrebleu) {
  // sacreBLEU (after multeval) counts only strictly larger differences, so a system compared
  // with itself has observed difference 0 and no trial exceeds it: p = 1 / (n + 1). Kept for
  // compatibility; the score table shows the zero difference.
  Bleu bleu;
  bleu.set_references({{"the cat sat on the mat", "a dog barked loudly", "it rains today"}});
  const StatsMatrix stats = bleu.segment_stats({"the cat sat on a mat", "a dog barked", "it rains"});
  const std::vector<const Metric*> metrics = {&bleu};
  for (auto type : {PairedTestType::kBootstrap, PairedTestType::kApproximateRandomization}) {
    SignificanceOptions options;
    options.type = type;
    options.n_samples = 200;
    const auto results = paired_test(metrics, {{&stats}, {&stats}}, options);
    ASSERT_TRUE(results[1][0].p_value.has_value());
    EXPECT_DOUBLE_EQ(*results[1][0].p_value, 1.0 / 201.0);
    EXPECT_DOUBLE_EQ(results[0][0].score, results[1][0].score);
    EXPECT_FALSE(results[0][0].p_value.has_value());
    EXPECT_EQ(results[1][0].mean.has_value(), type == PairedTestType::kBootstrap);
  }
}

TEST(Significance, MismatchedSegmentCountsAreErrors) {
  Bleu bleu;
  bleu.set_references({{"a b c", "d e f"}});
  const StatsMatrix two = bleu.segment_stats({"a b c", "d e"});
  StatsMatrix one = two;
  one.rows = 1;
  one.values.resize(one.width);
  const std::vector<const Metric*> metrics = {&bleu};
  EXPECT_THROW(paired_test(metrics, {{&two}, {&one}}, {}), Error);
  EXPECT_THROW(paired_test(metrics, {{&two}}, {}), Error);
}

TEST(Significance, SignatureFieldsFollowSacrebleuOrder) {
  const std::string sig = "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0";
  EXPECT_EQ(signature_with_test(sig, "bs", 1000, 12345),
            "nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
  EXPECT_EQ(signature_with_test(sig, "ar", 10000, std::nullopt),
            "nrefs:1|ar:10000|seed:none|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0");
}

TEST(Significance, SeedComesFromEnvironmentLikeSacrebleu) {
  const char* saved = std::getenv("SACREBLEU_SEED");
  const std::string saved_value = saved ? saved : "";
  unsetenv("SACREBLEU_SEED");
  EXPECT_EQ(sacrebleu_seed_from_env(), std::optional<std::uint64_t>(12345));
  setenv("SACREBLEU_SEED", "42", 1);
  EXPECT_EQ(sacrebleu_seed_from_env(), std::optional<std::uint64_t>(42));
  setenv("SACREBLEU_SEED", "None", 1);
  EXPECT_EQ(sacrebleu_seed_from_env(), std::nullopt);
  setenv("SACREBLEU_SEED", "-3", 1);
  EXPECT_THROW(sacrebleu_seed_from_env(), ConfigError);
  if (saved)
    setenv("SACREBLEU_SEED", saved_value.c_str(), 1);
  else
    unsetenv("SACREBLEU_SEED");
  EXPECT_EQ(resolved_samples({PairedTestType::kBootstrap, 0, 1, 0}), 1000u);
  EXPECT_EQ(resolved_samples({PairedTestType::kApproximateRandomization, 0, 1, 0}), 10000u);
}

}  // namespace
}  // namespace mtbench::eval
