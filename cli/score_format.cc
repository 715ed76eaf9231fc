#include "cli/score_format.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>

#include <fmt/format.h>

namespace mtbench::cli {
namespace {

// Number of code points (tabulate measures cells in characters).
std::size_t char_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string strip(const std::string& s) {
  const char* ws = " \t\n\r\f\v";
  const std::size_t b = s.find_first_not_of(ws);
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(ws) - b + 1);
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t nl = s.find('\n', start);
    out.push_back(s.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

// Python's str.format alignment: '>' pads left; '^' puts the odd space on the right.
std::string pad(const std::string& s, std::size_t width, Align align) {
  const std::size_t w = char_width(s);
  if (w >= width) return s;
  const std::size_t total = width - w;
  if (align == Align::kRight) return std::string(total, ' ') + s;
  const std::size_t left = total / 2;
  return std::string(left, ' ') + s + std::string(total - left, ' ');
}

// tabulate's column layout: every cell stripped, column width = max(header + 2, cells).
struct Layout {
  std::vector<std::size_t> widths;                           // per column
  std::vector<std::string> headers;                          // aligned headers
  std::vector<std::vector<std::vector<std::string>>> cells;  // [row][col][line], aligned
};

Layout layout(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
              const std::vector<Align>& aligns) {
  Layout l;
  const std::size_t ncols = headers.size();
  l.widths.assign(ncols, 0);
  std::vector<std::vector<std::vector<std::string>>> lines(rows.size());
  for (std::size_t c = 0; c < ncols; ++c) l.widths[c] = char_width(headers[c]) + 2;
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < ncols; ++c) {
      lines[r].push_back(split_lines(strip(c < rows[r].size() ? rows[r][c] : "")));
      for (const auto& line : lines[r].back()) l.widths[c] = std::max(l.widths[c], char_width(line));
    }
  for (std::size_t c = 0; c < ncols; ++c) l.headers.push_back(pad(headers[c], l.widths[c], aligns[c]));
  l.cells.resize(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < ncols; ++c) {
      l.cells[r].emplace_back();
      for (const auto& line : lines[r][c]) l.cells[r][c].push_back(pad(line, l.widths[c], aligns[c]));
    }
  return l;
}

std::string rule(const Layout& l, const char* begin, const char* fill, const char* sep, const char* end) {
  std::string out = begin;
  for (std::size_t c = 0; c < l.widths.size(); ++c) {
    if (c > 0) out += sep;
    for (std::size_t i = 0; i < l.widths[c] + 2; ++i) out += fill;
  }
  return out + end;
}

std::string latex_escape(const std::string& s) {
  static const std::map<char, std::string> rules = {{'&', "\\&"},
                                                    {'%', "\\%"},
                                                    {'$', "\\$"},
                                                    {'#', "\\#"},
                                                    {'_', "\\_"},
                                                    {'^', "\\^{}"},
                                                    {'{', "\\{"},
                                                    {'}', "\\}"},
                                                    {'~', "\\textasciitilde{}"},
                                                    {'\\', "\\textbackslash{}"},
                                                    {'<', "\\ensuremath{<}"},
                                                    {'>', "\\ensuremath{>}"}};
  std::string out;
  for (char c : s) {
    auto it = rules.find(c);
    out += it == rules.end() ? std::string(1, c) : it->second;
  }
  return out;
}

}  // namespace

std::string python_float(double value) {
  if (std::isnan(value)) return "NaN";  // json.dumps spelling
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value == 0) return std::signbit(value) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  std::string sign;
  if (sci[0] == '-') {
    sign = "-";
    sci = sci.substr(1);
  }
  const std::size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exponent = std::stoi(sci.substr(e + 1));
  if (exponent < -4 || exponent >= 16) {
    std::string mantissa = digits.substr(0, 1);
    if (digits.size() > 1) mantissa += "." + digits.substr(1);
    return sign + mantissa + fmt::format("e{}{:02d}", exponent < 0 ? '-' : '+', std::abs(exponent));
  }
  if (exponent < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
  const auto int_digits = static_cast<std::size_t>(exponent + 1);
  if (digits.size() <= int_digits) return sign + digits + std::string(int_digits - digits.size(), '0') + ".0";
  return sign + digits.substr(0, int_digits) + "." + digits.substr(int_digits);
}

std::string json_string(const std::string& text, bool ensure_ascii) {
  std::string out = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\u{:04x}", c);
    } else if (c < 0x80 || !ensure_ascii) {
      out += static_cast<char>(c);
    } else {
      // Decode one UTF-8 sequence (input is validated UTF-8).
      int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      std::uint32_t cp = c & (0x3F >> extra);
      for (int k = 0; k < extra && i + 1 < text.size(); ++k)
        cp = (cp << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      if (cp >= 0x10000) {
        cp -= 0x10000;
        out += fmt::format("\\u{:04x}\\u{:04x}", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
      } else {
        out += fmt::format("\\u{:04x}", cp);
      }
    }
  }
  return out + "\"";
}

std::string format_single(const SingleScore& s, int width, bool score_only, bool json) {
  std::string sc = fmt::format("{:.{}f}", s.score, width);
  std::string confidence;
  const bool has_ci = s.mean && *s.mean > 0;  // sacreBLEU tests `self._mean > 0`
  if (has_ci) {
    confidence = fmt::format("μ = {:.{}f} ± {:.{}f}", *s.mean, width, *s.ci, width);
    sc += " (" + confidence + ")";
  }
  if (score_only) return sc;
  if (!json) {
    std::string line = (s.signature.empty() ? s.name : s.name + "|" + s.signature) + " = " + sc;
    if (!s.verbose.empty()) line += " " + s.verbose;
    return line;
  }
  // json.dumps(d, indent=1, ensure_ascii=False)
  std::vector<std::pair<std::string, std::string>> fields = {
      {"name", json_string(s.name, false)},
      {"score", python_float(std::stod(fmt::format("{:.{}f}", s.score, width)))},
      {"signature", json_string(s.signature, false)}};
  if (has_ci) {
    fields.emplace_back("confidence_mean", python_float(std::stod(fmt::format("{:.{}f}", *s.mean, width))));
    fields.emplace_back("confidence_var", python_float(std::stod(fmt::format("{:.{}f}", *s.ci, width))));
    fields.emplace_back("confidence", json_string(confidence, false));
  }
  if (!s.verbose.empty()) fields.emplace_back("verbose_score", json_string(s.verbose, false));
  std::size_t start = 0;
  while (!s.signature.empty() && start <= s.signature.size()) {
    std::size_t bar = s.signature.find('|', start);
    if (bar == std::string::npos) bar = s.signature.size();
    const std::string param = s.signature.substr(start, bar - start);
    const std::size_t colon = param.find(':');
    const std::string key = param.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : param.substr(colon + 1);
    bool replaced = false;  // a Python dict keeps the first position of a repeated key
    for (auto& f : fields)
      if (f.first == key) {
        f.second = json_string(value, false);
        replaced = true;
      }
    if (!replaced) fields.emplace_back(key, json_string(value, false));
    start = bar + 1;
  }
  std::string out = "{\n";
  for (std::size_t i = 0; i < fields.size(); ++i)
    out += " " + json_string(fields[i].first, false) + ": " + fields[i].second + (i + 1 < fields.size() ? ",\n" : "\n");
  return out + "}";
}

std::string join_single_results(const std::vector<std::string>& results, bool json) {
  if (results.empty()) return "";
  if (json) {
    if (results.size() == 1) return results[0] + "\n";
    std::string out = "[\n";
    for (std::size_t i = 0; i < results.size(); ++i) out += results[i] + (i + 1 < results.size() ? ",\n" : "\n");
    return out + "]\n";
  }
  if (results.size() == 1) return results[0] + "\n";
  // Align on '=' (lines without one, i.e. score-only lines, are printed as they come).
  std::string out;
  std::vector<std::pair<std::size_t, std::string>> aligned;
  for (const auto& line : results) {
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos) {
      out += line + "\n";
    } else {
      aligned.emplace_back(eq - 1, line);
    }
  }
  std::size_t w = 0;
  for (const auto& [len, line] : aligned) w = std::max(w, len);
  for (const auto& [len, line] : aligned) out += std::string(w - len, ' ') + line + "\n";
  return out;
}

