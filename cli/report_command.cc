// `mtbench report RUN_DIR`: regenerates the tables and the HTML report of a finished
// `mtbench compare` run from RUN_DIR/results.json, without training or translating anything.

#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "base/error.h"
#include "cli/app.h"
#include "cli/validators.h"
#include "reports/html_report.h"
#include "reports/run_results.h"
#include "reports/tables.h"

namespace mtbench::cli {
namespace {

struct ReportOptions {
  std::string run_dir;              // the run directory (holds results.json)
  std::string html;                 // HTML output; "" = RUN_DIR/report.html
  std::string tables;               // tables directory; "" = RUN_DIR
  std::size_t max_explained = 100;  // explanations kept per test set and system
  bool no_html = false;             // tables only
  bool no_print = false;            // do not print the text table
};

void run_report(const ReportOptions& options, const GlobalOptions& global) {
  namespace fs = std::filesystem;
  const fs::path run_dir = options.run_dir;
  if (!fs::is_directory(run_dir)) fail("report: run directory {} does not exist", run_dir.string());
  if (!fs::exists(run_dir / "results.json")) {
    // `compare --pairs` writes one run per pair (RUN_DIR/de-en/, ...): the report of all pairs.
    std::vector<fs::path> pair_dirs;
    for (const auto& entry : fs::directory_iterator(run_dir))
      if (entry.is_directory() && fs::exists(entry.path() / "results.json")) pair_dirs.push_back(entry.path());
    std::sort(pair_dirs.begin(), pair_dirs.end());
    if (!pair_dirs.empty()) {
      std::vector<reports::RunResults> runs;
      for (const auto& dir : pair_dirs) runs.push_back(reports::load_run_results(dir));
      reports::HtmlReportOptions html_options;
      html_options.max_explained_segments = options.max_explained;
      const fs::path html = options.html.empty() ? run_dir / "report.html" : fs::path(options.html);
      if (!options.no_html) reports::write_multi_pair_report(runs, html, html_options);
      if (!global.quiet && !options.no_html)
        std::cerr << fmt::format("report: HTML report of {} language pairs written to {}\n", runs.size(),
                                 html.string());
      if (!options.no_print) std::cout << reports::render_pairs_table(runs);
      return;
    }
  }
  const reports::RunResults results = reports::load_run_results(run_dir);
  const fs::path tables = options.tables.empty() ? run_dir : fs::path(options.tables);
  reports::write_tables(results, tables);
  if (!global.quiet)
    std::cerr << fmt::format("report: tables written to {}/results.{{txt,md,csv,summary.json,tex}}\n", tables.string());
  if (!options.no_html) {
    const fs::path html = options.html.empty() ? run_dir / "report.html" : fs::path(options.html);
    reports::HtmlReportOptions html_options;
    html_options.max_explained_segments = options.max_explained;
    reports::write_html_report(results, html, html_options);
    if (!global.quiet)
      std::cerr << fmt::format("report: HTML report written to {} ({:.1f} MB)\n", html.string(),
                               static_cast<double>(fs::file_size(html)) / 1e6);
  }
  if (!options.no_print) std::cout << reports::render_text_table(results);
}

}  // namespace

void add_report_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ReportOptions>();
  auto* sub = app.add_subcommand("report", "Regenerate the tables and the HTML report of a compare run directory");
  sub->add_option("run_dir", options->run_dir, "Run directory written by `mtbench compare` (holds results.json)")
      ->required();
  sub->add_option("--html", options->html, "Where to write the HTML report (default RUN_DIR/report.html)");
  sub->add_option("--tables", options->tables,
                  "Directory for results.txt/.md/.csv/.summary.json/.tex (default RUN_DIR)");
  sub->add_option("--max-explained", options->max_explained,
                  "Sentences per test set whose explanations go into the HTML report")
      ->check(integer_in(0, 1000000));
  sub->add_flag("--no-html", options->no_html, "Write the tables only");
  sub->add_flag("--no-print", options->no_print, "Do not print the results table");
  sub->footer(
      "The report is one self-contained HTML file (inline CSS, JavaScript and SVG) that opens from "
      "disk.");
  sub->callback([&global, options] {
    apply_global_options(global);
    run_report(*options, global);
  });
}

}  // namespace mtbench::cli
