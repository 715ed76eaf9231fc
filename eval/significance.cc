#include "eval/significance.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "base/error.h"
#include "eval/numpy_random.h"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace mtbench::eval {
namespace {

// How resampled statistics become scores (Metric::score_value_float32 and score_value).
// sacreBLEU's bootstrap converts the statistics to a float32 numpy array and feeds numpy
// float32 scalars to the metric's Python formula; under the numpy 1.x promotion rules the
// golden values were produced with, BLEU then computes in float64 throughout (Python floats
// meet numpy scalars), while chrF's n_match / n_hyp and TER's edits / ref_length are float32
// divisions whose results are promoted to float64 afterwards. (numpy >= 2 would keep more of
// the arithmetic in float32; sacreBLEU's published numbers with numpy 1.x are the reference.)
// The approximate-randomization path works on int64/float64 arrays, so there every metric
// uses float64 arithmetic.

int thread_count(int threads) {
#ifdef _OPENMP
  return threads > 0 ? threads : omp_get_max_threads();
#else
  (void)threads;
  return 1;
#endif
}

// A seed for "unseeded" runs. sacreBLEU then draws fresh OS entropy for every generator it
// creates; mtbench draws one seed and shares it (the same statistical guarantees).
std::uint64_t effective_seed(const std::optional<std::uint64_t>& seed) {
  if (seed) return *seed;
  std::random_device device;
  return (static_cast<std::uint64_t>(device()) << 32) | device();
}

// numpy's pairwise summation of float64 (numpy/_core/src/umath/loops_utils.h.src): blocks of
// at most 128 summed with 8 interleaved accumulators, larger ranges split in two halves
// (rounded down to a multiple of 8).
double pairwise_sum(const double* a, std::size_t n) {
  if (n < 8) {
    double res = 0.;
    for (std::size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    std::size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  std::size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

double numpy_mean(const std::vector<double>& values) {
  if (values.empty()) return std::nan("");
  return pairwise_sum(values.data(), values.size()) / static_cast<double>(values.size());
}

void check_shapes(const std::vector<const Metric*>& metrics,
                  const std::vector<std::vector<const StatsMatrix*>>& stats) {
  if (stats.empty()) fail("significance test: no systems given");
  const std::size_t rows = stats[0].empty() ? 0 : stats[0][0]->rows;
  for (std::size_t s = 0; s < stats.size(); ++s) {
    if (stats[s].size() != metrics.size())
      fail("significance test: system {} has statistics for {} metrics, expected {}", s, stats[s].size(),
           metrics.size());
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      if (stats[s][m]->rows != rows)
        fail("significance test: system {} has {} segments under {}, the first system has {}", s, stats[s][m]->rows,
             metrics[m]->name(), rows);
      if (stats[s][m]->width != stats[0][m]->width)
        fail("significance test: inconsistent statistics width under {}", metrics[m]->name());
    }
  }
  if (rows == 0) fail("significance test: the systems have no segments");
}

}  // namespace

std::optional<std::uint64_t> sacrebleu_seed_from_env() {
  const char* env = std::getenv("SACREBLEU_SEED");
  if (env == nullptr) return 12345;
  std::string value(env);
  std::string lower = value;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "none") return std::nullopt;
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos || value.size() > 19)
    fail<ConfigError>("SACREBLEU_SEED must be a non-negative integer or 'none', got '{}'", value);
  return std::stoull(value);
}

std::string seed_string(const std::optional<std::uint64_t>& seed) {
  return seed ? std::to_string(*seed) : "none";
}

std::size_t resolved_samples(const SignificanceOptions& options) {
  if (options.n_samples > 0) return options.n_samples;
  return options.type == PairedTestType::kBootstrap ? 1000 : 10000;
}

