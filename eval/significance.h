#pragma once
// Statistical significance as sacreBLEU 2.x computes it (sacrebleu/significance.py), from
// cached per-segment sufficient statistics:
//  - paired bootstrap resampling (Koehn 2004, "Statistical Significance Tests for Machine
//    Translation Evaluation", as in Moses' bootstrap-hypothesis-difference-significance.pl):
//    the same resampled segment sets are scored for the baseline and each system; the
//    p-value counts resamples whose centred absolute difference exceeds the observed one;
//    each system also gets the bootstrap mean and 95% confidence half-width;
//  - paired approximate randomization (Riezler & Maxwell 2005, "On Some Pitfalls in
//    Automatic Evaluation and Significance Testing for MT", section 3; multeval's counting):
//    each trial swaps every segment between the two systems with probability 1/2.
// Random draws reproduce numpy's default_rng(SACREBLEU_SEED) bit for bit (eval/numpy_random.h)
// and, in the bootstrap, the float32 arithmetic numpy applies to sacreBLEU's statistics
// arrays, so p-values, means and intervals equal sacreBLEU's (see significance.cc).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "eval/metric.h"

namespace mtbench::eval {

enum class PairedTestType { kBootstrap, kApproximateRandomization };

// Options of the resampling tests (sacreBLEU's PairedTest arguments in parentheses).
struct SignificanceOptions {
  PairedTestType type = PairedTestType::kBootstrap;  // "bs" or "ar" (test_type)
  std::size_t n_samples = 0;                         // resamples / trials; 0 = 1000 for bs, 10000 for ar (n_samples)
  std::optional<std::uint64_t> seed = 12345;         // RNG seed; nullopt draws fresh entropy
  int threads = 0;                                   // worker threads; 0 = all cores
};

// One system's result for one metric, as sacreBLEU's significance.Result.
struct TestResult {
  double score = 0.0;             // the actual corpus score
  std::optional<double> p_value;  // paired p-value against the baseline (none for it)
  std::optional<double> mean;     // bootstrap estimate of the mean score (bs only)
  std::optional<double> ci;       // half-width of the 95% bootstrap interval (bs only)
};

// The seed sacreBLEU uses: $SACREBLEU_SEED (default 12345); "none" (any case) = unseeded.
// Throws ConfigError on anything else that is not a non-negative integer.
std::optional<std::uint64_t> sacrebleu_seed_from_env();
// The seed as sacreBLEU writes it into signatures ("12345" or "none").
std::string seed_string(const std::optional<std::uint64_t>& seed);
// Number of samples after applying sacreBLEU's defaults.
std::size_t resolved_samples(const SignificanceOptions& options);

// The bootstrap resample scores of each system (and each metric) for `n_samples` resamples
// drawn as rng.choice(n, size=(n_samples, n)) from a freshly seeded generator, scored the way
// sacreBLEU's numpy code scores them. stats[s][m] = statistics of system s under metric m.
// Returns scores[s][m][k] for resample k.
std::vector<std::vector<std::vector<double>>> bootstrap_scores(
    const std::vector<const Metric*>& metrics, const std::vector<std::vector<const StatsMatrix*>>& stats,
    std::size_t n_samples, const std::optional<std::uint64_t>& seed, int threads);

// sacreBLEU's estimate_ci: mean (numpy's pairwise summation) and half the distance between
// the 2.5% and 97.5% order statistics (indices n/40 and n-n/40-1 of the sorted scores).
std::pair<double, double> estimate_ci(std::vector<double> scores);

// Bootstrap p-value of a system against the baseline from their resample scores and the
// actual score difference (sacreBLEU's _paired_bs_test: centred absolute differences).
double bootstrap_p_value(const std::vector<double>& system_scores, const std::vector<double>& baseline_scores,
                         double actual_difference);

// Approximate-randomization p-value of `system` against `baseline` under one or more
// metrics (one shared set of swaps for all metrics, as sacreBLEU draws them once per
// system). Returns one p-value per metric.
std::vector<double> approximate_randomization(const std::vector<const Metric*>& metrics,
                                              const std::vector<const StatsMatrix*>& baseline,
                                              const std::vector<const StatsMatrix*>& system, std::size_t n_trials,
                                              const std::optional<std::uint64_t>& seed, int threads);

// sacreBLEU's PairedTest: systems[0] is the baseline. stats[s][m] as for bootstrap_scores.
// Returns results[s][m]: the baseline row has score (and mean/ci for bs); the others add the
// p-value.
std::vector<std::vector<TestResult>> paired_test(const std::vector<const Metric*>& metrics,
                                                 const std::vector<std::vector<const StatsMatrix*>>& stats,
                                                 const SignificanceOptions& options);

// Every pair of systems (mtbench's extension of PairedTest): p[m][i][j] for metric m, symmetric,
// 0 on the diagonal. Each pair is tested with the draws sacreBLEU's paired test would use
// for it (bootstrap: one set of resamples scores every system; approximate randomization:
// one run per pair, system i as the baseline of j > i). stats[s][m] as for bootstrap_scores;
// needs at least two systems.
std::vector<std::vector<std::vector<double>>> all_pairs_p_values(
    const std::vector<const Metric*>& metrics, const std::vector<std::vector<const StatsMatrix*>>& stats,
    const SignificanceOptions& options);

// Inserts the test fields sacreBLEU adds to a metric signature after "nrefs:N"
// ("bs:1000|seed:12345" or "ar:10000|seed:12345").
std::string signature_with_test(const std::string& signature, const std::string& test_key, std::size_t n_samples,
                                const std::optional<std::uint64_t>& seed);

}  // namespace mtbench::eval
