#include "base/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"

namespace mtbench {
namespace {

// The value of a "Name:   1234 kB" line of /proc/self/status, in bytes.
std::uint64_t status_field(const char* name) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  std::uint64_t value = 0;
  const std::size_t n = std::strlen(name);
  while (std::fgets(line, sizeof line, f)) {
    if (std::strncmp(line, name, n) == 0 && line[n] == ':') {
      value = std::strtoull(line + n + 1, nullptr, 10) * 1024;
      break;
    }
  }
  std::fclose(f);
  return value;
}

}  // namespace

std::uint64_t resident_bytes() {
  return status_field("VmRSS");
}

std::uint64_t resident_file_bytes() {
  return status_field("RssFile");
}

std::uint64_t peak_resident_bytes() {
  return status_field("VmHWM");
}

namespace {

std::atomic<std::uint64_t> g_sampled_peak{0};

// VmRSS from /proc/self/statm (one read, no parsing of the whole status file).
std::uint64_t statm_resident() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  static const long page = ::sysconf(_SC_PAGESIZE);
  return n == 2 ? resident * static_cast<std::uint64_t>(page) : 0;
}

}  // namespace

void reset_sampled_peak() {
  static std::once_flag started;
  std::call_once(started, [] {
    std::thread([] {
      for (;;) {
        const std::uint64_t now = statm_resident();
        std::uint64_t seen = g_sampled_peak.load(std::memory_order_relaxed);
        while (now > seen && !g_sampled_peak.compare_exchange_weak(seen, now, std::memory_order_relaxed)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }).detach();
  });
  g_sampled_peak.store(statm_resident(), std::memory_order_relaxed);
}

std::uint64_t sampled_peak_bytes() {
  return std::max(g_sampled_peak.load(std::memory_order_relaxed), statm_resident());
}

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

std::string format_bytes(std::uint64_t bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1000 && unit < 4) {
    v /= 1000;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return v >= 10 ? fmt::format("{:.0f} {}", v, kUnits[unit]) : fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::uint64_t parse_byte_size(const std::string& text, const std::string& what) {
  std::size_t pos = 0;
  while (pos < text.size() && (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.')) ++pos;
  const std::string number = text.substr(0, pos);
  std::string suffix = text.substr(pos);
  for (auto& c : suffix) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (suffix.size() >= 2 && suffix.compare(suffix.size() - 2, 2, "IB") == 0) suffix.resize(suffix.size() - 2);
  if (suffix.size() == 2 && suffix[1] == 'B') suffix.resize(1);
  char* end = nullptr;
  const double value = number.empty() ? -1 : std::strtod(number.c_str(), &end);
  double scale = -1;
  if (suffix.empty() || suffix == "B")
    scale = 1;
  else if (suffix == "K")
    scale = 1024.0;
  else if (suffix == "M")
    scale = 1024.0 * 1024;
  else if (suffix == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (suffix == "T")
    scale = 1024.0 * 1024 * 1024 * 1024;
  if (value < 0 || scale < 0 || (end && *end != '\0') || !std::isfinite(value) || value * scale < 1 ||
      value * scale > 1e18)
    fail<ConfigError>("{}: '{}' is not a size (a positive number with an optional K, M, G or T suffix, e.g. 512M)",
                      what, text);
  return static_cast<std::uint64_t>(value * scale);
}

}  // namespace mtbench
