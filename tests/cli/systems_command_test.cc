// End-to-end tests of `mtbench systems` (runs the built executable).

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "systems/plugin_api.h"
#include "tests/cli/run_mtbench.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

using testing::run_mtbench;

using testing::kDicePluginDir;

TEST(SystemsCommand, ListsBuiltinsWithEraYearAndOrigin) {
  testing::ScratchDir scratch;
  const testing::MtbenchRun run = run_mtbench("systems < /dev/null", scratch.path(), "env -u MTBENCH_PLUGIN_PATH");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("NAME"));
  EXPECT_THAT(run.out, HasSubstr("external"));
  EXPECT_THAT(run.out, HasSubstr("built-in"));
  EXPECT_THAT(run.out, ::testing::Not(HasSubstr("dice")));
}

// `--options` lists a system's presets and every option from its option table, with the
// values under the chosen preset.
TEST(SystemsCommand, OptionsListPresetsKeysValuesAndHelp) {
  testing::ScratchDir scratch;
  testing::MtbenchRun run = run_mtbench("systems phrase-based --options --preset quick", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("presets:"));
  EXPECT_THAT(run.out, HasSubstr("quick"));
  EXPECT_THAT(run.out, ::testing::ContainsRegex("stack_size +50 +histogram pruning"));
  run = run_mtbench("systems phrase-based --options --json", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["system"], "phrase-based");
  bool found = false;
  for (const auto& o : j["options"])
    if (o["key"] == "stack_size") found = o["value"] == "100";  // the default preset's value
  EXPECT_TRUE(found) << run.out;
  run = run_mtbench("systems phrase-based --options --preset huge", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("unknown phrase-based preset 'huge' (valid: full, quick)"));
  run = run_mtbench("systems no-such-system --options", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("unknown system 'no-such-system'"));
}

TEST(SystemsCommand, ListsPluginFromPluginDirAndFromEnvironment) {
  testing::ScratchDir scratch;
  testing::MtbenchRun run = run_mtbench("--plugin-dir '" + kDicePluginDir + "' systems --json", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  const auto systems = nlohmann::json::parse(run.out);
  const nlohmann::json* dice = nullptr;
  for (const auto& s : systems) {
    if (s.at("name") == "dice") dice = &s;
  }
  ASSERT_NE(dice, nullptr) << run.out;
  EXPECT_EQ(dice->at("year"), 1996);
  EXPECT_EQ(dice->at("paradigm"), "statistical");
  EXPECT_THAT(dice->at("origin").get<std::string>(), HasSubstr("/tests/plugins/dice/"));
  EXPECT_THAT(dice->at("citation").get<std::string>(), HasSubstr("Smadja"));

  run = run_mtbench("systems", scratch.path(), "MTBENCH_PLUGIN_PATH='/nonexistent:" + kDicePluginDir + "'");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("dice"));
  EXPECT_THAT(run.out, HasSubstr("Smadja"));
}

TEST(SystemsCommand, IncompatiblePluginIsOneClearErrorLine) {
  testing::ScratchDir scratch;
  const testing::MtbenchRun run =
      run_mtbench("--plugin-dir '" MTBENCH_BINARY_DIR "/tests/plugins/bad_version' systems", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("mtbench: error: plugin "));
  EXPECT_THAT(run.err, HasSubstr("plugin API version " + std::to_string(MTBENCH_PLUGIN_API_VERSION + 998)));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;

  const testing::MtbenchRun missing =
      run_mtbench("--plugin-dir '" + (scratch / "nope").string() + "' systems", scratch.path());
  EXPECT_EQ(missing.status, 1);
  EXPECT_THAT(missing.err, HasSubstr("plugin directory"));
}

}  // namespace
}  // namespace mtbench
