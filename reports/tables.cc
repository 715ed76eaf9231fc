#include "reports/tables.h"

#include "reports/figures.h"
#include "reports/latex.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "base/text_file.h"
#include "base/time.h"
#include "reports/format.h"

namespace mtbench::reports {
namespace {

// One table, format-independent: cells are plain text (with '±').
struct Table {
  std::string title;                           // caption
  std::vector<std::string> header;             // column names
  std::vector<std::vector<std::string>> rows;  // cells
  std::vector<std::string> notes;              // lines under the table (signatures, legends)
};

// Display width: code points (every character of our tables is single-width).
std::size_t width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string pad(const std::string& s, std::size_t w, bool right) {
  const std::string fill(w > width(s) ? w - width(s) : 0, ' ');
  return right ? fill + s : s + fill;
}

std::string cell(const MetricScore& m) {
  std::string out = fmt::format("{:.1f}", m.score);
  if (m.ci) out += fmt::format(" ± {:.1f}", *m.ci);
  return out;
}

// `all_matrices`: every significance matrix; otherwise only the first of each test set (the
// terminal).
std::vector<Table> build_tables(const RunResults& results, bool all_matrices = true) {
  std::vector<Table> tables;
  for (const auto& test : results.tests) {
    std::vector<std::string> metrics = metric_names(test);
    Table t;
    const std::size_t segments = test.references.empty() ? 0 : test.references[0].size();
    t.title = fmt::format("{} ({} segments)", test.name, segments);
    t.header = {"System", "Year"};
    for (const auto& m : metrics) t.header.push_back(m + (m == "TER" ? " ↓" : ""));
    for (const auto& label : system_order(results, test)) {
      const SystemResults* system = find_system(results, label);
      std::vector<std::string> row = {label, system && system->year ? std::to_string(system->year) : ""};
      for (const auto& m : metrics) {
        const MetricScore* s = find_score(test, label, m);
        row.push_back(s ? cell(*s) : "-");
      }
      t.rows.push_back(std::move(row));
    }
    for (const auto& m : metrics) {
      std::set<std::string> signatures;
      for (const auto& [label, scores] : test.scores)
        for (const auto& s : scores)
          if (s.metric == m && !s.signature.empty()) signatures.insert(s.signature);
      for (const auto& sig : signatures) t.notes.push_back(m + " signature: " + sig);
    }
    if (std::any_of(test.scores.begin(), test.scores.end(), [](const auto& kv) {
          return std::any_of(kv.second.begin(), kv.second.end(), [](const MetricScore& s) { return s.ci.has_value(); });
        }))
      t.notes.push_back("± = half-width of the 95% paired bootstrap confidence interval");
    tables.push_back(std::move(t));

    if (!test.analyses.statistics.empty()) {
      Table a;
      a.title = test.name + ": output statistics";
      a.header = {"System", "Length ratio", "Output words", "Unknown words", "Untranslated words"};
      for (const auto& label : system_order(results, test)) {
        auto it = test.analyses.statistics.find(label);
        if (it == test.analyses.statistics.end()) continue;
        const auto& s = it->second;
        // Unknown words come from explanations, untranslated ones need the source: "-" when absent.
        auto explained = test.explanations.find(label);
        const bool has_explanations =
            explained != test.explanations.end() &&
            std::any_of(explained->second.begin(), explained->second.end(), [](const auto& e) { return !e.is_null(); });
        a.rows.push_back({label, fmt::format("{:.3f}", s.length_ratio), std::to_string(s.output_words),
                          has_explanations ? std::to_string(s.unknown_words) : "-",
                          test.source.empty() ? "-" : std::to_string(s.untranslated_words)});
      }
      tables.push_back(std::move(a));
    }

    for (const auto& m : test.significance) {
      if (!all_matrices && &m != &test.significance.front()) break;
      Table s;
      s.title = fmt::format("{}: paired {} ({} samples), {}: row minus column (p-value)", test.name, m.test, m.samples,
                            m.metric);
      s.header = {""};
      for (const auto& l : m.labels) s.header.push_back(l);
      for (std::size_t r = 0; r < m.labels.size(); ++r) {
        std::vector<std::string> row = {m.labels[r]};
        for (std::size_t c = 0; c < m.labels.size(); ++c) {
          const auto p = r < m.p_values.size() && c < m.p_values[r].size() ? m.p_values[r][c] : std::nullopt;
          const double d = r < m.deltas.size() && c < m.deltas[r].size() ? m.deltas[r][c] : 0.0;
          row.push_back(p ? fmt::format("{:+.1f} ({:.3f}){}", d, *p, *p < 0.05 ? "*" : "") : "-");
        }
        s.rows.push_back(std::move(row));
      }
      s.notes.push_back("* p < 0.05");
      if (!all_matrices && test.significance.size() > 1)
        s.notes.push_back(
            fmt::format("({} more matrices in results.txt and the HTML report)", test.significance.size() - 1));
      tables.push_back(std::move(s));
    }
  }
  if (!results.systems.empty()) {
    Table c;
    c.title = "Costs";
    c.header = {"System", "Training", "Decoding", "Sentences/s", "Model size", "Parameters"};
    for (const auto& s : results.systems) {
      std::string train =
          s.model_dir.empty() && s.train_seconds == 0 ? "-" : format_duration(s.train_seconds, DurationStyle::kSpaced);
      if (s.train_cached) train += " (cached)";
      c.rows.push_back(
          {s.label, train, s.translate_seconds > 0 ? format_duration(s.translate_seconds, DurationStyle::kSpaced) : "-",
           s.sentences_per_second > 0 ? fmt::format("{:.1f}", s.sentences_per_second) : "-",
           s.model_bytes ? format_bytes(s.model_bytes) : "-", s.parameters ? format_count(*s.parameters) : "-"});
    }
    tables.push_back(std::move(c));
  }
  return tables;
}

bool right_aligned(const Table& t, std::size_t column) {
  return column > 0 && t.header.size() > 1;
}

}  // namespace

std::string latex_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "\\&";
        break;
      case '%':
        out += "\\%";
        break;
      case '$':
        out += "\\$";
        break;
      case '#':
        out += "\\#";
        break;
      case '_':
        out += "\\_";
        break;
      case '{':
        out += "\\{";
        break;
      case '}':
        out += "\\}";
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      case '<':
        out += "\\textless{}";
        break;
      case '>':
        out += "\\textgreater{}";
        break;
      case '|':
        out += "\\textbar{}";
        break;
      default:
        out += c;
    }
  }
  // Symbols outside Latin-1 that our own cells use, as math.
  for (const auto& [from, to] :
       std::vector<std::pair<std::string, std::string>>{{"±", "$\\pm$"}, {"↓", "$\\downarrow$"}}) {
    for (std::size_t pos = out.find(from); pos != std::string::npos; pos = out.find(from, pos + to.size()))
      out.replace(pos, from.size(), to);
  }
  return out;
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string render_text_table(const RunResults& results) {
  return render_text_tables(results, false);
}

