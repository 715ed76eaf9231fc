#include "reports/run_results.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

RunResults sample() {
  RunResults r;
  r.mtbench_version = "0.1.0";
  r.corpus = "multi30k";
  r.source_lang = "de";
  r.target_lang = "en";
  r.train_size = 3;
  r.train_word_counts = {{"a", 2}, {"dog", 1}};
  SystemResults s;
  s.label = "RB";
  s.system = "rule-based";
  s.year = 1954;
  s.parameters = 42;
  s.training_log.push_back({10, 0.5, 2.5, std::nullopt, 12.0, 1e-3, 900.0, "valid", "", {{"encoder_layers.0", 1.5}}});
  r.systems.push_back(s);
  TestSetResults t;
  t.name = "test";
  t.source = {"ein Hund"};
  t.references = {{"a dog"}};
  t.outputs["RB"] = {"a dog"};
  t.scores["RB"] = {{"BLEU", 100.0, "nrefs:1|...", "100.0/100.0/0.0/0.0 (BP = 1.000 ...)", 99.0, 1.5, true}};
  t.sentence_scores["RB"]["BLEU"] = {100.0};
  SignificanceMatrix m;
  m.metric = "BLEU";
  m.test = "bootstrap";
  m.labels = {"RB"};
  m.p_values = {{std::nullopt}};
  m.deltas = {{0.0}};
  t.significance.push_back(m);
  t.analyses.length_buckets.push_back({"<10", 1, {{"RB", 100.0}}, {{"RB", {90.0, 100.0}}}});
  t.explanations["RB"] = {nlohmann::json{{"rules", {{{"rule", "x"}}}}}};
  r.tests.push_back(t);
  r.data_efficiency = DataEfficiency{"test", {1, 2}, {{"RB", {1.0, std::nullopt}}}};
  return r;
}

TEST(RunResults, JsonRoundTripThroughDisk) {
  testing::ScratchDir dir;
  const auto original = sample();
  save_run_results(original, dir.path());
  const auto loaded = load_run_results(dir.path());
  EXPECT_EQ(to_json(loaded), to_json(original));
  EXPECT_EQ(loaded.systems.at(0).parameters, 42u);
  EXPECT_FALSE(loaded.systems.at(0).training_log.at(0).dev_loss.has_value());
  EXPECT_EQ(loaded.systems.at(0).training_log.at(0).grad_norms,
            (std::map<std::string, double>{{"encoder_layers.0", 1.5}}));
  EXPECT_EQ(loaded.tests.at(0).scores.at("RB").at(0).ci, 1.5);
  EXPECT_FALSE(loaded.data_efficiency->bleu.at("RB").at(1).has_value());
}

TEST(RunResults, MissingAndMalformedFilesAreClearErrors) {
  testing::ScratchDir dir;
  EXPECT_THROW(load_run_results(dir.path()), Error);
  EXPECT_THROW(run_results_from_json(nlohmann::json{{"systems", 5}}, "x.json"), DataError);
}

}  // namespace
}  // namespace mtbench::reports
