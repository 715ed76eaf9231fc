#include "serve/model_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench::serve {
namespace {

using ::testing::HasSubstr;

TEST(ModelSet, ModelArgumentsAreDirectoriesOrLabelEqualsDirectory) {
  auto m = parse_model_argument("models/tf");
  EXPECT_EQ(m.label, "");
  EXPECT_EQ(m.dir, "models/tf");
  m = parse_model_argument("TF-big=models/tf");
  EXPECT_EQ(m.label, "TF-big");
  EXPECT_EQ(m.dir, "models/tf");
  m = parse_model_argument("runs/a=b/model");  // "runs/a" is not a label: the whole is a path
  EXPECT_EQ(m.label, "");
  EXPECT_EQ(m.dir, "runs/a=b/model");
}

TEST(ModelSet, RunDirectoriesListTheirSystemsWithModels) {
  testing::ScratchDir dir;
  write_file_atomic(dir / "results.json",
                    R"({"systems": [{"label": "RB", "model_dir": "/m/rb"}, {"label": "Moses", "model_dir": ""},)"
                    R"js( {"label": "Transformer (2017)", "model_dir": "/m/tf"}]})js");
  std::vector<std::string> skipped;
  const auto models = run_models(dir.path(), &skipped);
  ASSERT_EQ(models.size(), 2u);
  EXPECT_EQ(models[0].label, "RB");
  EXPECT_EQ(models[1].dir, "/m/tf");
  EXPECT_EQ(models[1].label, "Transformer (2017)") << "a run's labels are kept as they are";
  EXPECT_EQ(skipped, std::vector<std::string>{"Moses"});

  // A `compare --pairs` run: one results.json per pair, labels prefixed by the pair.
  testing::ScratchDir pairs;
  std::filesystem::create_directories(pairs / "fr-en");
  write_file_atomic(pairs / "fr-en/results.json", R"({"systems": [{"label": "PB", "model_dir": "/m/pb"}]})");
  EXPECT_EQ(run_models(pairs.path(), nullptr).at(0).label, "fr-en.PB");

  testing::ScratchDir empty;
  EXPECT_THROW(run_models(empty.path(), nullptr), ConfigError);
  write_file_atomic(empty / "results.json", "{\"systems\": 3");
  try {
    run_models(empty.path(), nullptr);
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("results.json: not valid JSON"));
  }
}

TEST(ModelSet, AModelThatFailsToLoadIsKeptWithItsErrorAndLabelsAreUnique) {
  testing::ScratchDir dir;
  std::filesystem::create_directories(dir / "not-a-model");
  Progress progress(ProgressMode::kQuiet);
  const auto systems =
      load_systems({{"X", dir / "not-a-model"}, {"X", dir / "missing"}, {"", dir / "missing"}}, progress);
  ASSERT_EQ(systems.size(), 3u);
  EXPECT_EQ(systems[0]->label, "X");
  EXPECT_EQ(systems[1]->label, "X-2");
  EXPECT_EQ(systems[2]->label, "missing");
  for (const auto& s : systems) {
    EXPECT_EQ(s->translator, nullptr);
    EXPECT_FALSE(s->load_error.empty());
  }
  EXPECT_THAT(systems[0]->load_error, HasSubstr("not-a-model"));
}

}  // namespace
}  // namespace mtbench::serve