std::string render_text_tables(const RunResults& results, bool all_matrices) {
  std::string out;
  for (const auto& t : build_tables(results, all_matrices)) {
    std::vector<std::size_t> w(t.header.size(), 0);
    for (std::size_t c = 0; c < t.header.size(); ++c) w[c] = width(t.header[c]);
    for (const auto& row : t.rows)
      for (std::size_t c = 0; c < row.size() && c < w.size(); ++c) w[c] = std::max(w[c], width(row[c]));
    auto line = [&](const std::vector<std::string>& cells) {
      std::string l;
      for (std::size_t c = 0; c < cells.size(); ++c) l += (c ? "  " : "") + pad(cells[c], w[c], right_aligned(t, c));
      while (!l.empty() && l.back() == ' ') l.pop_back();
      return l + "\n";
    };
    std::size_t total = 0;
    for (auto x : w) total += x + 2;
    out += t.title + "\n" + line(t.header) + std::string(total > 2 ? total - 2 : 0, '-') + "\n";
    for (const auto& row : t.rows) out += line(row);
    for (const auto& n : t.notes) out += n + "\n";
    out += "\n";
  }
  for (const auto& l : results.left_out)
    out += fmt::format("left out: {} [{}], {}: {}\n", l.label, l.system,
                       l.stage == "plan" ? "not run" : "failed during " + l.stage, l.reason);
  return out;
}

std::string render_markdown_tables(const RunResults& results) {
  auto escape = [](const std::string& s) {
    std::string o;
    for (char c : s) o += c == '|' ? std::string("\\|") : std::string(1, c);
    return o;
  };
  std::string out = fmt::format("# mtbench results{}\n\n", results.corpus.empty() ? "" : ": " + escape(results.corpus));
  for (const auto& t : build_tables(results)) {
    out += "## " + escape(t.title) + "\n\n|";
    for (const auto& h : t.header) out += " " + escape(h) + " |";
    out += "\n|";
    for (std::size_t c = 0; c < t.header.size(); ++c) out += right_aligned(t, c) ? " ---: |" : " :--- |";
    out += "\n";
    for (const auto& row : t.rows) {
      out += "|";
      for (const auto& cell_text : row) out += " " + escape(cell_text) + " |";
      out += "\n";
    }
    if (!t.notes.empty()) out += "\n";
    for (const auto& n : t.notes) out += "- `" + n + "`\n";
    out += "\n";
  }
  return out;
}

