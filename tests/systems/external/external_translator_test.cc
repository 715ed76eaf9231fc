#include "systems/external/external_translator.h"

#include <chrono>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/external/subprocess.h"
#include "tests/test_util.h"

namespace mtbench::external {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> texts(const std::vector<Translation>& translations) {
  std::vector<std::string> out;
  for (const auto& t : translations) out.push_back(t.text);
  return out;
}

ExternalTranslator with_command(const std::string& command, double timeout = 30) {
  ExternalTranslator system;
  ExternalOptions options;
  options.command = command;
  options.timeout_seconds = timeout;
  system.configure(options, "test");
  return system;
}

TEST(ExternalOptions, ParsesCommandAndTimeout) {
  auto options = parse_external_options("command: tr a-z A-Z\ntimeout_seconds: 5\n", "ext.yaml");
  EXPECT_EQ(options.command, "tr a-z A-Z");
  EXPECT_DOUBLE_EQ(options.timeout_seconds, 5);
  EXPECT_TRUE(options.outputs.empty());
  auto back = parse_external_options(to_yaml(options), "round trip");
  EXPECT_EQ(back.command, options.command);
  EXPECT_DOUBLE_EQ(back.timeout_seconds, 5);
}

TEST(ExternalOptions, RejectsUnknownKeysNamingKeyAndOrigin) {
  try {
    parse_external_options("command: cat\ntimeout: 5\n", "configs/ext.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("'timeout'"));
    EXPECT_THAT(e.what(), HasSubstr("configs/ext.yaml"));
  }
  EXPECT_THROW(parse_external_options("command: cat\noutputs: x.txt\n", "o"), ConfigError);
  EXPECT_THROW(parse_external_options("", "o"), ConfigError);
  EXPECT_THROW(parse_external_options("command: cat\ntimeout_seconds: soon\n", "o"), ConfigError);
  EXPECT_THROW(parse_external_options("- a\n- b\n", "o"), ConfigError);
}

TEST(External, CommandTranslatesLineByLine) {
  auto system = with_command("tr a-z A-Z");
  auto out = system.translate({"ein hund", "", "zwei katzen"}, {});
  EXPECT_THAT(texts(out), ElementsAre("EIN HUND", "", "ZWEI KATZEN"));
}

TEST(External, LargeInputDoesNotDeadlock) {
  // More than a pipe buffer (64 KiB) each way: the writer thread must keep feeding while
  // we read; `cat` writes back as it reads.
  std::vector<std::string> input(20000, std::string(40, 'x'));
  auto system = with_command("cat");
  auto out = system.translate(input, {});
  ASSERT_EQ(out.size(), input.size());
  EXPECT_EQ(out.back().text, input.back());
}

TEST(External, DroppedLineIsAnErrorNamingBothCountsAndCommand) {
  auto system = with_command("sed -e '2d'");
  try {
    system.translate({"a", "b", "c"}, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("sed -e '2d'"));
    EXPECT_THAT(e.what(), HasSubstr("wrote 2 lines for 3 input lines"));
  }
}

TEST(External, FailingCommandReportsStatusAndStderr) {
  auto system = with_command("echo 'model not found' >&2; exit 3");
  try {
    system.translate({"a"}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("status 3"));
    EXPECT_THAT(e.what(), HasSubstr("model not found"));
  }
}

TEST(External, CommandThatStopsReadingDoesNotKillUs) {
  // `head -n 1` exits after one line: our writes then fail with EPIPE (not SIGPIPE).
  std::vector<std::string> input(50000, "line");
  auto system = with_command("head -n 1");
  EXPECT_THROW(system.translate(input, {}), DataError);
}

TEST(External, TimeoutKillsTheCommand) {
  auto system = with_command("sleep 20; cat", 0.5);
  const auto start = std::chrono::steady_clock::now();
  try {
    system.translate({"a"}, {});
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("did not finish within 0.5 s"));
    EXPECT_THAT(e.what(), HasSubstr("sleep 20"));
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 5.0);
}

TEST(External, OutputsFileModeRoundTripsThroughModelDir) {
  testing::ScratchDir scratch;
  write_lines_atomic(scratch / "hyp.txt", {"a dog", "two cats"});
  ExternalTranslator system;
  TrainOptions options;
  options.config_yaml = "outputs: " + (scratch / "hyp.txt").string() + "\n";
  options.config_origin = "ext.yaml";
  system.train({}, options);
  EXPECT_THAT(texts(system.translate({"ein Hund", "zwei Katzen"}, {})), ElementsAre("a dog", "two cats"));
  std::filesystem::create_directories(scratch / "model");
  system.save(scratch / "model");
  std::filesystem::remove(scratch / "hyp.txt");  // the model dir holds its own copy

  ExternalTranslator loaded;
  loaded.load(scratch / "model");
  EXPECT_THAT(texts(loaded.translate({"x", "y"}, {})), ElementsAre("a dog", "two cats"));
  try {
    loaded.translate({"only one"}, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 2 lines but 1 source segments"));
  }
}

TEST(External, CommandModeRoundTripsThroughModelDir) {
  testing::ScratchDir scratch;
  auto system = with_command("rev");
  system.save(scratch.path());
  ExternalTranslator loaded;
  loaded.load(scratch.path());
  EXPECT_THAT(texts(loaded.translate({"abc"}, {})), ElementsAre("cba"));
}

TEST(Subprocess, CapturesStderrAndExitStatus) {
  auto result = run_line_filter("cat; echo oops >&2; exit 2", {"x", "y"}, 10);
  EXPECT_THAT(result.lines, ElementsAre("x", "y"));
  EXPECT_EQ(result.error_output, "oops\n");
  EXPECT_EQ(result.exit_status, 2);
}

}  // namespace
}  // namespace mtbench::external
