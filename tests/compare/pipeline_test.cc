#include "compare/pipeline.h"

#include <cstdlib>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "compare/data.h"
#include "systems/builtin/builtin.h"
#include "systems/model_dir.h"
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

// A sacreBLEU test set named in a config (test_set: wmt17) is fetched through the mirror and
// scored like its reference file; a pair the set lacks is a config error listing its pairs.
TEST(ComparePipeline, SacrebleuTestSetInAConfig) {
  MTBENCH_REQUIRE_SHARED(ref, "corpora/wmt17-en-de/newstest2017.ref.de.gz");
  register_builtin_translators();
  testing::ScratchDir dir;
  setenv("MTBENCH_DATA_MIRROR", (testing::shared_dir() / "corpora").c_str(), 1);
  setenv("MTBENCH_HOME", (dir / "home").c_str(), 1);
  const auto kit = testing::shared_dir() / "corpora" / "wmt17-en-de" / "newstest2017.KIT.4950.en-de.gz";
  const std::string yaml =
      "corpus: null\npair: en-de\ntest_sets: [{test_set: wmt17}]\nsystems: [{system: external, "
      "label: KIT, outputs: {wmt17: " +
      kit.string() + "}}]\nmetrics: [bleu]\n";
  write_file_atomic(dir / "cfg.yaml", yaml);
  PipelineOptions options;
  options.quiet = true;
  options.run_dir = dir / "run";
  const auto results = run_comparison(load_compare_config(dir / "cfg.yaml"), options);
  EXPECT_EQ(results.tests[0].name, "wmt17");
  EXPECT_EQ(results.tests[0].references[0], read_lines(ref));
  EXPECT_NEAR(results.tests[0].scores.at("KIT")[0].score, 26.1, 0.05);
  write_file_atomic(dir / "bad.yaml",
                    "corpus: null\npair: en-xx\ntest_sets: [{test_set: wmt17}]\n"
                    "systems: [{system: external, label: K, outputs: {wmt17: " +
                        kit.string() + "}}]\n");
  try {
    validate_compare_config(load_compare_config(dir / "bad.yaml"), TranslatorRegistry::instance().names());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("test_sets[0].test_set: test set wmt17 has no language pair 'en-xx'"));
  }
  unsetenv("MTBENCH_DATA_MIRROR");
  unsetenv("MTBENCH_HOME");
}

// A comparison of one system: no significance, everything else, the report included.
TEST(ComparePipeline, OneSystemComparisonHasScoresAndAReport) {
  register_builtin_translators();
  testing::ScratchDir dir;
  auto config = file_only_config(dir);
  config.systems.pop_back();
  PipelineOptions options;
  options.run_dir = dir / "run";
  options.quiet = true;
  const auto results = run_comparison(config, options);
  ASSERT_EQ(results.systems.size(), 1u);
  EXPECT_EQ(results.tests[0].scores.at("good").size(), 3u);
  EXPECT_TRUE(results.tests[0].significance.empty());
  EXPECT_TRUE(std::filesystem::exists(options.run_dir / "report.html"));
}

