// `mtbench score` as a process, on the WMT17 files, against sacreBLEU 2.6.0's golden values
// (../shared/testdata): single-system JSON and text, paired bootstrap JSON, multi-reference,
// sacreBLEU's single-dash options, --all-pairs, --segment-scores and the error cases.

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace {

struct ProcessResult {
  int rc = -1;      // exit status
  std::string out;  // standard output
  std::string err;  // standard error
};

ProcessResult run_mtbench(const std::string& args) {
  const std::string err_file =
      std::filesystem::temp_directory_path() / ("mtbench-score-test-" + std::to_string(::getpid()) + ".err");
  const std::string cmd = std::string(MTBENCH_BINARY_DIR) + "/mtbench score " + args + " 2>" + err_file;
  ProcessResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), n);
  const int status = pclose(pipe);
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(err_file);
  r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  std::filesystem::remove(err_file);
  return r;
}

nlohmann::json golden(const std::string& relative) {
  std::ifstream in(mtbench::testing::shared_dir() / relative);
  return nlohmann::json::parse(in);
}

#define WMT17(var)                                    \
  MTBENCH_REQUIRE_SHARED(var, "corpora/wmt17-en-de"); \
  MTBENCH_REQUIRE_SHARED(var##_golden, "testdata/sacrebleu-2.6.0-wmt17.json")

std::string file(const std::filesystem::path& dir, const std::string& system) {
  return (dir / (system + ".gz")).string();
}

TEST(ScoreCommand, SingleSystemJsonMatchesSacrebleu) {
  WMT17(dir);
  const auto g = golden("testdata/sacrebleu-2.6.0-wmt17.json")["systems"]["newstest2017.uedin-nmt.4722.en-de"];
  const ProcessResult r = run_mtbench(file(dir, "newstest2017.ref.de") + " -i " +
                                      file(dir, "newstest2017.uedin-nmt.4722.en-de") + " -m ter chrf bleu -w 4");
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out.size(), 3u);  // sorted as sacreBLEU sorts: BLEU, chrF2, TER
  EXPECT_EQ(out[0]["name"], "BLEU");
  EXPECT_NEAR(out[0]["score"].get<double>(), g["bleu"]["score"].get<double>(), 5e-5);
  EXPECT_EQ(out[0]["signature"], g["bleu"]["signature"]);
  EXPECT_EQ(out[0]["verbose_score"], "59.9/34.0/21.8/14.4 (BP = 1.000 ratio = 1.026 hyp_len = 62873 ref_len = 61287)");
  EXPECT_EQ(out[0]["tok"], "13a");
  EXPECT_EQ(out[1]["name"], "chrF2");
  EXPECT_NEAR(out[1]["score"].get<double>(), g["chrf"]["score"].get<double>(), 5e-5);
  EXPECT_EQ(out[1]["signature"], g["chrf"]["signature"]);
  EXPECT_EQ(out[2]["name"], "TER");
  EXPECT_NEAR(out[2]["score"].get<double>(), g["ter"]["score"].get<double>(), 5e-5);
  EXPECT_EQ(out[2]["signature"], g["ter"]["signature"]);
  // sacreBLEU's exact layout: json.dumps(indent=1), default width 1.
  const ProcessResult one =
      run_mtbench(file(dir, "newstest2017.ref.de") + " -i " + file(dir, "newstest2017.uedin-nmt.4722.en-de"));
  EXPECT_EQ(one.out.substr(0, 38), "{\n \"name\": \"BLEU\",\n \"score\": 28.3,\n \"s");
}

TEST(ScoreCommand, TextOutputAndSacrebleuSingleDashOptions) {
  WMT17(dir);
  const auto g = golden("testdata/sacrebleu-2.6.0-wmt17.json")["systems"]["newstest2017.KIT.4950.en-de"];
  const ProcessResult r = run_mtbench(file(dir, "newstest2017.ref.de") + " -i " +
                                      file(dir, "newstest2017.KIT.4950.en-de") + " -m bleu -tok intl -lc -w 2 -f text");
  ASSERT_EQ(r.rc, 0) << r.err;
  // Golden configs bleu.tok-intl and bleu.lc separately; combined, check the signature shape.
  EXPECT_NE(r.out.find("BLEU|nrefs:1|case:lc|eff:no|tok:intl|smooth:exp|version:2.6.0 = "), std::string::npos) << r.out;
  const ProcessResult cf = run_mtbench(file(dir, "newstest2017.ref.de") + " -i " +
                                       file(dir, "newstest2017.KIT.4950.en-de") + " -m chrf -cw 2 -w 2 -f text -b");
  ASSERT_EQ(cf.rc, 0) << cf.err;
  const std::string want = g["chrf++"]["text"].get<std::string>();  // "chrF2++ = 55.01"
  EXPECT_EQ(cf.out, want.substr(want.find("= ") + 2) + "\n");
}

