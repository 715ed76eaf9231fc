#include "reports/tables.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "tests/reports/sample_results.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// RFC 4180 parser (quoted fields with doubled quotes, newlines inside quotes).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        rows.back().back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        rows.back().back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\n') {
      rows.emplace_back(1);
    } else {
      rows.back().back() += c;
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(Tables, LatexEscapesEverySpecialCharacter) {
  EXPECT_EQ(latex_escape("& % _ # $ { } ~ ^ \\"),
            "\\& \\% \\_ \\# \\$ \\{ \\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{}");
  EXPECT_EQ(latex_escape("41.2 ± 1.0"), "41.2 $\\pm$ 1.0");
  EXPECT_EQ(latex_escape("a<b>|c"), "a\\textless{}b\\textgreater{}\\textbar{}c");
}

TEST(Tables, LatexDocumentHasEscapedLabelsAndBalancedEnvironments) {
  const std::string tex = render_latex(samples::sample_run());
  EXPECT_THAT(tex, HasSubstr("\\documentclass{article}"));
  EXPECT_THAT(tex, HasSubstr("\\usepackage{booktabs}"));
  EXPECT_THAT(tex, HasSubstr("A\\&B\\_50\\% \\#1 \\{x\\}\\textasciitilde{}\\textasciicircum{}\\textbackslash{}\\$"));
  EXPECT_THAT(tex, Not(HasSubstr("A&B")));
  auto count = [&](const std::string& s) {
    std::size_t n = 0;
    for (auto p = tex.find(s); p != std::string::npos; p = tex.find(s, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\\begin{table}"), count("\\end{table}"));
  EXPECT_EQ(count("\\begin{tabular}"), count("\\end{tabular}"));
  EXPECT_EQ(count("\\begin{document}"), 1u);
  EXPECT_EQ(tex.substr(tex.size() - 15), "\\end{document}\n");
  // Braces balance once escaped braces are discounted.
  long depth = 0;
  for (std::size_t i = 0; i < tex.size(); ++i) {
    if (tex[i] == '\\' && i + 1 < tex.size()) {
      ++i;
      continue;
    }
    depth += tex[i] == '{' ? 1 : tex[i] == '}' ? -1 : 0;
    ASSERT_GE(depth, 0) << "at offset " << i;
  }
  EXPECT_EQ(depth, 0);
}

TEST(Tables, CsvParsesBackWithOneRowPerSystemAndMetric) {
  const auto run = samples::sample_run();
  const auto rows = parse_csv(render_csv(run));
  ASSERT_EQ(rows.size(), 5u);  // header + 2 systems x 2 metrics
  ASSERT_EQ(rows[0].size(), 14u);
  EXPECT_EQ(rows[0][0], "test");
  EXPECT_EQ(rows[0][6], "score");
  for (const auto& row : rows) EXPECT_EQ(row.size(), 14u);
  // System order follows the run; the awkward label round-trips exactly.
  EXPECT_EQ(rows[1][1], "rule-based");
  EXPECT_EQ(rows[1][5], "BLEU");
  EXPECT_EQ(rows[1][6], "41.2345");
  EXPECT_EQ(rows[1][8], "2.2500");
  EXPECT_EQ(rows[3][1], run.systems[1].label);
  EXPECT_EQ(rows[3][13], "65000000");
  EXPECT_EQ(rows[4][5], "TER");
  EXPECT_EQ(rows[4][8], "");  // no interval
}

TEST(Tables, TextTableShowsScoresIntervalsSignaturesSignificanceAndCosts) {
  const std::string text = render_text_table(samples::sample_run());
  EXPECT_THAT(text, HasSubstr("test_2016_flickr (2 segments)"));
  EXPECT_THAT(text, HasSubstr("41.2 ± 2."));
  EXPECT_THAT(text, HasSubstr("55.5 ± 1."));
  EXPECT_THAT(text, HasSubstr("BLEU signature: nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0"));
  EXPECT_THAT(text, HasSubstr("-14.3 (0.001)*"));
  EXPECT_THAT(text, HasSubstr("1 h 06 min"));  // 4000 s of training
  EXPECT_THAT(text, HasSubstr("65.0 M"));
  EXPECT_THAT(text, HasSubstr("123.5 KB"));
  // Columns line up: every row of the score table has the same display width up to its last cell.
  const std::string md = render_markdown_tables(samples::sample_run());
  EXPECT_THAT(md, HasSubstr("| rule-based | 1954 | 41.2 ± 2.2 | 30.0 |"));
}

TEST(Tables, TerminalShowsOneSignificanceMatrixFileShowsAll) {
  auto run = samples::sample_run();
  auto ter = run.tests[0].significance[0];
  ter.metric = "TER";
  ter.deltas = {{0.0, 10.0}, {-10.0, 0.0}};
  run.tests[0].significance.push_back(ter);
  const std::string terminal = render_text_table(run);
  EXPECT_THAT(terminal, HasSubstr("bootstrap (1000 samples), BLEU"));
  EXPECT_THAT(terminal, Not(HasSubstr("bootstrap (1000 samples), TER")));
  EXPECT_THAT(terminal, HasSubstr("(1 more matrices in results.txt and the HTML report)"));
  const std::string full = render_text_tables(run, true);
  EXPECT_THAT(full, HasSubstr("bootstrap (1000 samples), TER"));
  EXPECT_THAT(full, HasSubstr("+10.0 (0.001)*"));
  mtbench::testing::ScratchDir dir;
  write_tables(run, dir.path());
  EXPECT_EQ(read_file(dir / "results.txt"), full);
}

TEST(Tables, CountsThatCannotBeKnownAreDashes) {
  auto run = samples::sample_run();
  run.tests[0].source.clear();
  run.tests[0].explanations.erase("rule-based");
  const std::string text = render_text_table(run);
  // rule-based: length ratio, words, then no explanations and no source.
  EXPECT_THAT(text, ::testing::ContainsRegex("rule-based +1\\.000 +8 +- +-\n"));
  EXPECT_THAT(text, ::testing::ContainsRegex("A&B[^\n]*1\\.250 +10 +0 +-\n"));
}

TEST(Tables, JsonSummaryAndFiles) {
  const auto run = samples::sample_run();
  const auto j = nlohmann::json::parse(render_json_summary(run));
  EXPECT_DOUBLE_EQ(j["tests"][0]["scores"]["rule-based"]["BLEU"]["score"].get<double>(), 41.2345);
  EXPECT_DOUBLE_EQ(j["tests"][0]["scores"]["rule-based"]["BLEU"]["ci95"].get<double>(), 2.25);
  EXPECT_EQ(j["costs"][1]["parameters"], 65000000);
  EXPECT_TRUE(j["tests"][0]["significance"][0]["p_values"][0][0].is_null());
  mtbench::testing::ScratchDir dir;
  write_tables(run, dir / "tables");
  for (const char* name : {"results.txt", "results.md", "results.csv", "results.summary.json", "results.tex"})
    EXPECT_TRUE(std::filesystem::exists(dir / "tables" / name)) << name;
  EXPECT_FALSE(std::filesystem::exists(dir / "tables" / "results.json"));
  EXPECT_EQ(read_file(dir / "tables" / "results.csv"), render_csv(run));
}

}  // namespace
}  // namespace mtbench::reports
