// figures/*.svg: one per chart, well-formed, labels escaped, intervals drawn.

#include "reports/figures.h"

#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/reports/sample_results.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

using ::testing::HasSubstr;

TEST(Figures, ScoresAndLengthChartsPerTestSetWellFormedAndEscaped) {
  const RunResults run = samples::sample_run();
  const auto all = figures(run);
  std::vector<std::string> stems;
  for (const auto& f : all) stems.push_back(f.stem);
  EXPECT_THAT(stems, ::testing::Contains("scores-" + run.tests[0].name));
  EXPECT_THAT(stems, ::testing::Contains("length-" + run.tests[0].name));
  for (const auto& f : all) {
    SCOPED_TRACE(f.stem);
    EXPECT_EQ(f.svg.rfind("<?xml", 0), 0u);
    EXPECT_THAT(f.svg, HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_EQ(f.svg.substr(f.svg.size() - 7), "</svg>\n");
    // Every '&' starts an entity: labels are escaped.
    EXPECT_FALSE(std::regex_search(f.svg, std::regex("&(?!amp;|lt;|gt;|quot;)"))) << f.svg;
    // Elements balance: every opening tag is closed or self-closing.
    const std::regex open_tag("<(svg|title|text)[ >]"), close_tag("</(svg|title|text)>");
    const auto opens =
        std::distance(std::sregex_iterator(f.svg.begin(), f.svg.end(), open_tag), std::sregex_iterator());
    const auto closes =
        std::distance(std::sregex_iterator(f.svg.begin(), f.svg.end(), close_tag), std::sregex_iterator());
    EXPECT_EQ(opens, closes);
  }
  for (const auto& f : all)
    if (f.stem.rfind("length-", 0) == 0) {
      EXPECT_THAT(f.svg, HasSubstr("0-9 (2)"));         // bucket and its sentence count
      EXPECT_THAT(f.svg, HasSubstr("stroke-opacity"));  // the interval whisker
    }
  mtbench::testing::ScratchDir dir;
  EXPECT_EQ(write_figures(run, dir.path()), all.size());
  EXPECT_TRUE(std::filesystem::exists(dir / "figures" / ("scores-" + run.tests[0].name + ".svg")));
}

}  // namespace
}  // namespace mtbench::reports
