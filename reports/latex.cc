#include "reports/latex.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>

#include "base/text_file.h"
#include "reports/tables.h"

namespace mtbench::reports {
namespace {

// File stems and labels: letters, digits, '-' and '_' only.
std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  return out.empty() ? "x" : out;
}

const MetricScore* find_score(const TestSetResults& t, const std::string& label, const std::string& metric) {
  const auto it = t.scores.find(label);
  if (it == t.scores.end()) return nullptr;
  for (const auto& s : it->second)
    if (s.metric == metric) return &s;
  return nullptr;
}

// System labels in the run's order, then any others with scores.
std::vector<std::string> labels_of(const RunResults& r, const TestSetResults& t) {
  std::vector<std::string> out;
  for (const auto& s : r.systems)
    if (t.scores.count(s.label)) out.push_back(s.label);
  for (const auto& [label, scores] : t.scores)
    if (std::find(out.begin(), out.end(), label) == out.end()) out.push_back(label);
  return out;
}

std::vector<std::string> metrics_of(const TestSetResults& t) {
  std::vector<std::string> out;
  for (const auto& [label, scores] : t.scores)
    for (const auto& s : scores)
      if (std::find(out.begin(), out.end(), s.metric) == out.end()) out.push_back(s.metric);
  auto rank = [](const std::string& m) { return m.rfind("BLEU", 0) == 0 ? 0 : m.rfind("chrF", 0) == 0 ? 1 : 2; };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  return out;
}

std::string scores_table(const RunResults& r, const TestSetResults& t) {
  const auto labels = labels_of(r, t);
  const auto metrics = metrics_of(t);
  std::map<std::string, double> best;
  for (const auto& m : metrics) {
    bool first = true;
    for (const auto& l : labels)
      if (const auto* s = find_score(t, l, m)) {
        if (first || (s->higher_is_better ? s->score > best[m] : s->score < best[m])) best[m] = s->score;
        first = false;
      }
  }
  std::map<std::string, int> years;
  for (const auto& s : r.systems) years[s.label] = s.year;
  std::string out = "\\begin{table}[t]\n\\centering\n\\begin{tabular}{lr";
  for (std::size_t i = 0; i < metrics.size(); ++i) out += "r";
  out += "}\n\\toprule\nSystem & Year";
  for (const auto& m : metrics) {
    bool lower = false;
    for (const auto& l : labels)
      if (const auto* s = find_score(t, l, m)) lower = !s->higher_is_better;
    out += " & " + latex_escape(m) + (lower ? " $\\downarrow$" : " $\\uparrow$");
  }
  out += " \\\\\n\\midrule\n";
  for (const auto& l : labels) {
    const auto y = years.find(l);
    out += latex_escape(l) + " & " + (y != years.end() && y->second > 0 ? std::to_string(y->second) : "--");
    for (const auto& m : metrics) {
      const auto* s = find_score(t, l, m);
      if (!s) {
        out += " & --";
        continue;
      }
      // Bold on the printed value, so ties at the shown precision are all bold.
      const bool is_best = fmt::format("{:.1f}", s->score) == fmt::format("{:.1f}", best[m]);
      std::string cell = latex_number(s->score, 1);
      if (is_best) cell = "\\textbf{" + cell + "}";
      if (s->ci) cell += " {\\small$\\pm$" + fmt::format("{:.1f}", *s->ci) + "}";
      out += " & " + cell;
    }
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  std::string signatures;
  for (const auto& m : metrics)
    for (const auto& l : labels)
      if (const auto* s = find_score(t, l, m)) {
        {
          // Signatures are long: allow a line break after every field.
          std::string sig = latex_escape(m + ": " + s->signature);
          for (std::size_t at = sig.find("\\textbar{}"); at != std::string::npos; at = sig.find("\\textbar{}", at + 20))
            sig.insert(at + 10, "\\allowbreak ");
          signatures += "\\\\ \\texttt{" + sig + "}";
        }
        break;
      }
  out += "\\caption{Scores on " + latex_escape(t.name) + " (" +
         std::to_string(t.references.empty() ? 0 : t.references[0].size()) +
         " segments; cased detokenized sacreBLEU-compatible scores; $\\pm$: half-width of the 95\\% paired bootstrap "
         "interval; bold: best).}\n";
  out += "\\label{tab:mtbench-scores-" + slug(t.name) + "}\n";
  if (!signatures.empty()) out += "{\\scriptsize\\raggedright" + signatures.substr(2) + "\\par}\n";
  return out + "\\end{table}\n";
}

std::string significance_table(const TestSetResults& t, const SignificanceMatrix& m) {
  const std::size_t n = m.labels.size();
  std::string out = "\\begin{table}[t]\n\\centering\n\\scriptsize\n\\setlength{\\tabcolsep}{3pt}\n\\begin{tabular}{l";
  for (std::size_t j = 0; j < n; ++j) out += "r";
  // Columns are numbered (rows say which system each number is): an all-pairs matrix of long
  // labels would not fit a page.
  out += "}\n\\toprule\n";
  for (std::size_t j = 0; j < n; ++j) out += " & (" + std::to_string(j + 1) + ")";
  out += " \\\\\n\\midrule\n";
  for (std::size_t i = 0; i < n; ++i) {
    out += "(" + std::to_string(i + 1) + ") " + latex_escape(m.labels[i]);
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j || i >= m.p_values.size() || j >= m.p_values[i].size() || !m.p_values[i][j]) {
        out += " & --";
        continue;
      }
      const double p = *m.p_values[i][j];
      const double d = i < m.deltas.size() && j < m.deltas[i].size() ? m.deltas[i][j] : 0.0;
      std::string cell = latex_number(d, 1) + " (" + latex_p_value(p) + ")";
      if (p < 0.05) cell = "\\textbf{" + cell + "}";
      out += " & " + cell;
    }
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  const std::size_t pairs = n * (n - 1) / 2;
  out += fmt::format(
      "\\caption{{Paired {} test of {} on {} ({} {}): row minus column, its $p$-value in parentheses; bold: $p<0.05$. "
      "Multiple comparisons: {} tested and no correction is applied, so about {} of them may reach "
      "$p<0.05$ by chance; the Bonferroni threshold for this table is $p<{}$.}}\n",
      m.test == "bootstrap" ? "bootstrap" : "approximate randomization", latex_escape(m.metric), latex_escape(t.name),
      m.samples, m.test == "bootstrap" ? "resamples" : "trials",
      pairs == 1 ? std::string("1 pair is") : fmt::format("{} pairs are", pairs), fmt::format("{:.2g}", 0.05 * pairs),
      pairs ? fmt::format("{:.2g}", 0.05 / pairs) : std::string("0.05"));
  out += "\\label{tab:mtbench-significance-" + slug(t.name) + "-" + slug(m.metric) + "-" + slug(m.test) + "}\n";
  return out + "\\end{table}\n";
}

// BLEU by source length (Bahdanau et al. 2014, fig. 2 as a table): one row per system, one
// column per bucket (its sentence count in the header), 95% intervals below the values.
std::string length_table(const RunResults& r, const TestSetResults& t) {
  const auto& buckets = t.analyses.length_buckets;
  std::vector<std::string> labels;
  for (const auto& l : labels_of(r, t))
    for (const auto& b : buckets)
      if (b.values.count(l)) {
        labels.push_back(l);
        break;
      }
  std::string out = "\\begin{table}[t]\n\\centering\n\\footnotesize\n\\setlength{\\tabcolsep}{4pt}\n\\begin{tabular}{l";
  for (std::size_t i = 0; i < buckets.size(); ++i) out += "r";
  out += "}\n\\toprule\nWords";
  for (const auto& b : buckets) out += " & " + latex_escape(b.label);
  out += " \\\\\nSentences";
  for (const auto& b : buckets) out += " & " + std::to_string(b.count);
  out += " \\\\\n\\midrule\n";
  for (const auto& l : labels) {
    std::string values = latex_escape(l), intervals;
    for (const auto& b : buckets) {
      const auto v = b.values.find(l);
      values += " & " + (v == b.values.end() ? std::string("--") : latex_number(v->second, 1));
      const auto ci = b.intervals.find(l);
      intervals += " & ";
      if (ci != b.intervals.end() && ci->second.size() == 2)
        intervals += "{\\scriptsize[" + latex_number(ci->second[0], 1) + ", " + latex_number(ci->second[1], 1) + "]}";
    }
    out += values + " \\\\\n";
    if (intervals.find('[') != std::string::npos) out += intervals + " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  out += "\\caption{BLEU by source-sentence length (13a tokens) on " + latex_escape(t.name) +
         ": corpus BLEU of each bucket's sentences, its 95\\% bootstrap interval below; buckets under 10 sentences "
         "merged into a neighbour.}\n";
  out += "\\label{tab:mtbench-length-" + slug(t.name) + "}\n";
  return out + "\\end{table}\n";
}

}  // namespace

std::string latex_number(double value, int decimals) {
  const std::string digits = fmt::format("{:.{}f}", std::fabs(value), decimals);
  const bool negative = value < 0 && digits.find_first_not_of("0.") != std::string::npos;
  return (negative ? "$-$" : "") + digits;
}

std::string latex_p_value(double p) {
  return p < 0.001 ? "$<$0.001" : fmt::format("{:.3f}", p);
}

std::vector<LatexTable> latex_tables(const RunResults& results) {
  std::vector<LatexTable> out;
  std::set<std::string> used;
  auto unique = [&](std::string stem) {
    std::string s = stem;
    for (int k = 2; !used.insert(s).second; ++k) s = stem + "-" + std::to_string(k);
    return s;
  };
  for (const auto& t : results.tests) {
    if (t.scores.empty()) continue;
    out.push_back({unique("scores-" + slug(t.name)), scores_table(results, t)});
    if (!t.analyses.length_buckets.empty()) out.push_back({unique("length-" + slug(t.name)), length_table(results, t)});
    for (const auto& m : t.significance)
      if (m.labels.size() > 1)
        out.push_back({unique("significance-" + slug(t.name) + "-" + slug(m.metric) + "-" + slug(m.test)),
                       significance_table(t, m)});
  }
  return out;
}

std::string latex_document(const RunResults& results) {
  std::string out = "% Generated by mtbench " + latex_escape(results.mtbench_version) +
                    ": every table of tables/*.tex; compiles with pdflatex as is.\n"
                    "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n\\usepackage[T1]{fontenc}\n"
                    "\\usepackage{booktabs}\n\\usepackage{graphicx}\n\\usepackage[margin=2cm]{geometry}\n"
                    "\\begin{document}\n";
  for (const auto& t : latex_tables(results)) out += "% tables/" + t.stem + ".tex\n" + t.latex + "\n";
  return out + "\\end{document}\n";
}

void write_latex(const RunResults& results, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir / "tables");
  for (const auto& t : latex_tables(results))
    write_file_atomic(dir / "tables" / (t.stem + ".tex"), "% mtbench " + results.mtbench_version +
                                                              ": needs \\usepackage{booktabs}; \\input{tables/" +
                                                              t.stem + "}\n" + t.latex);
  write_file_atomic(dir / "results.tex", latex_document(results));
}

}  // namespace mtbench::reports
