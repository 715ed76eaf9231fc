#include "eval/metric.h"

#include <map>

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

#include <atomic>
#include <exception>
#include <mutex>
#include <set>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "base/error.h"

namespace mtbench::eval {

SegmentReferences group_references(const std::vector<std::vector<std::string>>& refs) {
  if (refs.empty()) fail("no reference streams given");
  const std::size_t n = refs[0].size();
  for (std::size_t k = 1; k < refs.size(); ++k)
    if (refs[k].size() != n)
      fail("reference stream {} has {} segments but reference stream 1 has {}", k + 1, refs[k].size(), n);
  SegmentReferences out;
  out.segments.resize(n);
  std::set<std::size_t> counts;
  for (std::size_t i = 0; i < n; ++i) {
    auto& seg = out.segments[i];
    for (const auto& stream : refs)
      if (!stream[i].empty()) seg.push_back(&stream[i]);
    if (seg.empty()) {
      seg.push_back(&refs[0][i]);  // all empty: keep one empty reference (see header)
    } else {
      counts.insert(seg.size());
    }
  }
  if (counts.size() > 1) {
    out.nrefs = "var";
  } else {
    out.nrefs = std::to_string(counts.empty() ? refs.size() : *counts.begin());
  }
  return out;
}

void check_segment_count(std::size_t hypotheses, std::size_t references, const std::string& metric) {
  if (hypotheses != references)
    fail("{}: the system output has {} segments but the references have {}", metric, hypotheses, references);
}

int parallel_workers() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

void parallel_for(std::size_t n, const std::function<void(std::size_t, int)>& fn) {
  std::exception_ptr error;
  std::mutex error_mutex;
  std::atomic<bool> failed{false};
  const auto count = static_cast<long long>(n);
  // Small jobs run serially: waking a thread team costs more than it saves.
  if (n < 64) {
    for (std::size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel for schedule(dynamic, 8)
#endif
  for (long long i = 0; i < count; ++i) {
    if (failed.load(std::memory_order_relaxed)) continue;
    try {
#ifdef _OPENMP
      fn(static_cast<std::size_t>(i), omp_get_thread_num());
#else
      fn(static_cast<std::size_t>(i), 0);
#endif
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  }
  if (error) std::rethrow_exception(error);
}

std::string Metric::short_signature(const std::string& signature) const {
  // sacreBLEU's Signature._abbr, shared by every metric.
  std::map<std::string, std::string> abbreviations = {{"version", "v"},  {"nrefs", "#"}, {"bs", "bs"},  {"ar", "ar"},
                                                      {"seed", "rs"},    {"test", "t"},  {"lang", "l"}, {"subset", "S"},
                                                      {"origlang", "o"}, {"case", "c"}};
  for (const auto& [key, abbreviation] : signature_abbreviations()) abbreviations[key] = abbreviation;
  std::string out;
  std::size_t start = 0;
  while (start <= signature.size()) {
    std::size_t bar = signature.find('|', start);
    if (bar == std::string::npos) bar = signature.size();
    std::string field = signature.substr(start, bar - start);
    const std::size_t colon = field.find(':');
    const auto it = abbreviations.find(field.substr(0, colon));
    if (it != abbreviations.end() && colon != std::string::npos) field = it->second + field.substr(colon);
    out += (out.empty() ? "" : "|") + field;
    start = bar + 1;
  }
  return out;
}

double Metric::score_value(const double* stats, std::size_t width) const {
  return score_from_stats(std::vector<double>(stats, stats + width)).score;
}

double Metric::score_value_float32(const float* stats, std::size_t width) const {
  const std::vector<double> promoted(stats, stats + width);
  return score_value(promoted.data(), width);
}

}  // namespace mtbench::eval
