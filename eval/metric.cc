#include "eval/metric.h"

#include <fmt/format.h>

namespace mtbench::eval {

std::vector<double> StatsMatrix::sum() const {
  std::vector<double> total(width, 0.0);
  for (std::size_t i = 0; i < rows; ++i) {
    const double* r = row(i);
    for (std::size_t j = 0; j < width; ++j) total[j] += r[j];
  }
  return total;
}

std::vector<double> StatsMatrix::sum(const std::vector<std::size_t>& indices) const {
  std::vector<double> total(width, 0.0);
  for (std::size_t i : indices) {
    const double* r = row(i);
    for (std::size_t j = 0; j < width; ++j) total[j] += r[j];
  }
  return total;
}

std::string Score::text(int width) const {
  std::string out = fmt::format("{} = {:.{}f}", name, score, width);
  if (!verbose.empty()) out += " " + verbose;
  return out;
}

}  // namespace mtbench::eval
