#include "corpus/parallel.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using Lines = std::vector<std::string>;

template <typename F>
std::string data_error_of(F&& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  return "(no DataError)";
}

TEST(Parallel, LoadsAlignedFiles) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "s.de", "Hallo Welt\n\nEin Hund\n");
  write_file_atomic(dir / "t.en", "Hello world\r\n\r\nA dog");  // CRLF, no final newline
  const ParallelCorpus c = load_parallel(dir / "s.de", dir / "t.en");
  EXPECT_EQ(c.size(), 3u);
  EXPECT_EQ(c.source, (Lines{"Hallo Welt", "", "Ein Hund"}));
  EXPECT_EQ(c.target, (Lines{"Hello world", "", "A dog"}));
  EXPECT_EQ(c.source_name, (dir / "s.de").string());
  const ParallelCorpus first = head(c, 2);
  EXPECT_EQ(first.size(), 2u);
  EXPECT_EQ(first.target.back(), "");
  EXPECT_EQ(head(c, 10).size(), 3u);
  EXPECT_TRUE(head(c, 0).empty());
}

TEST(Parallel, LineCountMismatchNamesBothFilesAndCounts) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "src.txt", "a\nb\nc\n");
  write_file_atomic(dir / "tgt.txt", "a\nb\n");
  const std::string message = data_error_of([&] { load_parallel(dir / "src.txt", dir / "tgt.txt"); });
  EXPECT_NE(message.find("src.txt has 3 lines"), std::string::npos) << message;
  EXPECT_NE(message.find("tgt.txt has 2 lines"), std::string::npos) << message;
}

TEST(Parallel, InvalidUtf8AndMissingFiles) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "ok.txt", "a\nb\n");
  write_file_atomic(dir / "bad.txt", "a\n\xE9t\xE9\n");  // Latin-1, not UTF-8
  EXPECT_NE(data_error_of([&] { load_parallel(dir / "ok.txt", dir / "bad.txt"); }).find("bad.txt:2:"),
            std::string::npos);
  EXPECT_THROW(load_parallel(dir / "ok.txt", dir / "missing.txt"), Error);
}

TEST(Parallel, TsvColumns) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "c.tsv", "id1\tHallo\tHello\n\tleer\t\nid3\tEnde\tEnd\textra\n");
  const ParallelCorpus c = load_parallel_tsv(dir / "c.tsv", 1, 2);
  EXPECT_EQ(c.source, (Lines{"Hallo", "leer", "Ende"}));
  EXPECT_EQ(c.target, (Lines{"Hello", "", "End"}));
  EXPECT_EQ(c.source_name, (dir / "c.tsv").string() + "#1");
  const ParallelCorpus swapped = load_parallel_tsv(dir / "c.tsv", 2, 0);
  EXPECT_EQ(swapped.source[0], "Hello");
  EXPECT_EQ(swapped.target[0], "id1");
}

TEST(Parallel, TsvShortRowNamesFileLineAndColumns) {
  ::mtbench::testing::ScratchDir dir;
  write_file_atomic(dir / "short.tsv", "a\tb\nonly one column\nc\td\n");
  const std::string message = data_error_of([&] { load_parallel_tsv(dir / "short.tsv"); });
  EXPECT_NE(message.find("short.tsv:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("at least 2"), std::string::npos) << message;
  EXPECT_NE(message.find("found 1"), std::string::npos) << message;
}

}  // namespace
}  // namespace mtbench
