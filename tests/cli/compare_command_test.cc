// `mtbench compare --dry-run`, `--system-output` and interrupting a command system, as a
// process (the executable built next to the tests).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

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
using testing::q;

// The dry run names every command a config would execute, and fails as the run would.
TEST(CompareCommand, DryRunShowsCommandsAndFailsLikeTheRun) {
  testing::ScratchDir s;
  write_file_atomic(s / "cfg.yaml", R"(
systems:
  - rule-based
  - {system: external, label: shell, options: {command: "tr a-z A-Z | cat"}}
  - {system: external, label: direct, options: {command: [sed, -e, s/a/b/]}}
)");
  auto run = run_mtbench("compare --dry-run --config " + q(s / "cfg.yaml"), s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("RUNS COMMAND: /bin/sh -c 'tr a-z A-Z | cat'"));
  EXPECT_THAT(run.out, HasSubstr("RUNS COMMAND: sed -e s/a/b/  (argv, no shell)"));
  EXPECT_THAT(run.out, HasSubstr("2 system(s) run outside commands"));

  write_file_atomic(s / "bad.yaml", "systems: [{system: phrase-based, options: {stack_sise: 5}}]\n");
  run = run_mtbench("compare --dry-run --config " + q(s / "bad.yaml"), s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("unknown phrase-based option 'stack_sise'"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
}

// --system-output with a label the config has used to replace that system silently.
TEST(CompareCommand, SystemOutputMayNotReuseALabel) {
  testing::ScratchDir s;
  write_file_atomic(s / "cfg.yaml", "systems: [{system: rule-based, label: RB}]\n");
  write_file_atomic(s / "out.txt", "x\n");
  const auto run = run_mtbench(
      "compare --dry-run --config " + q(s / "cfg.yaml") + " --system-output RB=" + q(s / "out.txt"), s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("already has a system labelled 'RB'"));
}

// SIGINT, SIGTERM or SIGKILL while an external command runs takes the command's whole process
// group with it (it used to leave /bin/sh -c CMD and its children running). SIGKILL reaches
// no handler: the watchdog in the command's group does it.
TEST(CompareCommand, InterruptKillsTheExternalCommand) {
  testing::ScratchDir s;
  const auto pid_file = s / "child.pid";
  write_lines_atomic(s / "src.txt", {"ein Hund"});
  write_file_atomic(s / "ext.yaml", "command: \"sleep 60 & echo $! > " + pid_file.string() + "; wait\"\n");
  auto run =
      run_mtbench("-q train external --config " + q(s / "ext.yaml") + " --train-src " + q(s / "src.txt") +
                      " --train-tgt " + q(s / "src.txt") + " --src-lang de --tgt-lang en --out " + q(s / "model"),
                  s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  for (const int signal_number : {SIGINT, SIGTERM, SIGKILL}) {
    SCOPED_TRACE(signal_number);
    fs::remove(pid_file);
    const pid_t mtbench = fork();
    ASSERT_GE(mtbench, 0);
    if (mtbench == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      dup2(null, 1);
      dup2(null, 2);
      execl(MTBENCH_BINARY_DIR "/mtbench", "mtbench", "-q", "translate", "--model", (s / "model").c_str(), "-i",
            (s / "src.txt").c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    pid_t child = 0;
    for (int i = 0; i < 200 && child == 0; ++i) {
      std::ifstream in(pid_file);
      if (!(in >> child)) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ASSERT_GT(child, 0) << "the command never started";
    ::kill(mtbench, signal_number);
    int status = 0;
    waitpid(mtbench, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number) << "status " << status;
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
      const fs::path cmdline = "/proc/" + std::to_string(child) + "/cmdline";
      gone = ::kill(child, 0) != 0 || !fs::exists(cmdline) || read_file(cmdline).empty();
      if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(gone) << "the command's child " << child << " outlived mtbench";
    if (!gone) ::kill(child, SIGKILL);
  }
}

// A model changed after training is refused with the file named.
TEST(CompareCommand, TranslateRefusesAModelWithAChangedFile) {
  testing::ScratchDir s;
  write_lines_atomic(s / "src.txt", {"ein Hund"});
  write_lines_atomic(s / "hyp.txt", {"a dog"});
  write_file_atomic(s / "ext.yaml", "outputs: " + (s / "hyp.txt").string() + "\n");
  auto run =
      run_mtbench("-q train external --config " + q(s / "ext.yaml") + " --train-src " + q(s / "src.txt") +
                      " --train-tgt " + q(s / "src.txt") + " --src-lang de --tgt-lang en --out " + q(s / "model"),
                  s.path());
  ASSERT_EQ(run.status, 0) << run.err;
  run = run_mtbench("-q translate --model " + q(s / "model") + " -i " + q(s / "src.txt"), s.path());
  EXPECT_EQ(run.out, "a dog\n");
  write_lines_atomic(s / "model" / "outputs.txt", {"s s s s"});
  run = run_mtbench("-q translate --model " + q(s / "model") + " -i " + q(s / "src.txt"), s.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_THAT(run.err, HasSubstr("outputs.txt does not match the SHA-256"));
}

}  // namespace
}  // namespace mtbench

namespace mtbench {
namespace {

// Issue 14: the same corpus as the registry's Multi30k, given (a) as files under other names
// and (b) registered with `mtbench corpus add`, gives the registry run's scores, each
// trained in its own empty model cache.
TEST(CompareCommand, OwnCorpusAsFilesOrAddedDatasetScoresLikeTheRegistry) {
  MTBENCH_REQUIRE_SHARED(mirror, "corpora/multi30k/train.de.gz");
  testing::ScratchDir s;
  const auto m30k = testing::shared_dir() / "corpora" / "multi30k";
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"train.de.gz", "a.src.gz"},
                                                        {"train.en.gz", "a.tgt.gz"},
                                                        {"val.de.gz", "b.src.gz"},
                                                        {"val.en.gz", "b.tgt.gz"},
                                                        {"test_2016_flickr.de.gz", "c.src.gz"},
                                                        {"test_2016_flickr.en.gz", "c.tgt.gz"}})
    std::filesystem::copy_file(m30k / from, s / to);
  const std::string systems =
      "systems: [rule-based, {system: external, label: copy, options: {command: cat}}]\n"
      "significance: {bootstrap_samples: 0, randomization_trials: 0}\n";
  write_file_atomic(s / "registry.yaml", "corpus: multi30k\npair: de-en\n" + systems);
  write_file_atomic(s / "files.yaml",
                    "corpus: null\npair: de-en\ntrain: {source: a.src.gz, target: a.tgt.gz}\n"
                    "dev: {source: b.src.gz, target: b.tgt.gz}\n"
                    "test_sets: [{name: test_2016_flickr, source: c.src.gz, reference: c.tgt.gz}]\n" +
                        systems);
  write_file_atomic(s / "added.yaml", "corpus: mine\npair: de-en\n" + systems);
  const std::string mirror_env = "MTBENCH_DATA_MIRROR='" + (testing::shared_dir() / "corpora").string() + "'";
  auto add = run_mtbench(
      "corpus add mine --src-lang de --tgt-lang en --train-src a.src.gz --train-tgt a.tgt.gz "
      "--dev-src b.src.gz --dev-tgt b.tgt.gz --test-src c.src.gz --test-tgt c.tgt.gz "
      "--test-name test_2016_flickr",
      s.path(), "cd '" + s.path().string() + "' && MTBENCH_HOME=home-added");
  ASSERT_EQ(add.status, 0) << add.err;
  EXPECT_THAT(add.out, HasSubstr("registered mine (de-en): 3 split(s)"));
  std::map<std::string, std::string> tables;
  for (const std::string name : {"registry", "files", "added"}) {
    auto run = run_mtbench("-q compare --config " + name + ".yaml --out run-" + name, s.path(),
                           "cd '" + s.path().string() + "' && " + mirror_env + " MTBENCH_HOME=home-" + name);
    ASSERT_EQ(run.status, 0) << name << ": " << run.err;
    const auto results = nlohmann::json::parse(read_file(s / ("run-" + name) / "results.json"));
    tables[name] = results["tests"][0]["scores"].dump();
  }
  EXPECT_EQ(tables["files"], tables["registry"]);
  EXPECT_EQ(tables["added"], tables["registry"]);
  EXPECT_THAT(tables["registry"], HasSubstr("\"score\""));
}

}  // namespace
}  // namespace mtbench

namespace mtbench {
namespace {

// Issue 14: the same systems over several directions: a run directory per pair, one report
// with a pair selector and a pairs x systems table; a system without a pair is skipped there.
TEST(CompareCommand, PairsRunEveryDirectionIntoOneReport) {
  MTBENCH_REQUIRE_SHARED(mirror, "corpora/multi30k/train.fr.gz");
  testing::ScratchDir s;
  write_file_atomic(s / "cfg.yaml",
                    "corpus: multi30k\non_unsupported: skip\nsystems: [rule-based, {system: external, label: copy, "
                    "options: {command: cat}}]\nsignificance: {bootstrap_samples: 0, randomization_trials: 0}\n"
                    "metrics: [bleu]\n");
  const std::string env = "cd '" + s.path().string() + "' && MTBENCH_DATA_MIRROR='" +
                          (testing::shared_dir() / "corpora").string() + "' MTBENCH_HOME=home";
  auto plan = run_mtbench("compare --config cfg.yaml --pairs fr-en,en-cs --dry-run --out run", s.path(), env);
  ASSERT_EQ(plan.status, 0) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("multi30k fr-en"));
  EXPECT_THAT(plan.out, HasSubstr("LEFT OUT: rule-based does not support en-cs"));
  auto run = run_mtbench("-q compare --config cfg.yaml --pairs fr-en,en-cs --out run", s.path(), env);
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(s / "run" / "fr-en" / "results.json"));
  EXPECT_TRUE(std::filesystem::exists(s / "run" / "en-cs" / "results.json"));
  EXPECT_THAT(run.out, HasSubstr("BLEU by language pair"));
  EXPECT_THAT(run.out, HasSubstr("unsupported"));
  const std::string report = read_file(s / "run" / "report.html");  // (too long to print on failure)
  EXPECT_NE(report.find("id=\"pairs\""), std::string::npos);
  EXPECT_NE(report.find("{\"runs\":["), std::string::npos);
  EXPECT_NE(report.find("\"target_lang\":\"cs\""), std::string::npos);
  EXPECT_NE(report.find("\"target_lang\":\"en\""), std::string::npos);
  // `mtbench report RUN_DIR` regenerates the report of all pairs from the pairs' results.
  std::filesystem::remove(s / "run" / "report.html");
  auto again = run_mtbench("-q report run", s.path(), env);
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("BLEU by language pair"));
  EXPECT_NE(read_file(s / "run" / "report.html").find("{\"runs\":["), std::string::npos);
  auto bad = run_mtbench("compare --config cfg.yaml --pairs fr-en,fr-en --dry-run", s.path(), env);
  EXPECT_EQ(bad.status, 1);
  EXPECT_THAT(bad.err, HasSubstr("'fr-en' is listed twice"));
}

}  // namespace
}  // namespace mtbench
