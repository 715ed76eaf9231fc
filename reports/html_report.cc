#include "reports/html_report.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "base/error.h"
#include "base/text_file.h"
#include "reports/html_assets.h"

namespace mtbench::reports {
namespace {

// Standard base64 (RFC 4648, with padding), as the page's atob() reads it.
std::string base64(const std::string& bytes) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t k = 0; k < 3; ++k) chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(chunk >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// Attention weights as bytes between the matrix's minimum and maximum (1/255 is finer than any
// colour scale shows), base64-encoded: 1.33 characters per weight instead of ~8 for decimals,
// which keeps a default run's report well under 20 MB. Query and key vectors (kinds ending in
// "-query" or "-key", the neuron view) take two bytes per value ("q16"): the page recomputes
// their dot products, where 8-bit steps would add up over a head's dimensions.
void quantize_attention(nlohmann::json& explanation) {
  if (!explanation.is_object() || !explanation.contains("attention")) return;
  for (auto& matrix : explanation["attention"]) {
    if (!matrix.is_object() || !matrix.contains("weights") || !matrix["weights"].is_array()) continue;
    const auto& weights = matrix["weights"];
    double lo = 0.0, hi = 1.0;
    for (const auto& w : weights) {
      if (!w.is_number()) continue;
      lo = std::min(lo, w.get<double>());
      hi = std::max(hi, w.get<double>());
    }
    const std::string kind = matrix.value("kind", "");
    const auto ends_with = [&kind](const std::string& tail) {
      return kind.size() >= tail.size() && kind.compare(kind.size() - tail.size(), tail.size(), tail) == 0;
    };
    const bool wide = ends_with("-query") || ends_with("-key");
    std::string bytes;
    for (const auto& w : weights) {
      const double v = w.is_number() ? w.get<double>() : 0.0;
      if (wide) {
        const auto level = static_cast<unsigned>(std::lround((v - lo) / (hi - lo) * 65535.0));
        bytes += static_cast<char>(level >> 8);
        bytes += static_cast<char>(level & 255);
      } else {
        bytes += static_cast<char>(std::lround((v - lo) / (hi - lo) * 255.0));
      }
    }
    matrix.erase("weights");
    matrix[wide ? "q16" : "q"] = base64(bytes);
    matrix["lo"] = lo;
    matrix["hi"] = hi;
  }
  // Every head of every layer repeats the same token lists: stored once per explanation
  // ("token_lists"), matrices keep indices "r" (rows) and "c" (columns).
  nlohmann::json lists = nlohmann::json::array();
  auto index_of = [&lists](const nlohmann::json& tokens) {
    for (std::size_t i = 0; i < lists.size(); ++i)
      if (lists[i] == tokens) return i;
    lists.push_back(tokens);
    return lists.size() - 1;
  };
  for (auto& matrix : explanation["attention"]) {
    if (!matrix.is_object()) continue;
    for (const auto& [key, short_key] : {std::pair{"row_tokens", "r"}, std::pair{"col_tokens", "c"}}) {
      if (!matrix.contains(key)) continue;
      matrix[short_key] = index_of(matrix[key]);
      matrix.erase(key);
    }
  }
  explanation["token_lists"] = std::move(lists);
}

// Sentence scores rounded to 0.01 (the page shows 0.1).
void round_sentence_scores(nlohmann::json& test) {
  if (!test.contains("sentence_scores")) return;
  for (auto& [label, metrics] : test["sentence_scores"].items()) {
    (void)label;
    for (auto& [metric, values] : metrics.items()) {
      (void)metric;
      for (auto& v : values)
        if (v.is_number_float()) v = std::round(v.get<double>() * 100.0) / 100.0;
    }
  }
}

}  // namespace

const std::vector<std::string>& html_section_ids() {
  static const std::vector<std::string> ids = {"about",
                                               "summary",
                                               "timeline",
                                               "significance",
                                               "length-buckets",
                                               "frequency-buckets",
                                               "ngrams",
                                               "sentence-buckets",
                                               "examples",
                                               "explanations",
                                               "model-view",
                                               "neuron-view",
                                               "positional-encoding",
                                               "learning-curves",
                                               "norms",
                                               "costs",
                                               "data-efficiency"};
  return ids;
}

nlohmann::json html_report_data(const RunResults& results, const HtmlReportOptions& options) {
  nlohmann::json data = to_json(results);
  data.erase("train_word_counts");
  for (auto& test : data["tests"]) {
    round_sentence_scores(test);
    if (!test.contains("explanations")) continue;
    std::set<std::size_t> on_demand;
    if (test.contains("explained_on_demand") && test["explained_on_demand"].is_array())
      for (const auto& i : test["explained_on_demand"])
        if (i.is_number_unsigned()) on_demand.insert(i.get<std::size_t>());
    for (auto& [label, list] : test["explanations"].items()) {
      (void)label;
      if (!list.is_array()) continue;
      if (list.size() > options.max_explained_segments) {
        // The first segments, plus those explained on demand (`mtbench explain`); the rest null.
        std::size_t keep = options.max_explained_segments;
        for (std::size_t i = options.max_explained_segments; i < list.size(); ++i) {
          if (on_demand.count(i) && !list[i].is_null())
            keep = i + 1;
          else
            list[i] = nullptr;
        }
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(keep), list.end());
      }
      for (auto& e : list) quantize_attention(e);
    }
  }
  data["report_options"] = {{"max_explained_segments", options.max_explained_segments}};
  return data;
}

