#include "base/text_file.h"

#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;

using Lines = std::vector<std::string>;
namespace fs = std::filesystem;

void write_raw(const fs::path& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

void write_gzip(const fs::path& path, const std::string& bytes, const char* mode = "wb") {
  gzFile f = gzopen(path.c_str(), mode);
  ASSERT_NE(f, nullptr);
  gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(f);
}

std::string read_file_raw_for_test(const fs::path& path) {
  std::string bytes;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return bytes;
  char buffer[4096];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0) bytes.append(buffer, n);
  std::fclose(f);
  return bytes;
}

TEST(TextFile, PlainAndGzipReadTheSame) {
  ::mtbench::testing::ScratchDir dir;
  const std::string content = "first line\nzweite Zeile: Grüße\n\nlast";
  write_raw(dir / "a.txt", content);
  write_gzip(dir / "a.txt.gz", content);
  write_gzip(dir / "no-suffix", content);  // detected by content, not by name
  const Lines expected = {"first line", "zweite Zeile: Grüße", "", "last"};
  EXPECT_EQ(read_lines(dir / "a.txt"), expected);
  EXPECT_EQ(read_lines(dir / "a.txt.gz"), expected);
  EXPECT_EQ(read_lines(dir / "no-suffix"), expected);
  EXPECT_EQ(read_file(dir / "a.txt.gz"), content);
}

TEST(TextFile, ConcatenatedGzipMembers) {
  ::mtbench::testing::ScratchDir dir;
  write_gzip(dir / "c.gz", "a\nb\n");
  write_gzip(dir / "c.gz", "c\n", "ab");  // appends a second member
  EXPECT_EQ(read_lines(dir / "c.gz"), (Lines{"a", "b", "c"}));
}

TEST(TextFile, LineEndings) {
  ::mtbench::testing::ScratchDir dir;
  write_raw(dir / "crlf.txt", "one\r\ntwo\r\n\r\nfour");
  EXPECT_EQ(read_lines(dir / "crlf.txt"), (Lines{"one", "two", "", "four"}));
  ReadOptions keep;
  keep.strip_cr = false;
  EXPECT_EQ(read_lines(dir / "crlf.txt", keep), (Lines{"one\r", "two\r", "\r", "four"}));
  write_raw(dir / "empty.txt", "");
  EXPECT_TRUE(read_lines(dir / "empty.txt").empty());
  write_raw(dir / "newline.txt", "\n");
  EXPECT_EQ(read_lines(dir / "newline.txt"), (Lines{""}));
  write_raw(dir / "blank.txt", "\n\n\n");
  EXPECT_EQ(read_lines(dir / "blank.txt").size(), 3u);  // empty lines are kept, never skipped
}

TEST(TextFile, ForEachLineCountsFromOne) {
  ::mtbench::testing::ScratchDir dir;
  write_raw(dir / "n.txt", "a\nb\nc\n");
  std::vector<std::size_t> numbers;
  for_each_line(dir / "n.txt", [&](std::string_view, std::size_t n) { numbers.push_back(n); });
  EXPECT_EQ(numbers, (std::vector<std::size_t>{1, 2, 3}));
}

TEST(TextFile, InvalidUtf8NamesFileAndLine) {
  ::mtbench::testing::ScratchDir dir;
  write_raw(dir / "bad.txt", "good\nalso good\nbad \xFF here\n");
  const std::string message = error_of([&] { read_lines(dir / "bad.txt"); });
  EXPECT_NE(message.find("bad.txt:3:"), std::string::npos) << message;
  EXPECT_NE(message.find("0xff"), std::string::npos) << message;
  EXPECT_THROW(read_lines(dir / "bad.txt"), DataError);
  write_gzip(dir / "bad.gz", "x\n\xC0\xAF\n");
  EXPECT_NE(error_of([&] { read_lines(dir / "bad.gz"); }).find("bad.gz:2:"), std::string::npos);
  ReadOptions lenient;
  lenient.validate_utf8 = false;
  EXPECT_EQ(read_lines(dir / "bad.txt", lenient).size(), 3u);
}

TEST(TextFile, MissingFileAndDirectory) {
  ::mtbench::testing::ScratchDir dir;
  const std::string missing = error_of([&] { read_lines(dir / "nope.txt"); });
  EXPECT_NE(missing.find("not found"), std::string::npos) << missing;
  EXPECT_NE(missing.find("nope.txt"), std::string::npos) << missing;
  const std::string directory = error_of([&] { read_lines(dir.path()); });
  EXPECT_NE(directory.find("directory"), std::string::npos) << directory;
}

TEST(TextFile, TruncatedGzipIsAnError) {
  ::mtbench::testing::ScratchDir dir;
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "line " + std::to_string(i * 7919 % 10007) + "\n";
  write_gzip(dir / "full.gz", big);
  const std::string bytes = read_file_raw_for_test(dir / "full.gz");
  write_raw(dir / "cut.gz", bytes.substr(0, bytes.size() / 2));
  const std::string message = error_of([&] { read_lines(dir / "cut.gz"); });  // never silently truncated
  EXPECT_NE(message.find("cut.gz: truncated gzip"), std::string::npos) << message;
  EXPECT_THROW(read_lines(dir / "cut.gz"), DataError);
}

