// `mtbench align` as a process: Pharaoh output to a file or standard output, each side
// streamed in as word ids; mismatched or malformed input is one line naming the file and a
// non-zero exit, and leaves no output file behind.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

// Four nouns, each with two determiners: every word co-occurs with its translation more
// often than with anything else, so EM aligns them monotonically.
void write_corpus(const testing::ScratchDir& dir) {
  std::vector<std::string> de, en;
  for (const char* det : {"das", "ein"}) {
    for (const auto& [noun_de, noun_en] : std::vector<std::pair<std::string, std::string>>{
             {"Haus", "house"}, {"Buch", "book"}, {"Auto", "car"}, {"Boot", "boat"}}) {
      de.push_back(std::string(det) + " " + noun_de);
      en.push_back(std::string(det[0] == 'd' ? "the" : "a") + " " + noun_en);
    }
  }
  write_lines_atomic(dir / "de.txt", de);
  write_lines_atomic(dir / "en.txt", en);
}

TEST(AlignCommand, WritesOneMonotoneAlignmentPerLineToFileOrStdout) {
  testing::ScratchDir dir;
  write_corpus(dir);
  const std::string sides = "-s " + testing::q(dir / "de.txt") + " -t " + testing::q(dir / "en.txt");
  for (const std::string direction : {"forward", "reverse", "both"}) {
    SCOPED_TRACE(direction);
    const auto to_file = testing::run_mtbench(
        "-q align " + sides + " --direction " + direction + " -o " + testing::q(dir / "out.align"), dir.path());
    ASSERT_EQ(to_file.status, 0) << to_file.err;
    EXPECT_EQ(to_file.out, "");
    const auto lines = read_lines(dir / "out.align");
    ASSERT_EQ(lines.size(), 8u);
    for (const auto& line : lines) EXPECT_EQ(line, "0-0 1-1");
    const auto to_stdout = testing::run_mtbench("-q align " + sides + " --direction " + direction, dir.path());
    ASSERT_EQ(to_stdout.status, 0) << to_stdout.err;
    EXPECT_EQ(to_stdout.out, read_file(dir / "out.align"));
  }
}

TEST(AlignCommand, MismatchedOrMalformedInputNamesTheFileAndWritesNothing) {
  testing::ScratchDir dir;
  write_corpus(dir);
  write_lines_atomic(dir / "short.txt", {"the house", "the book"});
  const auto mismatch = testing::run_mtbench("-q align -s " + testing::q(dir / "de.txt") + " -t " +
                                                 testing::q(dir / "short.txt") + " -o " + testing::q(dir / "out.align"),
                                             dir.path());
  EXPECT_NE(mismatch.status, 0);
  EXPECT_THAT(mismatch.err, HasSubstr("line counts differ"));
  EXPECT_THAT(mismatch.err, HasSubstr("de.txt has 8 lines"));
  EXPECT_THAT(mismatch.err, HasSubstr("short.txt has 2 lines"));
  EXPECT_FALSE(path_exists(dir / "out.align"));

  write_file_atomic(dir / "bad.txt", "the house\nthe \xff book\n");
  write_lines_atomic(dir / "two.txt", {"das Haus", "das Buch"});
  const auto bad = testing::run_mtbench("-q align -s " + testing::q(dir / "two.txt") + " -t " +
                                            testing::q(dir / "bad.txt") + " -o " + testing::q(dir / "out.align"),
                                        dir.path());
  EXPECT_NE(bad.status, 0);
  EXPECT_THAT(bad.err, HasSubstr("bad.txt:2: invalid UTF-8"));
  EXPECT_FALSE(path_exists(dir / "out.align"));

  const auto missing = testing::run_mtbench(
      "-q align -s " + testing::q(dir / "absent.txt") + " -t " + testing::q(dir / "en.txt"), dir.path());
  EXPECT_NE(missing.status, 0);
  EXPECT_THAT(missing.err, HasSubstr("absent.txt"));
}

}  // namespace
}  // namespace mtbench