TEST(ScoreCommand, MultiReferenceMatchesSacrebleu) {
  WMT17(dir);
  const auto g = golden("testdata/sacrebleu-2.6.0-wmt17.json")["systems"]["newstest2017.KIT.4950.en-de"];
  const ProcessResult r =
      run_mtbench(file(dir, "newstest2017.ref.de") + " " + file(dir, "newstest2017.online-A.0.en-de") + " -i " +
                  file(dir, "newstest2017.KIT.4950.en-de") + " -w 4");
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  EXPECT_NEAR(out["score"].get<double>(), g["bleu.2refs"]["score"].get<double>(), 5e-5);
  EXPECT_EQ(out["signature"], g["bleu.2refs"]["signature"]);
}

TEST(ScoreCommand, PairedBootstrapJsonIsSacrebleus) {
  WMT17(dir);
  MTBENCH_REQUIRE_SHARED(sig, "testdata/sacrebleu-2.6.0-wmt17-significance-KIT.json");
  const auto rows = golden("testdata/sacrebleu-2.6.0-wmt17-significance-KIT.json")["tests"]["bs"]["rows"];
  const std::vector<std::string> systems = {"newstest2017.KIT.4950.en-de", "newstest2017.LMU-nmt-single.4893.en-de",
                                            "newstest2017.uedin-nmt.4722.en-de"};
  std::string args = file(dir, "newstest2017.ref.de") + " -m bleu chrf ter -pbs -i";
  for (const auto& s : systems) args += " " + file(dir, s);
  const ProcessResult r = run_mtbench(args);
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0]["system"], "Baseline: " + file(dir, systems[0]));
  for (std::size_t s = 0; s < systems.size(); ++s) {
    const auto& want = rows[s == 0 ? "Baseline: " + systems[0] : systems[s]];
    for (const char* metric : {"BLEU", "chrF2", "TER"}) {
      SCOPED_TRACE(systems[s] + " " + metric);
      const auto& got = out[s][metric];
      EXPECT_DOUBLE_EQ(got["score"].get<double>(), want[metric]["score"].get<double>());
      EXPECT_EQ(got["p_value"].is_null(), want[metric]["p_value"].is_null());
      if (!want[metric]["p_value"].is_null()) {
        EXPECT_DOUBLE_EQ(got["p_value"].get<double>(), want[metric]["p_value"].get<double>());
      }
      EXPECT_DOUBLE_EQ(got["mean"].get<double>(), want[metric]["mean"].get<double>());
      EXPECT_DOUBLE_EQ(got["ci"].get<double>(), want[metric]["ci"].get<double>());
    }
  }
  // The text table carries sacreBLEU's signatures with the test fields.
  const ProcessResult text = run_mtbench(args + " -f text");
  ASSERT_EQ(text.rc, 0) << text.err;
  EXPECT_NE(
      text.out.find(" - BLEU       nrefs:1|bs:1000|seed:12345|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"),
      std::string::npos)
      << text.out;
  EXPECT_NE(text.out.find("(p = 0.0160)*"), std::string::npos) << text.out;
}

