// End-to-end tests of `mtbench report RUN_DIR` (runs the built executable on a saved run).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "reports/html_report.h"
#include "reports/run_results.h"
#include "reports/tables.h"
#include "tests/cli/run_mtbench.h"
#include "tests/reports/sample_results.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

TEST(ReportCommand, RegeneratesTablesAndHtmlFromResultsJson) {
  testing::ScratchDir scratch;
  const auto run = reports::samples::sample_run();
  const fs::path run_dir = scratch / "run";
  fs::create_directories(run_dir);
  reports::save_run_results(run, run_dir);
  const auto saved = read_file(run_dir / "results.json");

  const auto result = testing::run_mtbench("report '" + run_dir.string() + "'", scratch.path());
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, reports::render_text_table(run));
  EXPECT_THAT(result.err, HasSubstr("report.html"));
  // The files equal what the library renders for the same results; results.json is untouched.
  EXPECT_EQ(read_file(run_dir / "report.html"), reports::render_html_report(run));
  EXPECT_EQ(read_file(run_dir / "results.csv"), reports::render_csv(run));
  EXPECT_EQ(read_file(run_dir / "results.tex"), reports::render_latex(run));
  for (const char* name : {"results.txt", "results.md", "results.summary.json"})
    EXPECT_TRUE(fs::exists(run_dir / name));
  EXPECT_EQ(read_file(run_dir / "results.json"), saved);
}

TEST(ReportCommand, HtmlAndTablesElsewhere) {
  testing::ScratchDir scratch;
  const fs::path run_dir = scratch / "run";
  fs::create_directories(run_dir);
  reports::save_run_results(reports::samples::sample_run(), run_dir);
  const auto result =
      testing::run_mtbench("-q report '" + run_dir.string() + "' --html '" + (scratch / "out/r.html").string() +
                               "' --tables '" + (scratch / "tables").string() + "' --no-print --max-explained 1",
                           scratch.path());
  ASSERT_EQ(result.status, 0) << result.err;
  EXPECT_EQ(result.out, "");
  EXPECT_TRUE(fs::exists(scratch / "out/r.html"));
  EXPECT_TRUE(fs::exists(scratch / "tables/results.md"));
  EXPECT_FALSE(fs::exists(run_dir / "report.html"));
  reports::HtmlReportOptions options;
  options.max_explained_segments = 1;
  EXPECT_EQ(read_file(scratch / "out/r.html"), reports::render_html_report(reports::samples::sample_run(), options));
}

TEST(ReportCommand, MissingOrInvalidRunDirectoryFailsClearly) {
  testing::ScratchDir scratch;
  auto result = testing::run_mtbench("report '" + (scratch / "nope").string() + "'", scratch.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("nope"));
  EXPECT_THAT(result.err, HasSubstr("does not exist"));

  result = testing::run_mtbench("report '" + scratch.path().string() + "'", scratch.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("has no results.json"));

  write_file_atomic(scratch / "results.json", "{\"systems\": [");
  result = testing::run_mtbench("report '" + scratch.path().string() + "'", scratch.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("invalid JSON"));
  EXPECT_FALSE(fs::exists(scratch / "report.html"));

  write_file_atomic(scratch / "results.json", "{\"systems\": 3}");
  result = testing::run_mtbench("report '" + scratch.path().string() + "'", scratch.path());
  EXPECT_EQ(result.status, 1);
  EXPECT_THAT(result.err, HasSubstr("malformed run results"));
  EXPECT_FALSE(fs::exists(scratch / "report.html"));

  result = testing::run_mtbench("report", scratch.path());
  EXPECT_NE(result.status, 0);
  EXPECT_THAT(result.err, HasSubstr("run_dir"));
}

}  // namespace
}  // namespace mtbench
