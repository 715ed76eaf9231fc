// Progress reporting (base/progress.h): plain lines per tenth of the work, a time limit that
// advances the bar and caps the ETA, stage times, quiet mode.
#include "base/progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace mtbench {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Progress, PlainModePrintsTenthsAndAFinalLine) {
  ::testing::internal::CaptureStderr();
  {
    Progress p(ProgressMode::kPlain);
    p.begin("count", 100, "it");
    for (int i = 0; i < 100; ++i) p.advance();
    p.end("all done");
    ASSERT_EQ(p.stage_times().size(), 1u);
    EXPECT_EQ(p.stage_times()[0].first, "count");
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("[count] started (100 it)"));
  EXPECT_THAT(err, HasSubstr("[count]  50% 50/100"));
  EXPECT_THAT(err, HasSubstr("all done"));
}

TEST(Progress, TimeLimitAdvancesTheFractionAndCapsTheEta) {
  ::testing::internal::CaptureStderr();
  {
    Progress p(ProgressMode::kPlain);
    p.begin("train", 1000000, "tok");  // far more work than the time allows
    p.set_time_limit(0.2);
    std::this_thread::sleep_for(std::chrono::milliseconds(120));
    p.advance(10);  // 0.001% of the work but over half the time: a line is due
    p.end();
  }
  const std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_THAT(err, HasSubstr("10/1000000"));
  EXPECT_THAT(err, HasSubstr("ETA 0.")) << err;  // under a second left, not hours
}

TEST(Progress, QuietModePrintsNothing) {
  ::testing::internal::CaptureStderr();
  {
    Progress p(ProgressMode::kQuiet);
    p.begin("x", 10);
    p.advance(10);
    p.log("hidden");
    p.end();
  }
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), Not(HasSubstr("hidden")));
}

}  // namespace
}  // namespace mtbench
