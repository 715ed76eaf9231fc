#pragma once
// Paper-ready figures written beside the tables: RUN_DIR/figures/*.svg, drawn here from the
// run's results (the page draws the same charts in the browser and exports them on demand).
//   scores-TEST.svg     the first metric of every system, with its bootstrap interval
//   length-TEST.svg     BLEU by source length with intervals (Bahdanau et al. 2014, fig. 2)
//   learning-curves.svg dev BLEU over updates of every neural system
// Plain SVG 1.1 with system fonts; colours in the report's order (Okabe-Ito first).

#include <filesystem>
#include <string>
#include <vector>

#include "reports/run_results.h"

namespace mtbench::reports {

struct Figure {
  std::string stem;  // file stem under figures/
  std::string svg;   // the document
};

std::vector<Figure> figures(const RunResults& results);
// Writes figures/*.svg into `dir`; returns how many.
std::size_t write_figures(const RunResults& results, const std::filesystem::path& dir);

}  // namespace mtbench::reports
