#pragma once
// The self-contained HTML report: one file with inline CSS, JavaScript and SVG (no network
// access; it opens from disk). The run's data is embedded once as a JSON blob
// (<script type="application/json" id="mtbench-data">) that the page's script renders into
// sections with fixed ids: summary, timeline, significance, length-buckets,
// frequency-buckets, ngrams, examples, explanations, learning-curves, costs, data-efficiency.
// When rendering finishes the script sets data-rendered="true" on <html>; script errors and
// console.error calls are counted in data-errors and listed in #js-errors (the browser test
// reads both from the DOM).

#include <cstddef>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "reports/run_results.h"

namespace mtbench::reports {

// What goes into the page.
struct HtmlReportOptions {
  std::size_t max_explained_segments = 100;  // explanations kept for the first N segments of each test set
  std::string title;                         // page title; "" = "mtbench report: <corpus> <src>-<tgt>"
};

// The ids of the report's sections, in page order.
const std::vector<std::string>& html_section_ids();

// The JSON blob the page renders: the run without training word counts, explanations cut to
// max_explained_segments, attention weights quantized to bytes between "lo" and "hi" and
// base64-encoded ({"q": "...", "lo", "hi"}; weight = lo + byte / 255 * (hi - lo)), token lists
// stored once per explanation ("token_lists"; matrices keep indices "r" and "c"), sentence
// scores rounded to 0.01.
nlohmann::json html_report_data(const RunResults& results, const HtmlReportOptions& options);

// JSON text safe inside <script>: every '<' written as \u003c (so neither "</script>" nor
// "<!--" can occur); invalid UTF-8 replaced.
std::string json_for_script(const nlohmann::json& json);
// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(const std::string& text);

// The whole page.
std::string render_html_report(const RunResults& results, const HtmlReportOptions& options = {});
// One page for the same comparison in several language pairs (`compare --pairs`): a pair
// selector in the header switches every section to that pair's run, and a "Language pairs"
// section tables every pair against every system. `runs` must not be empty.
std::string render_multi_pair_report(const std::vector<RunResults>& runs, const HtmlReportOptions& options = {});
void write_multi_pair_report(const std::vector<RunResults>& runs, const std::filesystem::path& file,
                             const HtmlReportOptions& options = {});
// Writes render_html_report() to `file` atomically (parent directories created).
void write_html_report(const RunResults& results, const std::filesystem::path& file);
void write_html_report(const RunResults& results, const std::filesystem::path& file, const HtmlReportOptions& options);

}  // namespace mtbench::reports