TEST(ScoreCommand, AllPairsAndSegmentScores) {
  WMT17(dir);
  mtbench::testing::ScratchDir scratch;
  const std::string jsonl = (scratch / "segments.jsonl").string();
  const ProcessResult r =
      run_mtbench(file(dir, "newstest2017.ref.de") + " -m bleu chrf -pbs -pbsn 200 --all-pairs -i " +
                  file(dir, "newstest2017.KIT.4950.en-de") + " " + file(dir, "newstest2017.uedin-nmt.4722.en-de") +
                  " " + file(dir, "newstest2017.online-F.0.en-de") + " --segment-scores " + jsonl);
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto out = nlohmann::json::parse(r.out);
  const auto& p = out["metrics"]["BLEU"]["p_values"];
  ASSERT_EQ(p.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(p[i][i].is_null());
    for (int j = 0; j < 3; ++j)
      if (i != j) {
        EXPECT_DOUBLE_EQ(p[i][j].get<double>(), p[j][i].get<double>());
      }
  }
  EXPECT_LT(p[1][2].get<double>(), 0.01);  // uedin-nmt vs online-F: 28.3 vs 15.5 BLEU
  std::ifstream in(jsonl);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    EXPECT_TRUE(j.contains("BLEU") && j.contains("chrF2") && j.contains("segment"));
    ++lines;
  }
  EXPECT_EQ(lines, 3u * 3004u);
}

TEST(ScoreCommand, ErrorsAreOneLineAndNothingIsScored) {
  WMT17(dir);
  mtbench::testing::ScratchDir scratch;
  const auto short_file = scratch / "short.txt";
  std::ofstream(short_file) << "one line\ntwo lines\n";
  const auto bad_utf8 = scratch / "bad.txt";
  std::ofstream(bad_utf8) << "ok\n\xff\xfe broken\n";
  const std::string ref = file(dir, "newstest2017.ref.de");
  struct Case {
    std::string args, needle;
  };
  const std::vector<Case> cases = {
      {ref + " -i " + short_file.string(), "has 2 lines but reference"},
      {ref + " -i " + (scratch / "missing.txt").string(), "missing.txt"},
      {ref + " -i " + bad_utf8.string(), "bad.txt:2"},
      {ref + " -m meteor -i " + short_file.string(), "unknown metric 'meteor'"},
      {ref + " -tok klingon -i " + short_file.string(), "tokenizer 'klingon'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const ProcessResult r = run_mtbench(c.args);
    EXPECT_NE(r.rc, 0);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

}  // namespace

namespace {

// Bad numbers on the command line: one line naming the option, the usage exit status 2, never
// a crash, a NaN score or a C++ library message (vector::_M_default_append for -nr -2,
// "estimate_ci: no resampled scores" for -cin 0, a 309-digit bound for --threads -1).
TEST(ScoreCommand, BadNumbersAreOneLineUsageErrors) {
  mtbench::testing::ScratchDir scratch;
  const auto text = scratch / "a.txt";
  std::ofstream(text) << "a b c d\n";
  const std::string t = text.string();
  struct Case {
    std::string args, needle;
  };
  const std::vector<Case> cases = {
      {"-nr -2 " + t + " -i " + t, "--num-refs: must be an integer from 1 to 1000, got '-2'"},
      {"-ci -cin 0 " + t + " -i " + t, "--confidence-n: must be an integer from 1 to 1000000, got '0'"},
      {"-s add-k -sv nan " + t + " -i " + t, "--smooth-value: must be a finite number, got 'nan'"},
      {"-s floor -sv inf " + t + " -i " + t, "--smooth-value: must be a finite number, got 'inf'"},
      {"-pbs -pbsn 2000000000 " + t + " -i " + t + " " + t, "--paired-bs-n: must be an integer from 1 to 1000000"},
      {"-w 400 " + t + " -i " + t, "--width: must be an integer from 0 to 17"},
      {t + " -i " + t + " --no-such-option", "--no-such-option"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.args);
    const ProcessResult r = run_mtbench(c.args);
    EXPECT_EQ(r.rc, 2);
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find(c.needle), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.find("179769313486"), std::string::npos) << r.err;
  }
}

// Two 3 MB one-line files used to reach the scorer (and, larger, bad_alloc inside its OpenMP
// loop: exit 134); now the reader's line limit stops them with a clear message.
TEST(ScoreCommand, OverlongLinesAreRefusedByTheReader) {
  mtbench::testing::ScratchDir scratch;
  const auto big = scratch / "big.txt";
  std::ofstream(big) << std::string(3 << 20, 'x') << "\n";
  const ProcessResult r = run_mtbench(big.string() + " -i " + big.string());
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find("big.txt:1: line longer than 1048576 bytes"), std::string::npos) << r.err;
}

}  // namespace

