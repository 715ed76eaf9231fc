// `mtbench explain RUN_DIR --sentence N`: a sentence the run did not explain is explained with
// the run's own models, saved in results.json and drawn by the redrawn report.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;
using testing::run_mtbench;
namespace fs = std::filesystem;

TEST(ExplainCommand, ExplainsASentenceAfterTheRunIntoResultsAndReport) {
  MTBENCH_REQUIRE_SHARED(de, "corpora/multi30k/train.de.gz");
  MTBENCH_REQUIRE_SHARED(en, "corpora/multi30k/train.en.gz");
  testing::ScratchDir s;
  const auto src = read_lines(de), tgt = read_lines(en);
  write_lines_atomic(s / "train.de", {src.begin(), src.begin() + 2000});
  write_lines_atomic(s / "train.en", {tgt.begin(), tgt.begin() + 2000});
  write_lines_atomic(s / "dev.de", {src.begin() + 2000, src.begin() + 2050});
  write_lines_atomic(s / "dev.en", {tgt.begin() + 2000, tgt.begin() + 2050});
  write_lines_atomic(s / "test.de", {src.begin() + 3000, src.begin() + 3300});
  write_lines_atomic(s / "test.en", {tgt.begin() + 3000, tgt.begin() + 3300});
  write_file_atomic(s / "cfg.yaml",
                    "pair: de-en\ntrain: {source: train.de, target: train.en}\ndev: {source: dev.de, target: dev.en}\n"
                    "test_sets: [{name: held, source: test.de, reference: test.en}]\n"
                    "systems:\n  - {system: example-based, label: EB}\n"
                    "  - {system: word-based, label: WB, options: {tune: false, lm_order: 3}}\n"
                    "metrics: [bleu]\nsignificance: {bootstrap_samples: 0, randomization_trials: 0}\n");
  const std::string env = "cd '" + s.path().string() + "' && MTBENCH_HOME=home";
  auto run = run_mtbench("-q compare --config cfg.yaml --out run", s.path(), env);
  ASSERT_EQ(run.status, 0) << run.err;
  auto results = nlohmann::json::parse(read_file(s / "run" / "results.json"));
  const std::size_t before = results["tests"][0]["explanations"]["EB"].size();
  ASSERT_LT(before, 290u) << "the run explains the first sentences only";

  auto explain = run_mtbench("explain run --sentence 290 --systems EB WB", s.path(), env);
  ASSERT_EQ(explain.status, 0) << explain.err;
  EXPECT_THAT(explain.err, HasSubstr("2 explanations of 1 sentence(s) of held"));
  results = nlohmann::json::parse(read_file(s / "run" / "results.json"));
  const auto& test = results["tests"][0];
  EXPECT_EQ(test["explained_on_demand"], nlohmann::json::array({289}));
  for (const char* label : {"EB", "WB"}) {
    const auto& list = test["explanations"][label];
    ASSERT_EQ(list.size(), 290u) << label;
    ASSERT_TRUE(list[289].is_object()) << label;
    EXPECT_FALSE(list[289]["source_tokens"].empty()) << label;
    EXPECT_TRUE(list[before].is_null()) << label << ": nothing invented in between";
  }
  // The redrawn report carries it (its embedded data holds the explained source tokens).
  const std::string html = read_file(s / "run" / "report.html");
  const std::string token = test["explanations"]["EB"][289]["source_tokens"][0].get<std::string>();
  EXPECT_THAT(html, HasSubstr("\"explained_on_demand\":[289]"));
  EXPECT_THAT(html, HasSubstr(token));

  // Bad requests are one clear line each.
  auto bad = run_mtbench("explain run --sentence 301", s.path(), env);
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.err, HasSubstr("--sentence 301 is outside test set 'held' (1 to 300)"));
  bad = run_mtbench("explain run --sentence 3 --systems Nope", s.path(), env);
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.err, HasSubstr("no model for system 'Nope'"));
  bad = run_mtbench("explain run --sentence 3 --test other", s.path(), env);
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.err, HasSubstr("no test set 'other'"));
  EXPECT_THAT(bad.err, HasSubstr("(it has held)"));
}

}  // namespace
}  // namespace mtbench
