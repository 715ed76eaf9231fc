#pragma once
// Paper-ready tables: one LaTeX file per table under RUN_DIR/tables/, each a `table` float with
// booktabs rules, a caption and a \label, to \input into a paper (needs \usepackage{booktabs});
// and RUN_DIR/results.tex, a standalone article holding them all that compiles with pdflatex.
// Conventions: the best score of each metric bold; true minus signs ($-$); scores with one
// decimal as sacreBLEU prints them and the bootstrap half-width as {\small$\pm$x}; p-values
// with three decimals, "$<$0.001" below that; a note on multiple comparisons under every
// significance table (all pairs are tested, nothing is corrected).

#include <filesystem>
#include <string>
#include <vector>

#include "reports/run_results.h"

namespace mtbench::reports {

// One table: its file stem (tables/STEM.tex) and the LaTeX of the float.
struct LatexTable {
  std::string stem;   // e.g. "scores-test_2016_flickr"
  std::string latex;  // \begin{table} ... \end{table}
};

std::vector<LatexTable> latex_tables(const RunResults& results);
// The standalone document (article, portrait) holding every table.
std::string latex_document(const RunResults& results);
// A number with a true minus sign in LaTeX: "-14.52" -> "$-$14.52".
std::string latex_number(double value, int decimals);
// "0.012", "$<$0.001".
std::string latex_p_value(double p);
// Writes tables/*.tex and results.tex into `dir`.
void write_latex(const RunResults& results, const std::filesystem::path& dir);

}  // namespace mtbench::reports