std::string json_for_script(const nlohmann::json& json) {
  const std::string text = json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 50);
  for (char c : text) {
    // '<' only occurs inside JSON strings, where \u003c is the same character.
    if (c == '<') {
      out += "\\u003c";
    } else {
      out += c;
    }
  }
  return out;
}

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

namespace {

// The page around a data blob: one run ({...}) or several ({"runs": [...]}).
std::string render_page(const RunResults& first, const nlohmann::json& data, const std::string& title,
                        bool multi_pair) {
  std::vector<std::pair<std::string, std::string>> headings = {
      {"about", "About this run"},
      {"summary", "Results"},
      {"timeline", "Seventy years of machine translation"},
      {"significance", "Paired significance"},
      {"length-buckets", "Score by source-sentence length"},
      {"frequency-buckets", "Word accuracy by training frequency"},
      {"ngrams", "Salient n-gram differences"},
      {"sentence-buckets", "Sentence-level analyses"},
      {"examples", "Sentence browser"},
      {"explanations", "Inside the systems"},
      {"model-view", "Model view: every layer and head"},
      {"neuron-view", "Neuron view: queries and keys"},
      {"positional-encoding", "Positional encodings"},
      {"learning-curves", "Learning curves"},
      {"norms", "Pre-LN vs post-LN"},
      {"costs", "Costs"},
      {"data-efficiency", "Data efficiency"}};
  if (multi_pair) headings.insert(headings.begin(), {"pairs", "Language pairs"});
  std::string nav, sections;
  for (const auto& [id, heading] : headings) {
    nav += fmt::format("<a href=\"#{}\">{}</a>", id, html_escape(heading));
    sections += fmt::format(
        "<section id=\"{0}\" class=\"card\"><h2>{1}</h2><div class=\"body\" id=\"{0}-body\">"
        "<p class=\"muted\">Rendering needs JavaScript.</p></div></section>\n",
        id, html_escape(heading));
  }
  std::string page;
  page += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  page += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  page += "<meta name=\"generator\" content=\"mtbench " + html_escape(first.mtbench_version) + "\">\n";
  page += "<title>" + html_escape(title) + "</title>\n<style>\n" + std::string(report_css()) + "</style>\n</head>\n";
  page += "<body>\n<header class=\"top\"><div class=\"brand\"><h1>" + html_escape(title) + "</h1>";
  page +=
      "<div class=\"meta\" id=\"run-meta\"></div></div><div class=\"controls\" "
      "id=\"test-select-box\"></div></header>\n";
  page += "<nav class=\"toc\">" + nav + "</nav>\n";
  page += "<pre id=\"js-errors\" hidden></pre>\n<main>\n" + sections + "</main>\n";
  page += "<footer>Generated by mtbench " + html_escape(first.mtbench_version) + " " + html_escape(first.created) +
          ". Self-contained: no network access needed.</footer>\n";
  page += "<script type=\"application/json\" id=\"mtbench-data\">" + json_for_script(data) + "</script>\n";
  page += "<script>\n" + std::string(report_js()) + "</script>\n</body>\n</html>\n";
  return page;
}

}  // namespace

std::string render_html_report(const RunResults& results, const HtmlReportOptions& options) {
  std::string title = options.title;
  if (title.empty()) {
    title = "mtbench report";
    if (!results.corpus.empty()) title += ": " + results.corpus;
    if (!results.source_lang.empty()) title += " " + results.source_lang + "\u2192" + results.target_lang;
  }
  return render_page(results, html_report_data(results, options), title, false);
}

std::string render_multi_pair_report(const std::vector<RunResults>& runs, const HtmlReportOptions& options) {
  if (runs.empty()) fail("multi-pair report: no runs");
  std::string title = options.title;
  if (title.empty()) {
    title = "mtbench report";
    if (!runs.front().corpus.empty()) title += ": " + runs.front().corpus;
    title += ", " + std::to_string(runs.size()) + " language pairs";
  }
  nlohmann::json data = {{"runs", nlohmann::json::array()}};
  for (const auto& r : runs) data["runs"].push_back(html_report_data(r, options));
  return render_page(runs.front(), data, title, true);
}

void write_multi_pair_report(const std::vector<RunResults>& runs, const std::filesystem::path& file,
                             const HtmlReportOptions& options) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  write_file_atomic(file, render_multi_pair_report(runs, options));
}

void write_html_report(const RunResults& results, const std::filesystem::path& file) {
  write_html_report(results, file, HtmlReportOptions{});
}

void write_html_report(const RunResults& results, const std::filesystem::path& file, const HtmlReportOptions& options) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  write_file_atomic(file, render_html_report(results, options));
}

}  // namespace mtbench::reports
