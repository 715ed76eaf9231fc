#include "compare/pipeline.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/builtin/builtin.h"
#include "systems/registry.h"
#include "tests/test_util.h"

namespace mtbench::compare {
namespace {

using ::testing::HasSubstr;

// A tiny comparison from files only: two precomputed outputs against one reference.
CompareConfig file_only_config(const testing::ScratchDir& dir) {
  write_lines_atomic(dir / "ref.txt", {"a man rides a bike", "two dogs play in the snow", "a girl is reading"});
  write_lines_atomic(dir / "good.txt", {"a man rides a bike", "two dogs play in snow", "a girl reads"});
  write_lines_atomic(dir / "bad.txt", {"man bike", "dogs snow", "girl"});
  const std::string yaml = R"(
corpus: null
pair: de-en
test_sets: [{name: tiny, reference: ref.txt}]
systems:
  - {system: external, label: good, outputs: {tiny: good.txt}}
  - {system: external, label: bad, outputs: {tiny: bad.txt}}
significance: {bootstrap_samples: 100, randomization_trials: 200}
)";
  write_file_atomic(dir / "cfg.yaml", yaml);
  return load_compare_config(dir / "cfg.yaml");
}

TEST(ComparePipeline, ScoresPrecomputedOutputsAndWritesRunDirectory) {
  register_builtin_translators();
  testing::ScratchDir dir;
  const auto config = file_only_config(dir);
  validate_compare_config(config, TranslatorRegistry::instance().names());
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  const auto results = run_comparison(config, options);
  ASSERT_EQ(results.tests.size(), 1u);
  const auto& test = results.tests[0];
  ASSERT_EQ(test.scores.at("good").size(), 3u);
  EXPECT_EQ(test.scores.at("good")[0].metric, "BLEU");
  EXPECT_GT(test.scores.at("good")[0].score, test.scores.at("bad")[0].score);
  EXPECT_EQ(test.scores.at("good")[2].metric, "TER");
  EXPECT_LT(test.scores.at("good")[2].score, test.scores.at("bad")[2].score);
  EXPECT_TRUE(test.scores.at("good")[0].ci.has_value());
  EXPECT_THAT(test.scores.at("good")[0].signature, HasSubstr("bs:100"));
  ASSERT_EQ(test.sentence_scores.at("good").at("BLEU").size(), 3u);
  EXPECT_DOUBLE_EQ(test.sentence_scores.at("good").at("BLEU")[0], 100.0);
  // Bootstrap and randomization matrices for three metrics, symmetric p-values.
  ASSERT_EQ(test.significance.size(), 6u);
  const auto& m = test.significance[0];
  ASSERT_TRUE(m.p_values[0][1].has_value());
  EXPECT_EQ(m.p_values[0][1], m.p_values[1][0]);
  EXPECT_FALSE(m.p_values[0][0].has_value());
  EXPECT_TRUE(std::filesystem::exists(options.run_dir / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(options.run_dir / "manifest.json"));
  EXPECT_EQ(reports::to_json(reports::load_run_results(options.run_dir)), reports::to_json(results));
}

TEST(ComparePipeline, RefusesARunDirectoryOfAnotherComparisonWithoutTouchingIt) {
  register_builtin_translators();
  testing::ScratchDir dir;
  auto config = file_only_config(dir);
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  run_comparison(config, options);
  const auto before = read_file(options.run_dir / "results.json");
  config.systems.pop_back();
  EXPECT_THROW(run_comparison(config, options), ConfigError);
  EXPECT_EQ(read_file(options.run_dir / "results.json"), before);
}

TEST(ComparePipeline, OutputWithWrongLineCountNamesFileAndCounts) {
  register_builtin_translators();
  testing::ScratchDir dir;
  auto config = file_only_config(dir);
  write_lines_atomic(dir / "bad.txt", {"only one line"});
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  try {
    run_comparison(config, options);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.txt has 1 lines but test set 'tiny' has 3 segments"));
  }
}

// Trains (through the cache) an external command system on the Multi30k mirror and reuses
// both the model and the outputs on a second run.
TEST(ComparePipeline, TrainsTranslatesAndReusesCachedModels) {
  MTBENCH_REQUIRE_SHARED(mirror, "corpora/multi30k/val.de.gz");
  register_builtin_translators();
  testing::ScratchDir dir;
  setenv("MTBENCH_DATA_MIRROR", (testing::shared_dir() / "corpora").c_str(), 1);
  setenv("MTBENCH_HOME", (dir / "home").c_str(), 1);
  const std::string yaml = R"(
corpus: multi30k
pair: de-en
test_sets: [val]
systems:
  - {system: external, label: copy, options: {command: cat}}
significance: {bootstrap_samples: 0, randomization_trials: 0}
)";
  write_file_atomic(dir / "cfg.yaml", yaml);
  const auto config = load_compare_config(dir / "cfg.yaml");
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  const auto first = run_comparison(config, options);
  ASSERT_EQ(first.systems.size(), 1u);
  EXPECT_FALSE(first.systems[0].train_cached);
  EXPECT_EQ(first.tests[0].outputs.at("copy").size(), 1014u);
  EXPECT_EQ(first.tests[0].outputs.at("copy")[0], first.tests[0].source[0]);  // `cat` copies
  EXPECT_TRUE(std::filesystem::exists(options.run_dir / "outputs" / "val" / "copy.txt"));
  const auto second = run_comparison(config, options);
  EXPECT_TRUE(second.systems[0].train_cached);
  EXPECT_EQ(second.tests[0].scores.at("copy")[0].score, first.tests[0].scores.at("copy")[0].score);
  unsetenv("MTBENCH_DATA_MIRROR");
  unsetenv("MTBENCH_HOME");
}

}  // namespace
}  // namespace mtbench::compare

namespace mtbench::compare {
namespace {

// The data-efficiency study trains again on growing subsets (cached by size) and records BLEU.
TEST(ComparePipeline, DataEfficiencyTrainsEachSize) {
  MTBENCH_REQUIRE_SHARED(mirror, "corpora/multi30k/val.de.gz");
  register_builtin_translators();
  testing::ScratchDir dir;
  setenv("MTBENCH_DATA_MIRROR", (testing::shared_dir() / "corpora").c_str(), 1);
  setenv("MTBENCH_HOME", (dir / "home").c_str(), 1);
  write_file_atomic(dir / "cfg.yaml", R"(
corpus: multi30k
pair: de-en
test_sets: [val]
systems: [{system: external, label: copy, options: {command: cat}}]
significance: {bootstrap_samples: 0, randomization_trials: 0}
train_sizes: [10, 100]
)");
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  const auto results = run_comparison(load_compare_config(dir / "cfg.yaml"), options);
  ASSERT_TRUE(results.data_efficiency.has_value());
  EXPECT_EQ(results.data_efficiency->test, "val");
  EXPECT_EQ(results.data_efficiency->sizes, (std::vector<std::size_t>{10, 100}));
  const auto& bleu = results.data_efficiency->bleu.at("copy");
  ASSERT_EQ(bleu.size(), 2u);
  // `cat` copies German into the English output, whatever the training size.
  EXPECT_EQ(bleu[0], bleu[1]);
  EXPECT_EQ(*bleu[0], results.tests[0].scores.at("copy")[0].score);
  // Three cached models: the full run and the two sizes.
  std::size_t models = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir / "home" / "models")) models += entry.is_directory();
  EXPECT_EQ(models, 3u);
  unsetenv("MTBENCH_DATA_MIRROR");
  unsetenv("MTBENCH_HOME");
}

}  // namespace
}  // namespace mtbench::compare