namespace {

// `score` never loads LibTorch (it used to: 0.6-1.0 s of start-up for a one-line file); the
// neural systems come from their module only when a command uses one.
TEST(ScoreCommand, StartsWithoutLibTorch) {
  mtbench::testing::ScratchDir scratch;
  const auto text = scratch / "a.txt";
  std::ofstream(text) << "a b c d\n";
  const std::string debug = (scratch / "ld.txt").string();
  const std::string cmd = "LD_DEBUG=files LD_DEBUG_OUTPUT=" + debug + " " + std::string(MTBENCH_BINARY_DIR) +
                          "/mtbench score " + text.string() + " -i " + text.string() + " -b > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::string loaded;
  for (const auto& entry : std::filesystem::directory_iterator(scratch.path())) {
    if (entry.path().filename().string().rfind("ld.txt", 0) != 0) continue;
    std::ifstream in(entry.path());
    loaded.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_NE(loaded.find("libc.so"), std::string::npos) << "LD_DEBUG produced nothing";
  EXPECT_EQ(loaded.find("libtorch"), std::string::npos);
  EXPECT_EQ(loaded.find("libmtbench_neural"), std::string::npos);
}

}  // namespace

namespace {

// Issue 14: sacreBLEU's -t/-l with the offline mirror gives the JSON of the explicit reference
// file; --echo ref prints it; --list and bad names answer with the valid choices.
TEST(ScoreCommand, TestSetFromTheMirrorScoresLikeItsReferenceFile) {
  const auto dir = mtbench::testing::shared_dir() / "corpora" / "wmt17-en-de";
  if (!std::filesystem::exists(dir / "newstest2017.ref.de.gz")) GTEST_SKIP() << "no WMT17 data in " << dir;
  mtbench::testing::ScratchDir home;
  const std::string hyp = (dir / "newstest2017.KIT.4950.en-de.gz").string();
  const std::string ref = (dir / "newstest2017.ref.de.gz").string();
  auto with_env = [&](const std::string& args) {
    setenv("MTBENCH_HOME", (home / "h").c_str(), 1);
    setenv("MTBENCH_DATA_MIRROR", (mtbench::testing::shared_dir() / "corpora").c_str(), 1);
    auto r = run_mtbench(args);
    unsetenv("MTBENCH_HOME");
    unsetenv("MTBENCH_DATA_MIRROR");
    return r;
  };
  const auto by_set = with_env("-t wmt17 -l en-de -i " + hyp + " -m bleu chrf ter");
  const auto by_file = run_mtbench(ref + " -i " + hyp + " -m bleu chrf ter");
  ASSERT_EQ(by_set.rc, 0) << by_set.err;
  ASSERT_EQ(by_file.rc, 0) << by_file.err;
  EXPECT_EQ(by_set.out, by_file.out);
  EXPECT_NE(by_set.out.find("\"score\": 26.1"), std::string::npos) << by_set.out;
  const auto echo = with_env("-t wmt17 -l en-de --echo ref");
  ASSERT_EQ(echo.rc, 0) << echo.err;
  EXPECT_EQ(echo.out.rfind("28-jähriger Koch in San Francisco Mall tot aufgefunden\n", 0), 0u);
  EXPECT_EQ(std::count(echo.out.begin(), echo.out.end(), '\n'), 3004);
  const auto list = run_mtbench("--list");
  EXPECT_EQ(list.rc, 0);
  EXPECT_NE(list.out.find("wmt17: Official evaluation data for WMT17"), std::string::npos) << list.out;
  EXPECT_NE(run_mtbench("-t wmt17 --list").out.find("en-de"), std::string::npos);
  const auto bad_set = run_mtbench("-t wmt71 -l en-de -i " + hyp);
  EXPECT_EQ(bad_set.rc, 1);
  EXPECT_NE(bad_set.err.find("unknown test set 'wmt71'; valid: wmt22, wmt21"), std::string::npos) << bad_set.err;
  const auto bad_pair = run_mtbench("-t wmt17 -l en-xx -i " + hyp);
  EXPECT_NE(bad_pair.err.find("has no language pair 'en-xx'; it has: cs-en"), std::string::npos) << bad_pair.err;
  const auto no_origlang = with_env("-t wmt17 -l en-de --origlang en -i " + hyp);
  EXPECT_NE(no_origlang.err.find("no original-language information"), std::string::npos) << no_origlang.err;
}

}  // namespace
