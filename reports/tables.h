#pragma once
// The results of a run as tables: per test set, every system's corpus scores with 95%
// bootstrap intervals and sacreBLEU signatures; the paired significance matrices; the costs.
// Formats: plain text (what `mtbench compare` prints), Markdown, CSV (one row per test set,
// system and metric), a compact JSON summary, and a LaTeX document (booktabs) that compiles
// as is: every user string is escaped.

#include <filesystem>
#include <string>
#include <string_view>

#include "reports/run_results.h"

namespace mtbench::reports {

// Text tables for the terminal: scores, output statistics, the first significance matrix of
// each test set, costs.
std::string render_text_table(const RunResults& results);
// The same with every significance matrix when `all_matrices` (results.txt).
std::string render_text_tables(const RunResults& results, bool all_matrices);
// GitHub-flavoured Markdown.
std::string render_markdown_tables(const RunResults& results);
// RFC 4180 CSV: header test,system,title,era,year,metric,score,bootstrap_mean,ci95,signature,
// train_seconds,sentences_per_second,model_bytes,parameters.
std::string render_csv(const RunResults& results);
// Scores, significance and costs without the outputs (the full data is results.json).
std::string render_json_summary(const RunResults& results);
// A complete LaTeX document (article, booktabs).
std::string render_latex(const RunResults& results);

// Writes results.txt, results.md, results.csv, results.summary.json and results.tex into `dir`
// (created if missing), each atomically. The JSON summary has its own name so that `dir` may
// be the run directory without touching its full results.json.
void write_tables(const RunResults& results, const std::filesystem::path& dir);

// Escapes LaTeX's special characters & % $ # _ { } ~ ^ \ (and < > | which OT1 lacks).
std::string latex_escape(std::string_view text);
// Quotes a CSV field when it holds a comma, quote, CR or LF (quotes doubled).
std::string csv_field(std::string_view text);

// Several language pairs of one comparison: systems x pairs, the first metric of each pair's
// first test set ("unsupported"/"failed" for systems left out).
std::string render_pairs_table(const std::vector<RunResults>& runs);

}  // namespace mtbench::reports