std::string fancy_grid(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                       const std::vector<Align>& aligns) {
  const Layout l = layout(headers, rows, aligns);
  std::string out = rule(l, "╒", "═", "╤", "╕") + "\n";
  auto row_line = [&](const std::vector<std::string>& cells) {
    std::string line = "│";
    for (std::size_t c = 0; c < cells.size(); ++c) line += " " + cells[c] + " │";
    return line + "\n";
  };
  out += row_line(l.headers);
  out += rule(l, "╞", "═", "╪", "╡") + "\n";
  for (std::size_t r = 0; r < l.cells.size(); ++r) {
    std::size_t nlines = 0;
    for (const auto& cell : l.cells[r]) nlines = std::max(nlines, cell.size());
    for (std::size_t k = 0; k < nlines; ++k) {
      std::vector<std::string> parts;
      for (std::size_t c = 0; c < l.cells[r].size(); ++c)
        parts.push_back(k < l.cells[r][c].size() ? l.cells[r][c][k] : std::string(l.widths[c], ' '));
      out += row_line(parts);
    }
    out += r + 1 < l.cells.size() ? rule(l, "├", "─", "┼", "┤") + "\n" : "";
  }
  return out + rule(l, "╘", "═", "╧", "╛");
}

std::string latex_booktabs(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                           const std::vector<Align>& aligns) {
  const Layout l = layout(headers, rows, aligns);
  std::string spec;
  for (Align a : aligns) spec += a == Align::kRight ? "r" : "c";
  std::string out = "\\begin{tabular}{" + spec + "}\n\\toprule\n";
  auto row_line = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) line += (c > 0 ? "&" : "") + latex_escape(" " + cells[c] + " ");
    return line + "\\\\\n";
  };
  out += row_line(l.headers) + "\\midrule\n";
  for (const auto& row : l.cells) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(cell.empty() ? "" : cell[0]);
    out += row_line(cells);
  }
  return out + "\\bottomrule\n\\end{tabular}";
}

}  // namespace mtbench::cli
