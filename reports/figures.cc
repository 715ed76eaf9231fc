#include "reports/figures.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "base/text_file.h"

namespace mtbench::reports {
namespace {

const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9",
                          "#8c564b", "#7f7f7f", "#bcbd22", "#17becf", "#4e79a7", "#f28e2b"};

std::string xml_escape(const std::string& text) {
  std::string out;
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
      default:
        out += c;
    }
  }
  return out;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '-';
  return out.empty() ? "x" : out;
}

// Round tick steps (1, 2, 5 x 10^k) covering [lo, hi].
std::vector<double> ticks(double lo, double hi, int count) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / std::max(1, count), mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / mag >= 5 ? 5 * mag : raw / mag >= 2 ? 2 * mag : mag;
  std::vector<double> out;
  for (double v = std::floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push_back(v);
  if (out.back() < hi - step * 1e-9) out.push_back(out.back() + step);  // the axis covers every value
  return out;
}

std::string header(int width, int height, const std::string& title) {
  return fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">\n"
      "<title>{2}</title>\n<rect width=\"{0}\" height=\"{1}\" fill=\"#ffffff\"/>\n",
      width, height, xml_escape(title));
}

// Colours by the run's system order.
std::map<std::string, std::string> colours(const RunResults& r, const std::vector<std::string>& extra) {
  std::map<std::string, std::string> out;
  std::size_t k = 0;
  for (const auto& s : r.systems)
    if (!out.count(s.label)) out[s.label] = kPalette[k++ % std::size(kPalette)];
  for (const auto& l : extra)
    if (!out.count(l)) out[l] = kPalette[k++ % std::size(kPalette)];
  return out;
}

// A line chart: series of (x index or value, y, optional interval); categories label x.
struct Series {
  std::string name, colour;
  std::vector<std::array<double, 4>> points;  // x, y, low, high (low/high NaN when absent)
};
std::string line_chart(const std::string& title, const std::string& x_title, const std::string& y_title,
                       const std::vector<Series>& series, const std::vector<std::string>& categories) {
  std::size_t longest = 8;
  for (const auto& s : series) longest = std::max(longest, s.name.size());
  const int mr = static_cast<int>(std::min<std::size_t>(340, 44 + longest * 7)), W = 520 + mr, H = 400, ml = 60,
            mt = 34, mb = 52;
  double x0 = 1e300, x1 = -1e300, y0 = 0, y1 = -1e300;
  for (const auto& s : series)
    for (const auto& p : s.points) {
      x0 = std::min(x0, p[0]), x1 = std::max(x1, p[0]);
      y1 = std::max({y1, p[1], std::isnan(p[3]) ? p[1] : p[3]});
      y0 = std::min({y0, p[1], std::isnan(p[2]) ? p[1] : p[2]});
    }
  if (x1 < x0) x0 = 0, x1 = 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const auto yt = ticks(y0, y1, 5);
  y1 = std::max(y1, yt.back());
  const double pad = categories.empty() ? 0 : 0.5;
  auto X = [&](double x) { return ml + (x - x0 + pad) / std::max(1e-9, x1 - x0 + 2 * pad) * (W - ml - mr); };
  auto Y = [&](double y) { return H - mb - (y - y0) / (y1 - y0) * (H - mt - mb); };
  std::string out = header(W, H, title);
  out +=
      fmt::format("<text x=\"{}\" y=\"20\" font-weight=\"bold\" font-size=\"14\">{}</text>\n", ml, xml_escape(title));
  for (double t : yt) {
    out += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#e4e7eb\"/>\n", ml, W - mr, Y(t),
                       Y(t));
    out += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", ml - 6, Y(t) + 4,
                       fmt::format("{:g}", t));
  }
  if (!categories.empty()) {
    for (std::size_t i = 0; i < categories.size(); ++i)
      out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", X(static_cast<double>(i)),
                         H - mb + 18, xml_escape(categories[i]));
  } else {
    for (double t : ticks(x0, x1, 6))
      if (t >= x0 && t <= x1)
        out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:g}</text>\n", X(t), H - mb + 18, t);
  }
  out += fmt::format("<line x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\" stroke=\"#486581\"/>\n", ml, W - mr, H - mb);
  out += fmt::format("<line x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#486581\"/>\n", ml, mt, H - mb);
  out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", (ml + W - mr) / 2, H - 12,
                     xml_escape(x_title));
  out += fmt::format("<text x=\"16\" y=\"{0}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {0})\">{1}</text>\n",
                     (mt + H - mb) / 2, xml_escape(y_title));
  int row = 0;
  for (const auto& s : series) {
    std::string pts;
    for (const auto& p : s.points) {
      pts += fmt::format("{:.1f},{:.1f} ", X(p[0]), Y(p[1]));
      if (!std::isnan(p[2]))
        out += fmt::format(
            "<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" "
            "stroke-opacity=\"0.7\"/>\n",
            X(p[0]), Y(p[2]), Y(p[3]), s.colour);
      out += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", X(p[0]), Y(p[1]), s.colour);
    }
    if (s.points.size() > 1)
      out += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>\n", pts, s.colour);
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{}\"/>\n", W - mr + 14, mt + row * 20,
                       s.colour);
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>\n", W - mr + 32, mt + row * 20 + 10, xml_escape(s.name));
    ++row;
  }
  return out + "</svg>\n";
}

