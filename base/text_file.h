#pragma once
// Reading and writing line-oriented text: plain or gzip (detected by content), CRLF and a
// missing final newline accepted, UTF-8 validated. Writes are atomic (temp file + rename).

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench {

// Options for read_lines.
struct ReadOptions {
  bool validate_utf8 = true;                            // throw DataError naming file and line on malformed UTF-8
  bool strip_cr = true;                                 // drop a trailing '\r' (CRLF files)
  std::size_t max_line_bytes = max_line_bytes_limit();  // longer line: DataError (a sentence, not a file)
  std::size_t max_lines = max_lines_limit();            // more lines: DataError (a gzip bomb, a binary file)

  // Defaults: MTBENCH_MAX_LINE_BYTES (1 MiB) and MTBENCH_MAX_LINES (50 million) when set.
  static std::size_t max_line_bytes_limit();
  static std::size_t max_lines_limit();
};

// Reads all lines of `path` ("-" is standard input); gzip is detected by its magic bytes.
// Throws Error if the file is missing or unreadable, DataError on invalid UTF-8.
std::vector<std::string> read_lines(const std::filesystem::path& path, const ReadOptions& options = {});

// Streams lines to `callback(line, line_number)` (1-based) without holding the file in memory.
void for_each_line(const std::filesystem::path& path,
                   const std::function<void(std::string_view, std::size_t)>& callback, const ReadOptions& options = {});

// Reads a whole file (plain or gzip) as bytes.
std::string read_file(const std::filesystem::path& path);

// Writes `content` to `path` atomically: a temporary file in the same directory is written,
// flushed and renamed over `path`, so readers never see a partial file. Creates parent dirs.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Copies `from` to `to` atomically (a kernel copy to a temporary file beside `to`, then a
// rename; parent directories are created); nothing when both name the same file. Throws Error.
void copy_file_atomic(const std::filesystem::path& from, const std::filesystem::path& to);

// Writes one line per element (each followed by '\n') atomically.
void write_lines_atomic(const std::filesystem::path& path, const std::vector<std::string>& lines);

// Writes lines to `path`, or to standard output when `path` is "-" or empty.
void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines);

// Removes temporary files left next to `path` by write_file_atomic in processes that no longer
// run (killed during a save); returns how many were removed. write_file_atomic calls it.
std::size_t remove_stale_temp_files(const std::filesystem::path& path);

// A unique temporary path next to `path` (same filesystem, so rename is atomic).
std::filesystem::path temp_path_for(const std::filesystem::path& path);

// Whether `path` exists / is a regular file, never throwing: a name the file system rejects
// (too long, say) simply does not exist. For paths that come from user input, where
// std::filesystem::exists(path) would throw filesystem_error (found by the fuzzers).
inline bool path_exists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}
inline bool is_file(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace mtbench