// on_error: continue: a system that fails mid-run is left out, the others finish, and the
// results and the report say which one failed and why; the default (stop) fails the run.
TEST(ComparePipeline, FailingSystemIsLeftOutWithOnErrorContinue) {
  register_builtin_translators();
  testing::ScratchDir dir;
  write_lines_atomic(dir / "src.txt", {"ein Mann", "zwei Hunde", "ein Mädchen"});
  write_lines_atomic(dir / "ref.txt", {"a man", "two dogs", "a girl"});
  const std::string yaml = R"(
corpus: null
pair: de-en
train: {source: src.txt, target: ref.txt}
dev: {source: src.txt, target: ref.txt}
test_sets: [{name: tiny, source: src.txt, reference: ref.txt}]
systems:
  - {system: external, label: copy, options: {command: cat}}
  - {system: external, label: broken, options: {command: "echo doomed >&2; exit 3"}}
significance: {bootstrap_samples: 0, randomization_trials: 0}
)";
  write_file_atomic(dir / "cfg.yaml", yaml);
  setenv("MTBENCH_HOME", (dir / "home").c_str(), 1);
  PipelineOptions options;
  options.quiet = true;
  options.run_dir = dir / "stop";
  EXPECT_THROW(run_comparison(load_compare_config(dir / "cfg.yaml"), options), Error);
  write_file_atomic(dir / "cfg.yaml", yaml + "on_error: continue\n");
  options.run_dir = dir / "continue";
  const auto results = run_comparison(load_compare_config(dir / "cfg.yaml"), options);
  ASSERT_EQ(results.systems.size(), 1u);
  EXPECT_EQ(results.systems[0].label, "copy");
  EXPECT_EQ(results.tests[0].outputs.count("broken"), 0u);
  ASSERT_EQ(results.left_out.size(), 1u);
  EXPECT_EQ(results.left_out[0].label, "broken");
  EXPECT_EQ(results.left_out[0].stage, "translation");
  EXPECT_THAT(results.left_out[0].reason, HasSubstr("doomed"));
  const std::string report = read_file(options.run_dir / "report.html");
  EXPECT_THAT(report, HasSubstr("\"left_out\":[{\"label\":\"broken\""));
  EXPECT_EQ(reports::load_run_results(options.run_dir).left_out.size(), 1u);
  unsetenv("MTBENCH_HOME");
}

// Training data given as files is the same data however it is stored: plain files, gzip or
// one TSV file, under any name, give the same data hash, so the second layout finds the
// first one's cached models and gives the same scores. Empty files are refused up front.
TEST(ComparePipeline, OwnDataFilesInAnyLayoutAreTheSameData) {
  register_builtin_translators();
  testing::ScratchDir dir;
  const std::vector<std::string> src = {"ein Mann fährt Rad", "zwei Hunde spielen", "ein Mädchen liest"};
  const std::vector<std::string> tgt = {"a man rides a bike", "two dogs play", "a girl reads"};
  write_lines_atomic(dir / "train.de", src);
  write_lines_atomic(dir / "train.en", tgt);
  write_lines_atomic(dir / "corpus.de.gz", src);  // gzip-compressed by its name
  write_lines_atomic(dir / "corpus.en.gz", tgt);
  std::vector<std::string> tsv;
  for (std::size_t i = 0; i < src.size(); ++i) tsv.push_back(src[i] + "\t" + tgt[i]);
  write_lines_atomic(dir / "all.tsv", tsv);
  setenv("MTBENCH_HOME", (dir / "home").c_str(), 1);
  auto config_for = [&](const std::string& train, const std::string& dev) {
    const std::string yaml =
        "corpus: null\npair: de-en\ntrain: " + train + "\ndev: " + dev +
        "\ntest_sets: [{name: t, tsv: all.tsv}]\nsystems: [{system: external, label: copy, "
        "options: {command: cat}}]\nsignificance: {bootstrap_samples: 0, randomization_trials: 0}\n";
    write_file_atomic(dir / "cfg.yaml", yaml);
    return load_compare_config(dir / "cfg.yaml");
  };
  const auto plain = config_for("{source: train.de, target: train.en}", "{source: train.de, target: train.en}");
  const auto gz = config_for("{source: corpus.de.gz, target: corpus.en.gz}", "{tsv: all.tsv}");
  EXPECT_EQ(load_training_data(plain).hash, load_training_data(gz).hash);
  PipelineOptions options;
  options.quiet = true;
  options.run_dir = dir / "plain";
  const auto first = run_comparison(plain, options);
  EXPECT_FALSE(first.systems[0].train_cached);
  options.run_dir = dir / "gz";
  const auto second = run_comparison(gz, options);
  EXPECT_TRUE(second.systems[0].train_cached);
  EXPECT_EQ(second.tests[0].scores.at("copy")[0].score, first.tests[0].scores.at("copy")[0].score);
  EXPECT_EQ(first.tests[0].source, src);

  write_file_atomic(dir / "empty.en", "");
  const auto empty = config_for("{source: train.de, target: empty.en}", "{tsv: all.tsv}");
  try {
    load_training_data(empty);
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("empty.en"));
  }
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

