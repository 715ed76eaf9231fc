// `mtbench corpus` end to end: the built binary is run with MTBENCH_HOME pointing into a
// scratch directory and the shared corpora as the mirror.

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"

namespace mtbench {
namespace {

// Exit status, standard output and standard error of one command.
struct CommandRun {
  int status = -1;  // exit status (-1 when it did not exit normally)
  std::string out;  // standard output
  std::string err;  // standard error
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  return "'" + s + "'";
}

class CorpusCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto val = testing::shared_file("corpora/multi30k/val.de.gz");
    if (val.empty()) GTEST_SKIP() << "shared test data not found: corpora/multi30k (set MTBENCH_SHARED_DIR)";
    mirror_file_dir_ = val.parent_path();
  }

  // Runs `mtbench ARGS` with the given environment assignments ("NAME=value ...").
  CommandRun mtbench(const std::string& args, const std::string& env = "") {
    const auto err_path = scratch_ / "stderr.txt";
    const std::string command =
        "env -u MTBENCH_DATA_MIRROR -u MTBENCH_DATA_URL MTBENCH_HOME=" + quote((scratch_ / "home").string()) + " " +
        env + " " + quote(std::string(MTBENCH_BINARY_DIR) + "/mtbench") + " " + args + " 2>" + quote(err_path.string());
    CommandRun run;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) run.out.append(buffer, n);
    const int status = ::pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.err = slurp(err_path);
    return run;
  }
  std::string mirror_env() const { return "MTBENCH_DATA_MIRROR=" + quote(mirror_file_dir_.parent_path().string()); }
  std::filesystem::path cache() const { return scratch_ / "home" / "datasets" / "multi30k"; }
  std::string shared(const std::string& name) const { return quote((mirror_file_dir_ / name).string()); }

  testing::ScratchDir scratch_;
  std::filesystem::path mirror_file_dir_;  // ../shared/corpora/multi30k
};

std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

TEST_F(CorpusCommandTest, GetWithMirrorFillsCacheAndListShowsIt) {
  const CommandRun get = mtbench("corpus get multi30k", mirror_env());
  ASSERT_EQ(get.status, 0) << get.out << get.err;
  EXPECT_NE(get.out.find("12 files verified"), std::string::npos) << get.out;
  EXPECT_EQ(listing(cache()).size(), 12u);
  for (const char* name : {"train.cs.gz", "val.fr.gz", "test_2016_flickr.de.gz"}) {
    EXPECT_TRUE(std::filesystem::exists(cache() / name)) << name;
  }
  const CommandRun again = mtbench("corpus get multi30k --split val --lang de");  // no mirror needed now
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_NE(again.out.find("1 already cached"), std::string::npos) << again.out;
  const CommandRun path = mtbench("corpus path multi30k test_2016_flickr fr");
  ASSERT_EQ(path.status, 0) << path.err;
  EXPECT_EQ(path.out, (cache() / "test_2016_flickr.fr.gz").string() + "\n");

  const CommandRun list = mtbench("corpus list");
  ASSERT_EQ(list.status, 0) << list.err;
  EXPECT_NE(list.out.find("12 of 22 files cached"), std::string::npos) << list.out;
  const CommandRun json = mtbench("corpus list --json");
  ASSERT_EQ(json.status, 0) << json.err;
  const auto parsed = nlohmann::json::parse(json.out);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["name"], "multi30k");
  int valid = 0;
  for (const auto& file : parsed[0]["files"]) valid += file["cache"] == "valid";
  EXPECT_EQ(valid, 12);
  EXPECT_EQ(parsed[0]["files"].size(), 22u);
}

TEST_F(CorpusCommandTest, CorruptedMirrorFileIsRejected) {
  const auto mirror = scratch_ / "mirror" / "multi30k";
  std::filesystem::create_directories(mirror);
  for (const char* name : {"val.de.gz", "val.en.gz"})
    std::filesystem::copy_file(mirror_file_dir_ / name, mirror / name);
  {
    std::fstream f(mirror / "val.en.gz", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(300);
    f.put('\x7f');
  }
  const CommandRun run =
      mtbench("corpus get multi30k --split val --lang de --lang en --mirror " + quote((scratch_ / "mirror").string()));
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.err.rfind("mtbench: error: ", 0), 0u) << run.err;
  EXPECT_NE(run.err.find("checksum mismatch"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("val.en.gz"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28"), std::string::npos);
  EXPECT_EQ(listing(cache()), std::vector<std::string>{"val.de.gz"});  // the intact file only, no temporary
}

TEST_F(CorpusCommandTest, MissingSplitInMirrorIsAClearError) {
  const CommandRun run = mtbench("corpus get multi30k --split test_2017_flickr --lang de", mirror_env());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("test_2017_flickr (de) is not in the mirror"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find((mirror_file_dir_ / "test_2017_flickr.de.gz").string()), std::string::npos) << run.err;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
}

TEST_F(CorpusCommandTest, UnknownDatasetSplitAndLanguageListValidNames) {
  CommandRun run = mtbench("corpus get multi31k");
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("(datasets: multi30k"), std::string::npos) << run.err;
  run = mtbench("corpus get multi30k --split dev", mirror_env());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("test_2016_flickr"), std::string::npos) << run.err;
  run = mtbench("corpus get multi30k --split test_2017_mscoco --lang cs", mirror_env());
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("de, en, fr"), std::string::npos) << run.err;
}

