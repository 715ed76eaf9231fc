#pragma once
// Output formatting of `mtbench score`, byte-compatible with the sacrebleu command
// (sacrebleu/utils.py print_single_results / print_results_table, metrics/base.py
// Score.format): Python's float repr and json.dumps, and the two tabulate layouts sacreBLEU
// uses (fancy_grid for text, latex_booktabs for LaTeX).

#include <optional>
#include <string>
#include <vector>

namespace mtbench::cli {

// Python's repr() of a float: shortest round-trip digits, ".0" for integral values,
// exponent form below 1e-4 and from 1e16 ("9.999000099990002e-05").
std::string python_float(double value);
// A JSON string literal as Python's json.dumps writes it; `ensure_ascii` escapes non-ASCII
// characters as \uXXXX (UTF-16 surrogate pairs above U+FFFF).
std::string json_string(const std::string& text, bool ensure_ascii);

// One metric's single-system result, as Score.format(..., is_json=True) prints it.
struct SingleScore {
  std::string name;            // "BLEU", "chrF2", "TER"
  double score = 0.0;          // the corpus score
  std::string signature;       // the full signature string
  std::string verbose;         // BLEU's verbose part; empty for the others
  std::optional<double> mean;  // bootstrap mean (-ci)
  std::optional<double> ci;    // bootstrap 95% half-width (-ci)
};
// Score.format: "BLEU|sig = 26.1 58.8/... " (text), the JSON object (json), or only the
// score (score_only, any format).
std::string format_single(const SingleScore& score, int width, bool score_only, bool json);
// print_single_results: several JSON objects become a list; text lines are aligned on '='.
std::string join_single_results(const std::vector<std::string>& results, bool json);

// A table cell alignment, as tabulate names them.
enum class Align { kRight, kCenter };
// tabulate(..., tablefmt="fancy_grid") with sacreBLEU's alignments; cells may span lines.
std::string fancy_grid(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<Align>& aligns);
// tabulate(..., tablefmt="latex_booktabs"), LaTeX special characters escaped.
std::string latex_booktabs(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                           const std::vector<Align>& aligns);

}  // namespace mtbench::cli
