#include "base/time.h"

#include <gtest/gtest.h>

namespace mtbench {
namespace {

TEST(FormatDuration, CompactStyleOfProgressLines) {
  EXPECT_EQ(format_duration(4.24), "4.2s");
  EXPECT_EQ(format_duration(59.94), "59.9s");
  EXPECT_EQ(format_duration(245.4), "4m05s");
  EXPECT_EQ(format_duration(3599.4), "59m59s");
  EXPECT_EQ(format_duration(3720), "1h02m");
}

TEST(FormatDuration, SpacedStyleOfReports) {
  EXPECT_EQ(format_duration(0.4, DurationStyle::kSpaced), "0.4 s");
  EXPECT_EQ(format_duration(245.5, DurationStyle::kSpaced), "4 min 06 s");
  EXPECT_EQ(format_duration(3725, DurationStyle::kSpaced), "1 h 02 min");
}

}  // namespace
}  // namespace mtbench