TEST_F(CorpusCommandTest, InfoOnGoodFiles) {
  CommandRun run = mtbench("corpus info " + shared("val.de.gz") + " " + shared("val.en.gz"));
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("11567"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("1.0519"), std::string::npos) << run.out;
  run = mtbench("corpus info --json " + shared("val.de.gz") + " " + shared("val.en.gz"));
  ASSERT_EQ(run.status, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["source"]["segments"], 1014);
  EXPECT_EQ(json["source"]["types"], 2739);
  EXPECT_EQ(json["target"]["tokens"], 12167);
  EXPECT_EQ(json["target"]["length"]["max"], 27);
}

TEST_F(CorpusCommandTest, InfoOnRegisteredDatasetWithMosesTokens) {
  const CommandRun run =
      mtbench("corpus info --corpus multi30k --pair de-en --split val --tokenize --json", mirror_env());
  ASSERT_EQ(run.status, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["tokenization"], "moses");
  EXPECT_EQ(json["source"]["segments"], 1014);
  EXPECT_EQ(json["source"]["name"], (cache() / "val.de.gz").string());
  EXPECT_EQ(json["target"]["name"], (cache() / "val.en.gz").string());
  // Moses splits punctuation off words: more tokens, fewer types than whitespace splitting
  // (11567 tokens / 2739 types and 12167 / 2389, see InfoOnGoodFiles).
  EXPECT_GT(json["source"]["tokens"].get<int>(), 11567);
  EXPECT_LT(json["source"]["types"].get<int>(), 2739);
  EXPECT_GT(json["target"]["tokens"].get<int>(), 12167);
  EXPECT_LT(json["target"]["types"].get<int>(), 2389);
  EXPECT_EQ(json["source"]["characters"], 73692);  // characters do not depend on tokenization
}

TEST_F(CorpusCommandTest, InfoOnTsvWithCrlfAndNoFinalNewline) {
  std::ofstream(scratch_ / "pairs.tsv", std::ios::binary) << "ein Hund\ta dog\r\nzwei Katzen hier\ttwo cats";
  const CommandRun run = mtbench("corpus info --json --tsv " + quote((scratch_ / "pairs.tsv").string()));
  ASSERT_EQ(run.status, 0) << run.err;
  const auto json = nlohmann::json::parse(run.out);
  EXPECT_EQ(json["source"]["segments"], 2);
  EXPECT_EQ(json["source"]["tokens"], 5);
  EXPECT_EQ(json["target"]["tokens"], 4);
  EXPECT_EQ(json["target"]["types"], 4);  // "cats", not "cats\r"
}

TEST_F(CorpusCommandTest, InfoRejectsMismatchedLineCounts) {
  const CommandRun run = mtbench("corpus info " + shared("val.de.gz") + " " + shared("test_2016_flickr.en.gz"));
  EXPECT_EQ(run.status, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err.rfind("mtbench: error: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_NE(run.err.find((mirror_file_dir_ / "val.de.gz").string() + " has 1014 lines"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find((mirror_file_dir_ / "test_2016_flickr.en.gz").string() + " has 1000 lines"), std::string::npos)
      << run.err;
}

TEST_F(CorpusCommandTest, InfoRejectsInvalidUtf8NamingFileAndLine) {
  std::ofstream(scratch_ / "src.txt") << "ein Hund\nzwei Hunde\ndrei\n";
  std::ofstream(scratch_ / "tgt.txt") << "a dog\ntwo dogs\nthr\xe9"
                                         "e\n";  // Latin-1 é
  const CommandRun run =
      mtbench("corpus info " + quote((scratch_ / "src.txt").string()) + " " + quote((scratch_ / "tgt.txt").string()));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find((scratch_ / "tgt.txt").string() + ":3: invalid UTF-8"), std::string::npos) << run.err;
}

TEST_F(CorpusCommandTest, InfoNeedsExactlyOneInput) {
  EXPECT_EQ(mtbench("corpus info " + shared("val.de.gz")).status, 1);
  const CommandRun run = mtbench("corpus info " + quote((scratch_ / "nope.de").string()) + " " + shared("val.en.gz"));
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.err.find("nope.de"), std::string::npos) << run.err;
}

TEST_F(CorpusCommandTest, HelpOfEachSubcommandStandsAlone) {
  for (const char* sub : {"list", "get", "path", "info"}) {
    const CommandRun run = mtbench(std::string("corpus ") + sub + " --help");
    EXPECT_EQ(run.status, 0) << sub << run.err;
    EXPECT_NE(run.out.find("Usage: mtbench corpus " + std::string(sub)), std::string::npos) << run.out;
    if (std::string(sub) == "get") {
      EXPECT_NE(run.out.find("MTBENCH_DATA_MIRROR"), std::string::npos) << run.out;
    }
    if (std::string(sub) == "info") {
      EXPECT_NE(run.out.find("--tsv"), std::string::npos) << run.out;
    }
  }
}

}  // namespace
}  // namespace mtbench