namespace {

// acc = sum of the rows `sample[0..n)` of `table` (rows of `width` floats, a multiple of 8),
// added one row after another in float32 as numpy does. The element-wise additions give the
// same result at any vector width, so on CPUs with AVX2 a clone with 256-bit vectors runs
// (GCC function multi-versioning, chosen once at load time): this loop is most of the time of
// a bootstrap test.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void sum_sampled_rows(const float* table, std::size_t width, const std::uint32_t* sample, std::size_t n, float* acc) {
  std::fill(acc, acc + width, 0.0f);
  for (std::size_t j = 0; j < n; ++j) {
    const float* row = table + static_cast<std::size_t>(sample[j]) * width;
    for (std::size_t w = 0; w < width; ++w) acc[w] += row[w];
  }
}

}  // namespace

std::vector<std::vector<std::vector<double>>> bootstrap_scores(
    const std::vector<const Metric*>& metrics, const std::vector<std::vector<const StatsMatrix*>>& stats,
    std::size_t n_samples, const std::optional<std::uint64_t>& seed, int threads) {
  check_shapes(metrics, stats);
  const std::size_t n = stats[0][0]->rows;
  if (n > 0xFFFFFFFFull) fail("bootstrap: too many segments ({})", n);

  // One float32 row per segment holding every (system, metric) statistic side by side, so a
  // resample is a single pass of contiguous row additions. float32 is what sacreBLEU sums in
  // (np.array(stats, dtype='float32')), row after row, exactly as below.
  std::vector<std::size_t> offset;  // [s * metrics + m]
  std::size_t width = 0;
  for (std::size_t s = 0; s < stats.size(); ++s)
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      offset.push_back(width);
      width += stats[s][m]->width;
    }
  const std::size_t padded = (width + 7) / 8 * 8;
  std::vector<float> table(n * padded, 0.0f);
  for (std::size_t s = 0; s < stats.size(); ++s)
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const StatsMatrix& sm = *stats[s][m];
      const std::size_t off = offset[s * metrics.size() + m];
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t w = 0; w < sm.width; ++w) table[i * padded + off + w] = static_cast<float>(sm.row(i)[w]);
    }

  // rng.choice(n, size=(n_samples, n), replace=True), drawn once: sacreBLEU reseeds the
  // generator for the baseline and for every system, so all of them see the same resamples.
  NumpyGenerator generator(effective_seed(seed));
  std::vector<std::uint32_t> indices;
  generator.integers(n, n_samples * n, indices);

  std::vector<std::vector<std::vector<double>>> scores(
      stats.size(), std::vector<std::vector<double>>(metrics.size(), std::vector<double>(n_samples)));

  const long long total = static_cast<long long>(n_samples);
#pragma omp parallel num_threads(thread_count(threads))
  {
    std::vector<float> acc(padded);
#pragma omp for schedule(static)
    for (long long k = 0; k < total; ++k) {
      float* a = acc.data();
      sum_sampled_rows(table.data(), padded, indices.data() + static_cast<std::size_t>(k) * n, n, a);
      for (std::size_t s = 0; s < stats.size(); ++s)
        for (std::size_t m = 0; m < metrics.size(); ++m)
          scores[s][m][static_cast<std::size_t>(k)] =
              metrics[m]->score_value_float32(a + offset[s * metrics.size() + m], stats[s][m]->width);
    }
  }
  return scores;
}

std::pair<double, double> estimate_ci(std::vector<double> scores) {
  if (scores.empty()) fail("estimate_ci: no resampled scores");
  std::sort(scores.begin(), scores.end());
  const std::size_t n = scores.size();
  const std::size_t lower = n / 40;
  const std::size_t upper = n - lower - 1;
  return {numpy_mean(scores), 0.5 * (scores[upper] - scores[lower])};
}

