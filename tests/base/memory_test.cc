#include "base/memory.h"

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;
using ::testing::HasSubstr;

TEST(Memory, ResidentSetIsReportedAndPeakIsAtLeastIt) {
  const std::uint64_t now = resident_bytes();
  EXPECT_GT(now, 0u);
  EXPECT_GE(peak_resident_bytes(), now / 2);  // VmHWM >= VmRSS, read a moment apart
}

TEST(Memory, ByteSizesParseAsSortAndLmplzAccept) {
  EXPECT_EQ(parse_byte_size("512M", "--memory"), 512ull << 20);
  EXPECT_EQ(parse_byte_size("2g", "--memory"), 2ull << 30);
  EXPECT_EQ(parse_byte_size("1.5G", "--memory"), 3ull << 29);
  EXPECT_EQ(parse_byte_size("64KiB", "--memory"), 64ull << 10);
  EXPECT_EQ(parse_byte_size("1000000", "--memory"), 1000000u);
  for (const char* bad : {"", "M", "-1G", "0", "12Q", "1..5G", "1e400"})
    EXPECT_THAT(error_of<ConfigError>([&] { parse_byte_size(bad, "--memory"); }),
                HasSubstr(std::string("--memory: '") + bad + "' is not a size"))
        << bad;
  EXPECT_EQ(format_bytes(17), "17 B");
  EXPECT_EQ(format_bytes(1234567), "1.2 MB");
  EXPECT_EQ(format_bytes(512000000), "512 MB");
}

// on_own_arena runs the work on another thread, hands back its result (also move-only ones
// and none), and rethrows what it threw with its type.
TEST(Memory, OwnArenaRunsOnAnotherThreadAndPassesResultsAndErrors) {
  const auto caller = std::this_thread::get_id();
  std::thread::id worker;
  const std::vector<std::string> lines = on_own_arena([&] {
    worker = std::this_thread::get_id();
    return std::vector<std::string>(1000, "a line long enough to live on the heap");
  });
  EXPECT_NE(worker, caller);
  EXPECT_EQ(lines.size(), 1000u);
  const auto owned = on_own_arena([] { return std::make_unique<int>(7); });
  EXPECT_EQ(*owned, 7);
  int calls = 0;
  on_own_arena([&] { ++calls; });
  EXPECT_EQ(calls, 1);
  EXPECT_THROW(on_own_arena([]() -> int { fail<DataError>("corpus.de:3: not UTF-8"); }), DataError);
  EXPECT_THAT(error_of([] { on_own_arena([] { fail<ConfigError>("bad option {}", 42); }); }),
              HasSubstr("bad option 42"));
}

}  // namespace
}  // namespace mtbench