std::string scores_chart(const RunResults& r, const TestSetResults& t,
                         const std::map<std::string, std::string>& colour) {
  std::string metric;
  for (const auto& s : r.systems) {
    const auto it = t.scores.find(s.label);
    if (it != t.scores.end() && !it->second.empty()) {
      metric = it->second[0].metric;
      break;
    }
  }
  if (metric.empty()) return "";
  struct Row {
    std::string label;
    double score;
    double ci;
  };
  std::vector<Row> rows;
  for (const auto& [label, scores] : t.scores)
    for (const auto& s : scores)
      if (s.metric == metric) rows.push_back({label, s.score, s.ci.value_or(0)});
  std::vector<Row> ordered;
  for (const auto& s : r.systems)
    for (const auto& row : rows)
      if (row.label == s.label) ordered.push_back(row);
  for (const auto& row : rows)
    if (std::none_of(ordered.begin(), ordered.end(), [&](const Row& o) { return o.label == row.label; }))
      ordered.push_back(row);
  std::size_t longest = 8;
  for (const auto& row : ordered) longest = std::max(longest, row.label.size());
  const int ml = static_cast<int>(std::min<std::size_t>(280, 16 + longest * 7)), W = ml + 420, bar = 24;
  const int H = 44 + static_cast<int>(ordered.size()) * bar + 40;
  double hi = 1;
  for (const auto& row : ordered) hi = std::max(hi, row.score + row.ci);
  const auto xt = ticks(0, hi, 5);
  hi = xt.back();
  auto X = [&](double v) { return ml + v / hi * (W - ml - 60); };
  const std::string title = metric + " on " + t.name;
  std::string out = header(W, H, title);
  out += fmt::format("<text x=\"10\" y=\"20\" font-weight=\"bold\" font-size=\"14\">{}</text>\n", xml_escape(title));
  const int axis_y = 44 + static_cast<int>(ordered.size()) * bar;
  for (double v : xt) {
    out += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"36\" y2=\"{1}\" stroke=\"#e4e7eb\"/>\n", X(v), axis_y);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{:g}</text>\n", X(v), axis_y + 16, v);
  }
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const auto& row = ordered[i];
    const int y = 40 + static_cast<int>(i) * bar;
    const auto c = colour.count(row.label) ? colour.at(row.label) : std::string("#486581");
    out +=
        fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", ml - 8, y + 16, xml_escape(row.label));
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n", ml, y + 4,
                       std::max(1.0, X(row.score) - ml), bar - 8, c);
    if (row.ci > 0)
      out += fmt::format("<line x1=\"{:.1f}\" x2=\"{:.1f}\" y1=\"{}\" y2=\"{}\" stroke=\"#102a43\"/>\n",
                         X(row.score - row.ci), X(row.score + row.ci), y + bar / 2, y + bar / 2);
    out += fmt::format("<text x=\"{:.1f}\" y=\"{}\" font-size=\"11\">{:.1f}</text>\n", X(row.score + row.ci) + 6,
                       y + 16, row.score);
  }
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\">{} (whiskers: 95% bootstrap interval)</text>\n",
      (ml + W - 60) / 2, H - 6, xml_escape(metric));
  return out + "</svg>\n";
}

}  // namespace

std::vector<Figure> figures(const RunResults& results) {
  std::vector<Figure> out;
  std::vector<std::string> extra;
  for (const auto& t : results.tests)
    for (const auto& [label, s] : t.scores) extra.push_back(label);
  const auto colour = colours(results, extra);
  const double nan = std::nan("");
  for (const auto& t : results.tests) {
    const std::string scores = scores_chart(results, t, colour);
    if (!scores.empty()) out.push_back({"scores-" + slug(t.name), scores});
    const auto& buckets = t.analyses.length_buckets;
    if (buckets.empty()) continue;
    std::vector<std::string> categories;
    for (const auto& b : buckets) categories.push_back(b.label + " (" + std::to_string(b.count) + ")");
    std::vector<Series> series;
    for (const auto& [label, c] : colour) {
      Series s{label, c, {}};
      for (std::size_t i = 0; i < buckets.size(); ++i) {
        const auto v = buckets[i].values.find(label);
        if (v == buckets[i].values.end()) continue;
        const auto ci = buckets[i].intervals.find(label);
        const bool has = ci != buckets[i].intervals.end() && ci->second.size() == 2;
        s.points.push_back({static_cast<double>(i), v->second, has ? ci->second[0] : nan, has ? ci->second[1] : nan});
      }
      if (!s.points.empty()) series.push_back(std::move(s));
    }
    // Run order for the legend.
    std::vector<Series> ordered;
    for (const auto& sys : results.systems)
      for (const auto& s : series)
        if (s.name == sys.label) ordered.push_back(s);
    for (const auto& s : series)
      if (std::none_of(ordered.begin(), ordered.end(), [&](const Series& o) { return o.name == s.name; }))
        ordered.push_back(s);
    out.push_back({"length-" + slug(t.name),
                   line_chart("BLEU by source length on " + t.name, "source sentence length in words (sentences)",
                              "corpus BLEU of the bucket", ordered, categories)});
  }
  std::vector<Series> curves;
  for (const auto& s : results.systems) {
    Series c{s.label, colour.at(s.label), {}};
    for (const auto& e : s.training_log)
      if (e.dev_bleu) c.points.push_back({static_cast<double>(e.step), *e.dev_bleu, nan, nan});
    if (!c.points.empty()) curves.push_back(std::move(c));
  }
  if (!curves.empty())
    out.push_back({"learning-curves", line_chart("Dev BLEU during training", "updates", "dev BLEU", curves, {})});
  return out;
}

std::size_t write_figures(const RunResults& results, const std::filesystem::path& dir) {
  const auto all = figures(results);
  if (all.empty()) return 0;
  std::filesystem::create_directories(dir / "figures");
  for (const auto& f : all) write_file_atomic(dir / "figures" / (f.stem + ".svg"), f.svg);
  return all.size();
}

}  // namespace mtbench::reports