double bootstrap_p_value(const std::vector<double>& system_scores, const std::vector<double>& baseline_scores,
                         double actual_difference) {
  if (system_scores.size() != baseline_scores.size() || system_scores.empty())
    fail("bootstrap p-value: {} system and {} baseline resamples", system_scores.size(), baseline_scores.size());
  std::vector<double> diffs(system_scores.size());
  for (std::size_t k = 0; k < diffs.size(); ++k) diffs[k] = std::abs(system_scores[k] - baseline_scores[k]);
  // Centre the differences (the null hypothesis has zero expected difference) and count
  // resamples beyond the observed difference; +1 as in multeval (Clark et al. 2011).
  const double mean = numpy_mean(diffs);
  std::size_t count = 0;
  for (double d : diffs)
    if (d - mean > actual_difference) ++count;
  return static_cast<double>(count + 1) / static_cast<double>(diffs.size() + 1);
}

std::vector<double> approximate_randomization(const std::vector<const Metric*>& metrics,
                                              const std::vector<const StatsMatrix*>& baseline,
                                              const std::vector<const StatsMatrix*>& system, std::size_t n_trials,
                                              const std::optional<std::uint64_t>& seed, int threads) {
  check_shapes(metrics, {baseline, system});
  const std::size_t n = baseline[0]->rows;

  // Concatenate the metrics' columns; d = baseline - system per segment. A trial's pseudo
  // system A takes the baseline's statistics where the swap bit is set, so
  // A = sum(system) + sum_{bit} d and B = sum(baseline) - sum_{bit} d (exact in float64,
  // as sacreBLEU's int64 matrix products are).
  std::vector<std::size_t> offset;
  std::size_t width = 0;
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    offset.push_back(width);
    width += baseline[m]->width;
  }
  std::vector<double> diff(n * width), sum_baseline(width, 0.0), sum_system(width, 0.0);
  for (std::size_t m = 0; m < metrics.size(); ++m)
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t w = 0; w < baseline[m]->width; ++w) {
        const double b = baseline[m]->row(i)[w], s = system[m]->row(i)[w];
        diff[i * width + offset[m] + w] = b - s;
        sum_baseline[offset[m] + w] += b;
        sum_system[offset[m] + w] += s;
      }

  std::vector<double> actual(metrics.size());
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    actual[m] = std::abs(metrics[m]->score_from_stats(baseline[m]->sum()).score -
                         metrics[m]->score_from_stats(system[m]->sum()).score);
  }

  // rng.integers(2, size=(n_trials, n), dtype=bool): value t * n + j says whether trial t
  // swaps segment j.
  NumpyGenerator generator(effective_seed(seed));
  const std::vector<std::uint32_t> bits = generator.boolean_words(n_trials * n);

  std::vector<std::size_t> exceed(metrics.size(), 0);
  const long long total = static_cast<long long>(n_trials);
#pragma omp parallel num_threads(thread_count(threads))
  {
    std::vector<double> delta(width), a(width), b(width);
    std::vector<std::size_t> local(metrics.size(), 0);
#pragma omp for schedule(static)
    for (long long t = 0; t < total; ++t) {
      std::fill(delta.begin(), delta.end(), 0.0);
      const std::size_t base = static_cast<std::size_t>(t) * n;
      for (std::size_t j = 0; j < n; ++j) {
        const std::size_t k = base + j;
        const double take = static_cast<double>((bits[k >> 5] >> (k & 31)) & 1u);
        const double* row = diff.data() + j * width;
        for (std::size_t w = 0; w < width; ++w) delta[w] += take * row[w];
      }
      for (std::size_t w = 0; w < width; ++w) {
        a[w] = sum_system[w] + delta[w];
        b[w] = sum_baseline[w] - delta[w];
      }
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        const double sa = metrics[m]->score_value(a.data() + offset[m], baseline[m]->width);
        const double sb = metrics[m]->score_value(b.data() + offset[m], baseline[m]->width);
        if (std::abs(sa - sb) > actual[m]) ++local[m];
      }
    }
#pragma omp critical
    for (std::size_t m = 0; m < metrics.size(); ++m) exceed[m] += local[m];
  }
  std::vector<double> p(metrics.size());
  for (std::size_t m = 0; m < metrics.size(); ++m)
    p[m] = static_cast<double>(exceed[m] + 1) / static_cast<double>(n_trials + 1);
  return p;
}

