// `mtbench lm` as a process: build writes ARPA (streamed) and the binary model, query reads
// either and prints the same KenLM summary; bad input is one line and a non-zero exit.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace mtbench
