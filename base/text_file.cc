#include "base/text_file.h"

#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>

#include <unistd.h>

#include "base/error.h"
#include "base/utf8.h"

namespace mtbench {
namespace {

std::string display_name(const std::filesystem::path& path) {
  return path == "-" ? std::string("<stdin>") : path.string();
}

// Reads the whole stream through zlib, which passes non-gzip data through unchanged and
// handles concatenated gzip members.
std::string slurp(const std::filesystem::path& path) {
  gzFile file = nullptr;
  if (path == "-") {
    file = gzdopen(dup(fileno(stdin)), "rb");
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) fail("file not found: {}", path.string());
    if (std::filesystem::is_directory(path, ec)) fail("expected a file but got a directory: {}", path.string());
    file = gzopen(path.c_str(), "rb");
  }
  if (file == nullptr) fail("cannot open {}: {}", display_name(path), std::strerror(errno));
  gzbuffer(file, 1 << 17);
  std::string data;
  char buffer[1 << 16];
  while (true) {
    const int n = gzread(file, buffer, sizeof(buffer));
    if (n < 0) {
      int code = 0;
      const std::string message = gzerror(file, &code);
      gzclose(file);
      fail("cannot read {}: {}", display_name(path), message);
    }
    if (n == 0) {
      // Z_BUF_ERROR at the end means the input stopped inside a gzip member: a truncated
      // download or copy, which must not pass as a shorter corpus.
      int code = Z_OK;
      gzerror(file, &code);
      gzclose(file);
      if (code == Z_BUF_ERROR) fail<DataError>("{}: truncated gzip data (unexpected end of file)", display_name(path));
      return data;
    }
    data.append(buffer, static_cast<std::size_t>(n));
  }
}

}  // namespace

std::string read_file(const std::filesystem::path& path) {
  return slurp(path);
}

void for_each_line(const std::filesystem::path& path,
                   const std::function<void(std::string_view, std::size_t)>& callback, const ReadOptions& options) {
  const std::string data = slurp(path);
  std::size_t start = 0;
  std::size_t line_number = 0;
  while (start < data.size()) {
    std::size_t end = data.find('\n', start);
    const bool has_newline = end != std::string::npos;
    if (!has_newline) end = data.size();
    std::string_view line(data.data() + start, end - start);
    ++line_number;
    if (options.strip_cr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (options.validate_utf8) {
      std::size_t offset = 0;
      if (!utf8::is_valid(line, &offset)) {
        fail<DataError>("{}:{}: invalid UTF-8 (byte {} of the line, value 0x{:02x})", display_name(path), line_number,
                        offset + 1, static_cast<unsigned char>(line[offset]));
      }
    }
    callback(line, line_number);
    start = end + 1;
  }
}

std::vector<std::string> read_lines(const std::filesystem::path& path, const ReadOptions& options) {
  std::vector<std::string> lines;
  for_each_line(
      path, [&](std::string_view line, std::size_t) { lines.emplace_back(line); }, options);
  return lines;
}

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  static std::atomic<unsigned> counter{0};
  std::random_device device;
  const auto name =
      fmt::format(".{}.tmp-{}-{}-{:x}", path.filename().string(), getpid(), counter.fetch_add(1), device());
  return path.parent_path() / name;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  const auto tmp = temp_path_for(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) fail("cannot write {}: {}", tmp.string(), std::strerror(errno));
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      fail("cannot write {} (disk full?)", path.string());
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    fail("cannot move temporary file into place at {}: {}", path.string(), ec.message());
  }
}

void write_lines_atomic(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::string content;
  std::size_t total = 0;
  for (const auto& l : lines) total += l.size() + 1;
  content.reserve(total);
  for (const auto& l : lines) {
    content += l;
    content += '\n';
  }
  write_file_atomic(path, content);
}

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  if (path.empty() || path == "-") {
    for (const auto& l : lines) std::cout << l << '\n';
    std::cout.flush();
    return;
  }
  write_lines_atomic(path, lines);
}

}  // namespace mtbench
