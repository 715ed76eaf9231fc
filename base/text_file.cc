#include "base/text_file.h"

#include <zlib.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>

#include <signal.h>
#include <unistd.h>

#include "base/error.h"
#include "base/utf8.h"

namespace mtbench {
namespace {

std::string display_name(const std::filesystem::path& path) {
  return path == "-" ? std::string("<stdin>") : path.string();
}

// Opens `path` ("-" = stdin) through zlib, which passes non-gzip data through unchanged and
// handles concatenated gzip members.
gzFile open_stream(const std::filesystem::path& path) {
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
  return file;
}

// Reads the stream in chunks, passing each to `consume`; closes it. A read error or a gzip
// member cut short is an error naming the file.
void read_chunks(const std::filesystem::path& path, const std::function<void(std::string_view)>& consume) {
  gzFile file = open_stream(path);
  std::unique_ptr<gzFile_s, int (*)(gzFile)> closer(file, gzclose);
  std::vector<char> buffer(1 << 16);
  while (true) {
    const int n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()));
    if (n < 0) {
      int code = 0;
      fail("cannot read {}: {}", display_name(path), gzerror(file, &code));
    }
    if (n == 0) {
      // Z_BUF_ERROR at the end means the input stopped inside a gzip member: a truncated
      // download or copy, which must not pass as a shorter corpus.
      int code = Z_OK;
      gzerror(file, &code);
      if (code == Z_BUF_ERROR) fail<DataError>("{}: truncated gzip data (unexpected end of file)", display_name(path));
      return;
    }
    consume(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
  }
}

std::size_t limit_from_env(const char* name, std::size_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  char* end = nullptr;
  errno = 0;
  const unsigned long long parsed = std::strtoull(value, &end, 10);
  if (errno != 0 || *end != '\0' || parsed == 0 || value[0] == '-')
    fail<ConfigError>("{}={}: expected a positive integer", name, value);
  return static_cast<std::size_t>(parsed);
}

}  // namespace

std::size_t ReadOptions::max_line_bytes_limit() {
  static const std::size_t limit = limit_from_env("MTBENCH_MAX_LINE_BYTES", std::size_t{1} << 20);
  return limit;
}

std::size_t ReadOptions::max_lines_limit() {
  static const std::size_t limit = limit_from_env("MTBENCH_MAX_LINES", 50'000'000);
  return limit;
}

std::string read_file(const std::filesystem::path& path) {
  std::string data;
  read_chunks(path, [&](std::string_view chunk) { data.append(chunk); });
  return data;
}

void for_each_line(const std::filesystem::path& path,
                   const std::function<void(std::string_view, std::size_t)>& callback, const ReadOptions& options) {
  std::size_t line_number = 0;
  auto emit = [&](std::string_view line) {
    ++line_number;
    if (line_number > options.max_lines) {
      fail<DataError>("{}: more than {} lines (the limit; set MTBENCH_MAX_LINES to raise it)", display_name(path),
                      options.max_lines);
    }
    if (options.strip_cr && !line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (options.validate_utf8) {
      std::size_t offset = 0;
      if (!utf8::is_valid(line, &offset)) {
        fail<DataError>("{}:{}: invalid UTF-8 (byte {} of the line, value 0x{:02x})", display_name(path), line_number,
                        offset + 1, static_cast<unsigned char>(line[offset]));
      }
    }
    callback(line, line_number);
  };
  auto too_long = [&](std::size_t bytes) {
    fail<DataError>("{}:{}: line longer than {} bytes (at least {}; set MTBENCH_MAX_LINE_BYTES to raise the limit)",
                    display_name(path), line_number + 1, options.max_line_bytes, bytes);
  };
  // Streamed chunk by chunk: memory is bounded by the longest line, not the file.
  std::string pending;
  read_chunks(path, [&](std::string_view chunk) {
    while (!chunk.empty()) {
      const std::size_t newline = chunk.find('\n');
      const std::size_t piece = newline == std::string_view::npos ? chunk.size() : newline;
      if (pending.size() + piece > options.max_line_bytes + 1) too_long(pending.size() + piece);
      if (newline == std::string_view::npos) {
        pending.append(chunk);
        return;
      }
      if (pending.empty()) {
        emit(chunk.substr(0, newline));
      } else {
        pending.append(chunk.substr(0, newline));
        emit(pending);
        pending.clear();
      }
      chunk.remove_prefix(newline + 1);
    }
  });
  if (!pending.empty()) emit(pending);
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

std::size_t remove_stale_temp_files(const std::filesystem::path& path) {
  const std::string prefix = "." + path.filename().string() + ".tmp-";
  const auto dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::size_t removed = 0;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    // .NAME.tmp-PID-COUNTER-RANDOM: only a process that is gone cannot be writing it.
    const char* digits = name.c_str() + prefix.size();
    char* end_of_pid = nullptr;
    const long pid = std::strtol(digits, &end_of_pid, 10);
    if (end_of_pid == digits || *end_of_pid != '-' || pid <= 0 || pid == getpid()) continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    std::error_code remove_ec;
    if (std::filesystem::remove(it->path(), remove_ec)) ++removed;
  }
  return removed;
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  remove_stale_temp_files(path);
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
    const std::string reason = ec.message();  // before remove() reuses ec
    std::filesystem::remove(tmp, ec);
    fail("cannot move temporary file into place at {}: {}", path.string(), reason);
  }
}

void copy_file_atomic(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::error_code ec;
  if (std::filesystem::equivalent(from, to, ec)) return;
  if (to.has_parent_path()) std::filesystem::create_directories(to.parent_path());
  const auto tmp = temp_path_for(to);
  std::filesystem::copy_file(from, tmp, std::filesystem::copy_options::overwrite_existing, ec);
  if (!ec) std::filesystem::rename(tmp, to, ec);
  if (ec) {
    const std::string reason = ec.message();
    std::error_code ignored;
    std::filesystem::remove(tmp, ignored);
    fail("cannot copy {} to {}: {}", from.string(), to.string(), reason);
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