std::string render_csv(const RunResults& results) {
  std::string out =
      "test,system,title,era,year,metric,score,bootstrap_mean,ci95,signature,train_seconds,"
      "sentences_per_second,"
      "model_bytes,parameters\n";
  for (const auto& test : results.tests) {
    for (const auto& label : system_order(results, test)) {
      const SystemResults* s = find_system(results, label);
      auto it = test.scores.find(label);
      if (it == test.scores.end()) continue;
      for (const auto& m : it->second) {
        std::vector<std::string> f = {test.name,
                                      label,
                                      s ? s->title : "",
                                      s ? s->era : "",
                                      s && s->year ? std::to_string(s->year) : "",
                                      m.metric,
                                      fmt::format("{:.4f}", m.score),
                                      m.mean ? fmt::format("{:.4f}", *m.mean) : "",
                                      m.ci ? fmt::format("{:.4f}", *m.ci) : "",
                                      m.signature,
                                      s ? fmt::format("{:.3f}", s->train_seconds) : "",
                                      s ? fmt::format("{:.3f}", s->sentences_per_second) : "",
                                      s ? std::to_string(s->model_bytes) : "",
                                      s && s->parameters ? std::to_string(*s->parameters) : ""};
        for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "," : "") + csv_field(f[i]);
        out += "\n";
      }
    }
  }
  return out;
}

std::string render_json_summary(const RunResults& results) {
  nlohmann::json j = {{"mtbench_version", results.mtbench_version},
                      {"created", results.created},
                      {"corpus", results.corpus},
                      {"source_lang", results.source_lang},
                      {"target_lang", results.target_lang},
                      {"train_size", results.train_size}};
  j["tests"] = nlohmann::json::array();
  for (const auto& test : results.tests) {
    nlohmann::json t = {{"name", test.name}, {"scores", nlohmann::json::object()}};
    for (const auto& [label, scores] : test.scores) {
      for (const auto& m : scores) {
        nlohmann::json s = {{"score", m.score}, {"signature", m.signature}};
        if (m.mean) s["bootstrap_mean"] = *m.mean;
        if (m.ci) s["ci95"] = *m.ci;
        t["scores"][label][m.metric] = s;
      }
    }
    t["significance"] = nlohmann::json::array();
    for (const auto& m : test.significance) {
      nlohmann::json p = nlohmann::json::array();
      for (const auto& row : m.p_values) {
        nlohmann::json r = nlohmann::json::array();
        for (const auto& v : row) r.push_back(v ? nlohmann::json(*v) : nlohmann::json(nullptr));
        p.push_back(r);
      }
      t["significance"].push_back({{"metric", m.metric},
                                   {"test", m.test},
                                   {"samples", m.samples},
                                   {"labels", m.labels},
                                   {"p_values", p},
                                   {"deltas", m.deltas}});
    }
    j["tests"].push_back(t);
  }
  j["costs"] = nlohmann::json::array();
  for (const auto& s : results.systems) {
    nlohmann::json c = {{"label", s.label},
                        {"system", s.system},
                        {"year", s.year},
                        {"train_seconds", s.train_seconds},
                        {"train_cached", s.train_cached},
                        {"translate_seconds", s.translate_seconds},
                        {"sentences_per_second", s.sentences_per_second},
                        {"model_bytes", s.model_bytes}};
    c["parameters"] = s.parameters ? nlohmann::json(*s.parameters) : nlohmann::json(nullptr);
    j["costs"].push_back(c);
  }
  return j.dump(2) + "\n";
}

std::string render_latex(const RunResults& results) {
  return latex_document(results);  // reports/latex.h: the tables of tables/*.tex in one article
}

void write_tables(const RunResults& results, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  write_file_atomic(dir / "results.txt", render_text_tables(results, true));
  write_file_atomic(dir / "results.md", render_markdown_tables(results));
  write_file_atomic(dir / "results.csv", render_csv(results));
  write_file_atomic(dir / "results.summary.json", render_json_summary(results));
  write_latex(results, dir);    // results.tex and tables/*.tex
  write_figures(results, dir);  // figures/*.svg
}

std::string render_pairs_table(const std::vector<RunResults>& runs) {
  std::vector<std::string> labels;
  for (const auto& r : runs)
    for (const auto& s : r.systems)
      if (std::find(labels.begin(), labels.end(), s.label) == labels.end()) labels.push_back(s.label);
  for (const auto& r : runs)
    for (const auto& l : r.left_out)
      if (std::find(labels.begin(), labels.end(), l.label) == labels.end()) labels.push_back(l.label);
  std::string metric = "BLEU";
  if (!runs.empty() && !runs[0].tests.empty())
    for (const auto& [label, scores] : runs[0].tests[0].scores)
      if (!scores.empty()) metric = scores[0].metric;
  std::string out = fmt::format("\n{} by language pair (first test set of each)\n{:<24}", metric, "System");
  for (const auto& r : runs) out += fmt::format(" {:>12}", r.source_lang + "-" + r.target_lang);
  out += "\n";
  for (const auto& label : labels) {
    out += fmt::format("{:<24}", label);
    for (const auto& r : runs) {
      std::string cell = "-";
      if (!r.tests.empty()) {
        const auto it = r.tests[0].scores.find(label);
        if (it != r.tests[0].scores.end() && !it->second.empty()) cell = fmt::format("{:.1f}", it->second[0].score);
      }
      for (const auto& l : r.left_out)
        if (l.label == label) cell = l.stage == "plan" ? "unsupported" : "failed";
      out += fmt::format(" {:>12}", cell);
    }
    out += "\n";
  }
  return out;
}

}  // namespace mtbench::reports
