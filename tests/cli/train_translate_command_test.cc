// End-to-end tests of `mtbench train` and `mtbench translate` with the external system and
// the example dice plugin (runs the built executable).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::run_mtbench;
namespace fs = std::filesystem;
using testing::kDicePluginDir;
using testing::q;

nlohmann::json manifest_of(const fs::path& dir) {
  return nlohmann::json::parse(read_file(dir / "mtbench-model.json"));
}

TEST(TrainTranslateCommand, ExternalCommandEndToEnd) {
  testing::ScratchDir s;
  write_lines_atomic(s / "train.de", {"ein Hund", "zwei Katzen"});
  write_lines_atomic(s / "train.en", {"a dog", "two cats"});
  write_file_atomic(s / "ext.yaml", "command: tr a-z A-Z\ntimeout_seconds: 30\n");
  auto run =
      run_mtbench("-q train external --config " + q(s / "ext.yaml") + " --train-src " + q(s / "train.de") +
                      " --train-tgt " + q(s / "train.en") + " --src-lang de --tgt-lang en --out " + q(s / "model"),
                  s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  const auto manifest = manifest_of(s / "model");
  EXPECT_EQ(manifest.at("system"), "external");
  EXPECT_EQ(manifest.at("source_lang"), "de");
  EXPECT_EQ(manifest.at("train_segments"), 2);
  EXPECT_EQ(manifest.at("config_yaml"), "command: tr a-z A-Z\ntimeout_seconds: 30\n");
  ASSERT_EQ(manifest.at("training_files").size(), 2u);
  // sha256 of "ein Hund\nzwei Katzen\n"
  EXPECT_EQ(manifest.at("training_files")[0].at("sha256").get<std::string>().size(), 64u);

  // stdin -> stdout
  run = run_mtbench("-q translate --model " + q(s / "model") + " < " + q(s / "train.de"), s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "EIN HUND\nZWEI KATZEN\n");
  // files, batches of one, explanations
  run = run_mtbench("-q translate --model " + q(s / "model") + " -i " + q(s / "train.de") + " -o " + q(s / "hyp.en") +
                        " --batch-size 1 --explain " + q(s / "explain.jsonl"),
                    s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(read_lines(s / "hyp.en"), ElementsAre("EIN HUND", "ZWEI KATZEN"));
  const auto explain = read_lines(s / "explain.jsonl");
  ASSERT_EQ(explain.size(), 2u);
  const auto record = nlohmann::json::parse(explain[1]);
  EXPECT_EQ(record.at("id"), 2);
  EXPECT_EQ(record.at("source"), "zwei Katzen");
  EXPECT_EQ(record.at("hypothesis"), "ZWEI KATZEN");
}

TEST(TrainTranslateCommand, DicePluginEndToEndAndModelFindsItsPlugin) {
  testing::ScratchDir s;
  write_lines_atomic(s / "train.de", {"der Hund", "der Hund schläft", "die Katze schläft", "die Katze", "die Frau",
                                      "die Maus", "ein Hund"});
  write_lines_atomic(s / "train.en",
                     {"the dog", "the dog sleeps", "the cat sleeps", "the cat", "the woman", "the mouse", "a dog"});
  write_file_atomic(s / "dice.yaml", "min_cooccurrence: 1\n");
  auto run = run_mtbench("-q --plugin-dir '" + kDicePluginDir + "' train dice --config " + q(s / "dice.yaml") +
                             " --train-src " + q(s / "train.de") + " --train-tgt " + q(s / "train.en") + " --dev-src " +
                             q(s / "train.de") + " --dev-tgt " + q(s / "train.en") +
                             " --src-lang de --tgt-lang en --out " + q(s / "model"),
                         s.path(), "env -u MTBENCH_PLUGIN_PATH");
  ASSERT_EQ(run.status, 0) << run.err;
  const auto manifest = manifest_of(s / "model");
  EXPECT_EQ(manifest.at("system"), "dice");
  EXPECT_EQ(manifest.at("dev_segments"), 7);
  EXPECT_THAT(manifest.at("system_origin").get<std::string>(), HasSubstr("/tests/plugins/dice/"));
  // No --plugin-dir: the manifest's origin is loaded.
  write_lines_atomic(s / "test.de", {"Die Katze schläft.", "ein Hund"});
  run = run_mtbench("-q translate --model " + q(s / "model") + " -i " + q(s / "test.de"), s.path(),
                    "env -u MTBENCH_PLUGIN_PATH");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "The cat sleeps.\na dog\n");
}

TEST(TrainTranslateCommand, ErrorsAreOneClearLine) {
  testing::ScratchDir s;
  write_lines_atomic(s / "a.de", {"x", "y", "z"});
  write_lines_atomic(s / "a.en", {"x", "y"});
  write_file_atomic(s / "ext.yaml", "command: cat\n");
  const std::string files = " --train-src " + q(s / "a.de") + " --train-tgt " + q(s / "a.en");

  auto run =
      run_mtbench("-q train no-such-system" + files + " --src-lang de --tgt-lang en --out " + q(s / "m"), s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("unknown system 'no-such-system'; valid systems: "));
  EXPECT_THAT(run.err, HasSubstr("external"));

  run = run_mtbench(
      "-q train external --config " + q(s / "ext.yaml") + files + " --src-lang de --tgt-lang en --out " + q(s / "m"),
      s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("a.de"));
  EXPECT_THAT(run.err, HasSubstr("a.en"));
  EXPECT_THAT(run.err, HasSubstr("3"));
  EXPECT_FALSE(fs::exists(s / "m" / "mtbench-model.json"));

  write_file_atomic(s / "bad.yaml", "command: cat\ncomand: cat\n");
  write_lines_atomic(s / "a.en", {"x", "y", "z"});
  run = run_mtbench(
      "-q train external --config " + q(s / "bad.yaml") + files + " --src-lang de --tgt-lang en --out " + q(s / "m"),
      s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("unknown external option 'comand'"));
  EXPECT_THAT(run.err, HasSubstr("bad.yaml"));

  run = run_mtbench("-q train external --config " + q(s / "ext.yaml") + files + " --out " + q(s / "m"), s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("--src-lang and --tgt-lang are required"));

  fs::create_directories(s / "empty");
  run = run_mtbench("-q translate --model " + q(s / "empty") + " < /dev/null", s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("not a complete mtbench model"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

TEST(TrainTranslateCommand, CorpusAndPairUseTheDatasetRegistry) {
  MTBENCH_REQUIRE_SHARED(mirror, "corpora/multi30k/train.de.gz");
  testing::ScratchDir s;
  const std::string env =
      "MTBENCH_HOME=" + q(s / "home") + " MTBENCH_DATA_MIRROR=" + q(mirror.parent_path().parent_path());
  auto run = run_mtbench(
      "-q --plugin-dir '" + kDicePluginDir + "' train dice --corpus multi30k --pair de-en --out " + q(s / "model"),
      s.path(), env);
  ASSERT_EQ(run.status, 0) << run.err;
  const auto manifest = manifest_of(s / "model");
  EXPECT_EQ(manifest.at("train_segments"), 29000);
  EXPECT_EQ(manifest.at("dev_segments"), 1014);
  EXPECT_EQ(manifest.at("source_lang"), "de");
  EXPECT_EQ(manifest.at("target_lang"), "en");
  ASSERT_EQ(manifest.at("training_files").size(), 4u);
  EXPECT_EQ(manifest.at("training_files")[2].at("role"), "dev-src");

  run = run_mtbench("-q train external --corpus multi30k --out " + q(s / "m2"), s.path(), env);
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("--corpus and --pair go together"));
}

}  // namespace
}  // namespace mtbench
