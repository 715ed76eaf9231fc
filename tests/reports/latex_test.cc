// Paper-ready LaTeX: tables/*.tex to \input, results.tex standalone; compiled by pdflatex when
// it is installed (Debian's texlive-latex-base and texlive-latex-recommended).

#include "reports/latex.h"

#include <cstdlib>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "tests/reports/sample_results.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(Latex, TrueMinusSignsAndConsistentPValues) {
  EXPECT_EQ(latex_number(-14.519, 2), "$-$14.52");
  EXPECT_EQ(latex_number(14.5, 1), "14.5");
  EXPECT_EQ(latex_number(-0.001, 2), "0.00");  // no negative zero
  EXPECT_EQ(latex_p_value(0.0004), "$<$0.001");
  EXPECT_EQ(latex_p_value(0.0123), "0.012");
  EXPECT_EQ(latex_p_value(1.0), "1.000");
}

TEST(Latex, TablesHaveLabelsBoldBestAndTheMultipleComparisonNote) {
  const RunResults run = samples::sample_run();
  const auto tables = latex_tables(run);
  ASSERT_GE(tables.size(), 3u);
  EXPECT_EQ(tables[0].stem, "scores-" + run.tests[0].name);
  const std::string& scores = tables[0].latex;
  EXPECT_THAT(scores, HasSubstr("\\begin{table}"));
  EXPECT_THAT(scores, HasSubstr("\\toprule"));
  EXPECT_THAT(scores, HasSubstr("\\label{tab:mtbench-scores-"));
  EXPECT_THAT(scores, HasSubstr("\\textbf{"));
  bool significance = false, length = false;
  for (const auto& t : tables) {
    // Never a hyphen-minus before a digit in a cell.
    EXPECT_FALSE(std::regex_search(t.latex, std::regex("& -[0-9]"))) << t.latex;
    EXPECT_FALSE(std::regex_search(t.latex, std::regex("\\(-[0-9]"))) << t.latex;
    if (t.stem.rfind("significance-", 0) == 0) {
      significance = true;
      EXPECT_THAT(t.latex, HasSubstr("Multiple comparisons"));
      EXPECT_THAT(t.latex, HasSubstr("$-$14.3 (0.001)"));
      EXPECT_THAT(t.latex, HasSubstr("Bonferroni"));
    }
    if (t.stem.rfind("length-", 0) == 0) {
      length = true;
      EXPECT_THAT(t.latex, HasSubstr("[30.1, 50.2]"));
    }
  }
  EXPECT_TRUE(significance);
  EXPECT_TRUE(length);
  const std::string doc = latex_document(run);
  EXPECT_THAT(doc, Not(HasSubstr("landscape")));
  EXPECT_THAT(doc, HasSubstr("\\end{document}"));
}

TEST(Latex, WritesTablesAndAStandaloneDocumentThatCompile) {
  const RunResults run = samples::sample_run();
  mtbench::testing::ScratchDir dir;
  write_latex(run, dir.path());
  std::vector<std::string> stems;
  for (const auto& e : std::filesystem::directory_iterator(dir / "tables")) stems.push_back(e.path().stem().string());
  ASSERT_EQ(stems.size(), latex_tables(run).size());
  ASSERT_TRUE(std::filesystem::exists(dir / "results.tex"));
  if (std::system("command -v pdflatex >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pdflatex not installed (apt-get install texlive-latex-base texlive-latex-recommended): "
                    "the LaTeX was written but not compiled";
  // The tables as a paper would use them: \input into a minimal article.
  std::string paper =
      "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
      "\\usepackage{booktabs}\n\\begin{document}\nSee Table~\\ref{tab:mtbench-scores-" +
      run.tests[0].name + "}.\n";
  for (const auto& stem : stems) paper += "\\input{tables/" + stem + "}\n";
  write_file_atomic(dir / "paper.tex", paper + "\\end{document}\n");
  for (const std::string doc : {"paper", "results"}) {
    const std::string cmd = "cd '" + dir.path().string() + "' && pdflatex -interaction=nonstopmode -halt-on-error " +
                            doc + ".tex > " + doc + ".out 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(dir / (doc + ".out"));
    EXPECT_TRUE(std::filesystem::exists(dir / (doc + ".pdf"))) << doc;
  }
}

}  // namespace
}  // namespace mtbench::reports