std::vector<std::vector<TestResult>> paired_test(const std::vector<const Metric*>& metrics,
                                                 const std::vector<std::vector<const StatsMatrix*>>& stats,
                                                 const SignificanceOptions& options) {
  check_shapes(metrics, stats);
  if (stats.size() < 2) fail("paired test: needs a baseline and at least one system");
  const std::size_t n_samples = resolved_samples(options);
  std::vector<std::vector<TestResult>> results(stats.size(), std::vector<TestResult>(metrics.size()));
  for (std::size_t s = 0; s < stats.size(); ++s)
    for (std::size_t m = 0; m < metrics.size(); ++m)
      results[s][m].score = metrics[m]->score_from_stats(stats[s][m]->sum()).score;

  if (options.type == PairedTestType::kBootstrap) {
    const auto scores = bootstrap_scores(metrics, stats, n_samples, options.seed, options.threads);
    for (std::size_t s = 0; s < stats.size(); ++s)
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        TestResult& r = results[s][m];
        const auto [mean, ci] = estimate_ci(scores[s][m]);
        r.mean = mean;
        r.ci = ci;
        if (s > 0) r.p_value = bootstrap_p_value(scores[s][m], scores[0][m], std::abs(results[0][m].score - r.score));
      }
  } else {
    for (std::size_t s = 1; s < stats.size(); ++s) {
      const std::vector<double> p =
          approximate_randomization(metrics, stats[0], stats[s], n_samples, options.seed, options.threads);
      for (std::size_t m = 0; m < metrics.size(); ++m) results[s][m].p_value = p[m];
    }
  }
  return results;
}

std::vector<std::vector<std::vector<double>>> all_pairs_p_values(
    const std::vector<const Metric*>& metrics, const std::vector<std::vector<const StatsMatrix*>>& stats,
    const SignificanceOptions& options) {
  check_shapes(metrics, stats);
  const std::size_t k = stats.size();
  if (k < 2) fail("all-pairs test: needs at least two systems, got {}", k);
  const std::size_t n_samples = resolved_samples(options);
  std::vector<std::vector<std::vector<double>>> p(metrics.size(),
                                                  std::vector<std::vector<double>>(k, std::vector<double>(k, 0.0)));
  if (options.type == PairedTestType::kBootstrap) {
    std::vector<std::vector<double>> score(metrics.size(), std::vector<double>(k));
    for (std::size_t m = 0; m < metrics.size(); ++m)
      for (std::size_t s = 0; s < k; ++s) score[m][s] = metrics[m]->score_from_stats(stats[s][m]->sum()).score;
    const auto resamples = bootstrap_scores(metrics, stats, n_samples, options.seed, options.threads);
    for (std::size_t m = 0; m < metrics.size(); ++m)
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i + 1; j < k; ++j)
          p[m][i][j] = p[m][j][i] =
              bootstrap_p_value(resamples[j][m], resamples[i][m], std::abs(score[m][i] - score[m][j]));
  } else {
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j) {
        const auto pv =
            approximate_randomization(metrics, stats[i], stats[j], n_samples, options.seed, options.threads);
        for (std::size_t m = 0; m < metrics.size(); ++m) p[m][i][j] = p[m][j][i] = pv[m];
      }
  }
  return p;
}

std::string signature_with_test(const std::string& signature, const std::string& test_key, std::size_t n_samples,
                                const std::optional<std::uint64_t>& seed) {
  // sacreBLEU's Signature orders its fields nrefs, bs, ar, seed, ... and the metric's own.
  const std::string fields = test_key + ":" + std::to_string(n_samples) + "|seed:" + seed_string(seed);
  const std::size_t start = signature.find("nrefs:");
  if (start == std::string::npos) return fields + "|" + signature;
  const std::size_t bar = signature.find('|', start);
  if (bar == std::string::npos) return signature + "|" + fields;
  return signature.substr(0, bar + 1) + fields + signature.substr(bar);
}

}  // namespace mtbench::eval
