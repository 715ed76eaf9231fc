// `mtbench lm` as a process: build writes ARPA (streamed) and the binary model, query reads
// either and prints the same KenLM summary; bad input is one line and a non-zero exit.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

TEST(LmCommand, BinaryModelQueriesLikeItsArpa) {
  testing::ScratchDir dir;
  write_lines_atomic(dir / "train.txt", {"a b c d", "b c d", "c d", "d", "a c", "a d", "b d", "c d", "a b d"});
  write_lines_atomic(dir / "test.txt", {"a b c", "d c b a", "a z d"});
  const auto build = testing::run_mtbench("-q lm build --order 3 --discount-fallback -i '" +
                                              (dir / "train.txt").string() + "' --arpa '" + (dir / "lm.arpa").string() +
                                              "' --binary '" + (dir / "lm.bin").string() + "'",
                                          dir.path());
  ASSERT_EQ(build.status, 0) << build.err;
  EXPECT_THAT(read_file(dir / "lm.arpa"), HasSubstr("\\3-grams:"));
  const auto from_arpa = testing::run_mtbench(
      "-q lm query '" + (dir / "lm.arpa").string() + "' --sentences -i '" + (dir / "test.txt").string() + "'",
      dir.path());
  const auto from_binary = testing::run_mtbench(
      "-q lm query '" + (dir / "lm.bin").string() + "' --sentences -i '" + (dir / "test.txt").string() + "'",
      dir.path());
  ASSERT_EQ(from_arpa.status, 0) << from_arpa.err;
  ASSERT_EQ(from_binary.status, 0) << from_binary.err;
  EXPECT_THAT(from_binary.out, HasSubstr("Perplexity including OOVs:"));
  EXPECT_THAT(from_binary.out, HasSubstr("OOVs:\t1\n"));
  EXPECT_EQ(from_binary.out, from_arpa.out);
  // A damaged binary model is one clear line, not a crash.
  std::string bad = read_file(dir / "lm.bin");
  bad.resize(bad.size() - 5);
  write_file_atomic(dir / "bad.bin", bad);
  const auto broken = testing::run_mtbench(
      "-q lm query '" + (dir / "bad.bin").string() + "' -i '" + (dir / "test.txt").string() + "'", dir.path());
  EXPECT_NE(broken.status, 0);
  EXPECT_THAT(broken.err, HasSubstr("corrupt binary language model"));
}

TEST(LmCommand, MemoryBudgetGivesTheSameArpa) {
  testing::ScratchDir dir;
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) lines.push_back(fmt::format("w{} w{} w{} w{}", i % 7, i % 13, (i * 7) % 29, i % 5));
  write_lines_atomic(dir / "train.txt", lines);
  const std::string train = (dir / "train.txt").string();
  const auto plain = testing::run_mtbench(
      "-q lm build --order 4 --discount-fallback -i '" + train + "' --arpa '" + (dir / "a.arpa").string() + "'",
      dir.path());
  ASSERT_EQ(plain.status, 0) << plain.err;
  std::filesystem::create_directories(dir / "sort");
  const auto budget =
      testing::run_mtbench("lm build --order 4 --discount-fallback -i '" + train + "' --arpa '" +
                               (dir / "b.arpa").string() + "' --memory 1M --temp-dir '" + (dir / "sort").string() + "'",
                           dir.path());
  ASSERT_EQ(budget.status, 0) << budget.err;
  EXPECT_THAT(budget.err, HasSubstr("[count n-grams] done"));
  EXPECT_THAT(budget.err, HasSubstr("Unigram tokens 12000 types 32"));  // the statistics lmplz prints
  EXPECT_EQ(read_file(dir / "b.arpa"), read_file(dir / "a.arpa"));
  EXPECT_TRUE(std::filesystem::is_empty(dir / "sort"));
  // Bad sizes and a --temp-dir that would be ignored are one-line errors.
  for (const std::string& bad :
       std::vector<std::string>{"--memory 0", "--memory lots", "--temp-dir '" + (dir / "sort").string() + "'"}) {
    const auto r = testing::run_mtbench("-q lm build --order 4 --discount-fallback -i '" + train + "' --arpa '" +
                                            (dir / "c.arpa").string() + "' " + bad,
                                        dir.path());
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_THAT(r.err, ::testing::AnyOf(HasSubstr("--memory"), HasSubstr("--temp-dir"))) << bad;
  }
}

}  // namespace
}  // namespace mtbench
