#pragma once
// Helpers of the libFuzzer targets (tests/fuzz/*_fuzz.cc, built with -DMTBENCH_FUZZ=ON by
// clang, run by scripts/sanitize.sh). A target feeds arbitrary bytes to one reader or parser:
// our own errors (mtbench::Error: a clear message naming the file) are the expected outcome of
// bad input; anything else (a crash, a sanitizer report, another exception, a hang) is a bug.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "base/error.h"

namespace mtbench::fuzz {

// The input as text.
inline std::string text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// The input written to a file of this process (for readers that take a path).
inline std::filesystem::path as_file(const std::uint8_t* data, std::size_t size, const std::string& suffix = "") {
  const auto path = std::filesystem::temp_directory_path() / ("mtbench-fuzz-" + std::to_string(::getpid()) + suffix);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

// Runs `body`; our own errors are fine, everything else propagates to libFuzzer.
template <typename F>
void expect_success_or_error(F&& body) {
  try {
    body();
  } catch (const Error&) {
  }
}

}  // namespace mtbench::fuzz