namespace mtbench::compare {
namespace {

// A comparison of one external system replaying `hyp.txt` (options.outputs: trained, so cached)
// on Multi30k's val set, with its own MTBENCH_HOME; skipped without the shared mirror.
class CachePipeline : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::shared_file("corpora/multi30k/val.de.gz").empty()) GTEST_SKIP() << "shared Multi30k mirror not found";
    register_builtin_translators();
    setenv("MTBENCH_DATA_MIRROR", (testing::shared_dir() / "corpora").c_str(), 1);
    setenv("MTBENCH_HOME", (dir_ / "home").c_str(), 1);
    source_ = read_lines(testing::shared_file("corpora/multi30k/val.de.gz"));
    reference_ = read_lines(testing::shared_file("corpora/multi30k/val.en.gz"));
    write_file_atomic(dir_ / "cfg.yaml", R"(
corpus: multi30k
pair: de-en
test_sets: [val]
systems: [{system: external, label: replay, options: {outputs: hyp.txt}}]
metrics: [bleu]
significance: {bootstrap_samples: 0, randomization_trials: 0}
)");
  }
  void TearDown() override {
    unsetenv("MTBENCH_DATA_MIRROR");
    unsetenv("MTBENCH_HOME");
  }
  RunResults run(const std::string& name) {
    PipelineOptions options;
    options.run_dir = dir_ / name;
    options.quiet = true;
    return run_comparison(load_compare_config(dir_ / "cfg.yaml"), options);
  }
  static double bleu(const RunResults& r) { return r.tests.at(0).scores.at("replay").at(0).score; }
  std::vector<std::filesystem::path> model_dirs() const {
    std::vector<std::filesystem::path> dirs;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "home" / "models"))
      if (e.is_directory()) dirs.push_back(e.path());
    return dirs;
  }

  testing::ScratchDir dir_;
  std::vector<std::string> source_, reference_;
};

// Editing the outputs file changes the model's cache key: the old scores do not come back.
TEST_F(CachePipeline, ExternalOutputsAreCachedByContentNotPath) {
  write_lines_atomic(dir_ / "hyp.txt", source_);
  const auto first = run("run1");
  EXPECT_LT(bleu(first), 20.0);
  write_lines_atomic(dir_ / "hyp.txt", reference_);
  const auto second = run("run2");
  EXPECT_FALSE(second.systems[0].train_cached);
  EXPECT_DOUBLE_EQ(bleu(second), 100.0);
  const auto third = run("run3");  // same content again: reused
  EXPECT_TRUE(third.systems[0].train_cached);
}

// A cached model whose files changed after training is trained again, never used.
TEST_F(CachePipeline, CorruptedCachedModelIsTrainedAgain) {
  write_lines_atomic(dir_ / "hyp.txt", reference_);
  run("run1");
  const auto dirs = model_dirs();
  ASSERT_EQ(dirs.size(), 1u);
  write_lines_atomic(dirs[0] / "outputs.txt", std::vector<std::string>(reference_.size(), "s s s s"));
  const auto second = run("run2");
  EXPECT_FALSE(second.systems[0].train_cached);
  EXPECT_DOUBLE_EQ(bleu(second), 100.0);
  EXPECT_TRUE(is_intact_model(dirs[0]));
}

// Two runs sharing MTBENCH_HOME and a model: the second waits for the first and reuses its
// model (it used to delete the manifest the first had just written).
TEST_F(CachePipeline, ConcurrentRunsShareOneModel) {
  write_lines_atomic(dir_ / "hyp.txt", reference_);
  std::vector<double> scores(2, -1);
  std::vector<std::string> errors(2);
  std::vector<std::thread> runs;
  for (int i = 0; i < 2; ++i) {
    runs.emplace_back([&, i] {
      try {
        scores[i] = bleu(run("run" + std::to_string(i)));
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& t : runs) t.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_DOUBLE_EQ(scores[0], 100.0);
  EXPECT_DOUBLE_EQ(scores[1], 100.0);
  EXPECT_EQ(model_dirs().size(), 1u);
}

// A training that fails leaves no empty model directory behind.
TEST_F(CachePipeline, FailedTrainingLeavesNoModelDirectory) {
  write_file_atomic(dir_ / "hyp.txt", "fine\n\xff\xfe broken UTF-8\n");
  EXPECT_THROW(run("run1"), DataError);
  EXPECT_TRUE(model_dirs().empty());
}

}  // namespace
}  // namespace mtbench::compare
