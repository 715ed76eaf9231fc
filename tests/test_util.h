#pragma once
// Helpers shared by the test suites: locating ../shared data and scratch directories.

#include <filesystem>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::testing {

// True in scripts/sanitize.sh's build (AddressSanitizer): code there runs several times slower
// (test code is also compiled at -O0, and the linker may pick those copies of inline library
// functions).
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderSanitizer = true;
#else
inline constexpr bool kUnderSanitizer = false;
#endif
#else
inline constexpr bool kUnderSanitizer = false;
#endif

// Speed tests multiply their wall-clock limits by this: a throughput bound under the sanitizer
// measures the sanitizer, not mtbench.
inline constexpr double kSpeedLimitFactor = kUnderSanitizer ? 5.0 : 1.0;

// The shared data directory (../shared next to the checkout, or $MTBENCH_SHARED_DIR).
inline std::filesystem::path shared_dir() {
  if (const char* env = std::getenv("MTBENCH_SHARED_DIR")) return env;
  return MTBENCH_SHARED_DIR;
}

// A path under shared_dir(), or empty when it does not exist.
inline std::filesystem::path shared_file(const std::string& relative) {
  auto p = shared_dir() / relative;
  return std::filesystem::exists(p) ? p : std::filesystem::path();
}

// A fresh empty directory for one test, removed when the object goes away.
class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info ? std::string(info->test_suite_name()) + "." + info->name() : "scratch";
    path_ = std::filesystem::temp_directory_path() / ("mtbench-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// The message of the `E` that `f()` throws, or "<no error>" when it throws none (any other
// exception propagates and fails the test).
template <typename E = Error, typename F>
std::string error_of(F&& f) {
  try {
    std::forward<F>(f)();
  } catch (const E& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace mtbench::testing

// Skips the current test when a file under ../shared is missing.
#define MTBENCH_REQUIRE_SHARED(var, relative)                                                                \
  const std::filesystem::path var = ::mtbench::testing::shared_file(relative);                               \
  if (var.empty())                                                                                           \
  GTEST_SKIP() << "shared test data not found: " << (::mtbench::testing::shared_dir() / (relative)).string() \
               << " (set MTBENCH_SHARED_DIR)"