TEST(TextFile, WriteFileAtomicReplacesAndLeavesNoTemporary) {
  ::mtbench::testing::ScratchDir dir;
  const fs::path target = dir / "sub" / "dir" / "out.txt";  // parent directories are created
  write_file_atomic(target, "old content that is longer\n");
  write_file_atomic(target, "new\n");
  EXPECT_EQ(read_file(target), "new\n");
  write_lines_atomic(target, {"a", "", "b"});
  EXPECT_EQ(read_file(target), "a\n\nb\n");
  std::size_t entries = 0;
  for (const auto& entry : fs::directory_iterator(target.parent_path())) {
    ++entries;
    EXPECT_EQ(entry.path().filename(), "out.txt");
  }
  EXPECT_EQ(entries, 1u);
  // A temporary path is unique and next to its target (same filesystem: rename is atomic).
  const fs::path t1 = temp_path_for(target), t2 = temp_path_for(target);
  EXPECT_NE(t1, t2);
  EXPECT_EQ(t1.parent_path(), target.parent_path());
}

TEST(TextFile, WriteFileAtomicFailureKeepsOldContent) {
  ::mtbench::testing::ScratchDir dir;
  fs::create_directories(dir / "target-is-dir");
  write_raw(dir / "target-is-dir" / "keep", "x");
  EXPECT_THROW(write_file_atomic(dir / "target-is-dir", "data"), Error);
  EXPECT_EQ(read_file(dir / "target-is-dir" / "keep"), "x");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++entries;
  EXPECT_EQ(entries, 1u);  // the temporary file was removed
}

}  // namespace
}  // namespace mtbench

namespace mtbench {
namespace {

// Lines are assembled across the reader's 64 KB chunks exactly as they were written.
TEST(TextFileStreaming, LinesSpanningChunkBoundariesAreIntact) {
  testing::ScratchDir dir;
  std::vector<std::string> lines;
  std::string bytes;
  for (int i = 0; i < 400; ++i) {
    lines.push_back(std::string(static_cast<std::size_t>((i * 7919) % 3000), static_cast<char>('a' + i % 26)));
    bytes += lines.back() + (i % 3 == 0 ? "\r\n" : "\n");
  }
  write_gzip(dir / "lines.gz", bytes);
  EXPECT_EQ(read_lines(dir / "lines.gz"), lines);
}

// A gzip bomb (here 1,000 empty lines from a few bytes) stops at the line limit with a clear
// error instead of filling memory (300 million lines took 4.6 GB, then bad_alloc).
TEST(TextFileStreaming, LineCountLimitStopsAGzipBomb) {
  testing::ScratchDir dir;
  write_gzip(dir / "bomb.gz", std::string(1000, '\n'));
  ReadOptions options;
  options.max_lines = 100;
  try {
    read_lines(dir / "bomb.gz", options);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bomb.gz: more than 100 lines"), std::string::npos) << e.what();
  }
  options.max_lines = 1000;
  EXPECT_EQ(read_lines(dir / "bomb.gz", options).size(), 1000u);
}

TEST(TextFileStreaming, LineLengthLimitNamesFileAndLine) {
  testing::ScratchDir dir;
  write_raw(dir / "long.txt", "short\n" + std::string(100000, 'x') + "\nend\n");
  ReadOptions options;
  options.max_line_bytes = 50000;
  try {
    read_lines(dir / "long.txt", options);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("long.txt:2: line longer than 50000 bytes"), std::string::npos) << e.what();
  }
  options.max_line_bytes = 100000;
  EXPECT_EQ(read_lines(dir / "long.txt", options).size(), 3u);
  EXPECT_EQ(ReadOptions().max_line_bytes, std::size_t{1} << 20);  // the documented default
}

// A save killed between writing the temporary file and renaming it leaves .NAME.tmp-PID-*;
// the next save of NAME removes those of processes that are gone, and no others.
TEST(AtomicWrite, RemovesStaleTemporaryFilesOfDeadProcessesOnly) {
  testing::ScratchDir dir;
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);  // a process id that no longer runs
  const auto dead = dir / (".lexicon.bin.tmp-" + std::to_string(child) + "-0-ab");
  const auto alive = dir / ".lexicon.bin.tmp-1-0-ab";  // init always runs
  const auto mine = dir / (".lexicon.bin.tmp-" + std::to_string(getpid()) + "-99-ab");
  const auto other = dir / (".other.bin.tmp-" + std::to_string(child) + "-0-ab");
  for (const auto& p : {dead, alive, mine, other}) write_raw(p, "partial");
  write_file_atomic(dir / "lexicon.bin", "complete");
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  EXPECT_TRUE(fs::exists(mine));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_EQ(read_file(dir / "lexicon.bin"), "complete");
}

// The reason of a failed rename is printed, not "Success" (the error code used to be reused
// by the clean-up before the message was formatted).
TEST(AtomicWrite, FailedRenameNamesTheSystemError) {
  testing::ScratchDir dir;
  write_raw(dir / "full", "");
  fs::remove(dir / "full");
  fs::create_directories(dir / "full" / "child");  // a non-empty directory cannot be replaced by a file
  try {
    write_file_atomic(dir / "full", "x");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot move temporary file into place"), std::string::npos) << what;
    EXPECT_EQ(what.find("Success"), std::string::npos) << what;
  }
}

}  // namespace
}  // namespace mtbench

namespace mtbench {
namespace {

TEST(AtomicWrite, CopyFileAtomicCopiesIntoNewDirectoriesAndSkipsTheSameFile) {
  testing::ScratchDir dir;
  write_file_atomic(dir / "a.bin", std::string("x\0y", 3));
  copy_file_atomic(dir / "a.bin", dir / "sub/dir/b.bin");
  EXPECT_EQ(read_file(dir / "sub/dir/b.bin"), std::string("x\0y", 3));
  copy_file_atomic(dir / "a.bin", dir / "a.bin");  // the same file: nothing to do
  EXPECT_EQ(read_file(dir / "a.bin"), std::string("x\0y", 3));
  EXPECT_THROW(copy_file_atomic(dir / "missing.bin", dir / "c.bin"), Error);
  EXPECT_FALSE(std::filesystem::exists(dir / "c.bin"));
}

}  // namespace
}  // namespace mtbench
