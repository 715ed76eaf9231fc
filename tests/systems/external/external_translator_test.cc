#include "systems/external/external_translator.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

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
  // Consecutive calls replay consecutive lines (batches; compare's explained head, then the
  // rest); a pass that does not add up to the file is an error.
  EXPECT_THAT(texts(loaded.translate({"x"}, {})), ElementsAre("a dog"));
  EXPECT_THAT(texts(loaded.translate({"y"}, {})), ElementsAre("two cats"));
  EXPECT_THAT(texts(loaded.translate({"x", "y"}, {})), ElementsAre("a dog", "two cats"));
  try {
    loaded.translate({"one", "two", "three"}, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 2 lines but 3 source segments"));
  }
  loaded.translate({"one"}, {});
  try {
    loaded.translate({"two", "three"}, {});
    FAIL();
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has 2 lines but 3 source segments were given (1 in earlier calls)"));
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

// `command:` as a list runs the program directly: no shell, so nothing is expanded.
TEST(External, ArgvCommandRunsWithoutAShell) {
  auto options = parse_external_options("command: [sed, -e, 's/x/$HOME;/']\n", "ext.yaml");
  ASSERT_EQ(options.command.argv.size(), 3u);
  EXPECT_TRUE(options.command.shell.empty());
  EXPECT_EQ(parse_external_options(to_yaml(options), "again").command, options.command);
  ExternalTranslator system;
  TrainOptions train;
  train.config_yaml = to_yaml(options);
  system.train({}, train);
  EXPECT_THAT(texts(system.translate({"axb"}, {})), ElementsAre("a$HOME;b"));
  EXPECT_THROW(parse_external_options("command: []\n", "e.yaml"), ConfigError);
  EXPECT_THROW(parse_external_options("command: [[a]]\n", "e.yaml"), ConfigError);
  EXPECT_THROW(run_line_filter(Command{}, {"x"}, 5), Error);
  Command missing;
  missing.argv = {"/no/such/program"};
  EXPECT_THROW(run_line_filter(missing, {"x"}, 5), Error);
}

// A background child that detaches (setsid) and keeps stdout open used to make mtbench wait
// for the whole timeout and then blame the command; the output is complete at the exit.
TEST(Subprocess, DetachedChildHoldingStdoutDoesNotDelayTheResult) {
  const auto start = std::chrono::steady_clock::now();
  auto result = run_line_filter("setsid sleep 30 & cat", {"a", "b"}, 20);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_THAT(result.lines, ElementsAre("a", "b"));
  EXPECT_EQ(result.exit_status, 0);
  EXPECT_LT(seconds, 5.0);
}

// Children left in the command's process group are killed when it exits.
TEST(Subprocess, BackgroundChildrenAreKilledWithTheCommand) {
  testing::ScratchDir dir;
  const auto pid_file = dir / "pid";
  auto result = run_line_filter("sleep 30 & echo $! > '" + pid_file.string() + "'; cat", {"a"}, 20);
  EXPECT_THAT(result.lines, ElementsAre("a"));
  std::ifstream in(pid_file);
  pid_t pid = 0;
  ASSERT_TRUE(in >> pid);
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = ::kill(pid, 0) != 0 || !std::filesystem::exists("/proc/" + std::to_string(pid) + "/cmdline") ||
           read_file("/proc/" + std::to_string(pid) + "/cmdline").empty();  // a zombie has no command line
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(gone) << "sleep " << pid << " still runs";
}

// Memory stays bounded whatever the command writes: stderr keeps a tail, stdout stops at more
// lines than were sent (600 MB of stderr used to be buffered whole).
TEST(Subprocess, OutputIsBounded) {
  auto noisy = run_line_filter("head -c 3000000 /dev/zero | tr '\\0' x >&2; echo END >&2; cat", {"a"}, 30);
  EXPECT_THAT(noisy.lines, ElementsAre("a"));
  EXPECT_LE(noisy.error_output.size(), kStderrTailBytes);
  EXPECT_THAT(noisy.error_output, ::testing::EndsWith("END\n"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_line_filter("yes", {"a", "b"}, 30), DataError);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10.0);
}

}  // namespace
}  // namespace mtbench::external
