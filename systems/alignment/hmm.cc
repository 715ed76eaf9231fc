#include "systems/alignment/hmm.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mtbench::alignment {

HmmJumps::HmmJumps() : weight_(kBuckets, 1.0) {}

void HmmJumps::estimate(const std::vector<double>& counts) {
  // A small floor keeps every width possible: a jump never seen in training must still be
  // able to explain a test sentence's reordering (smoothing in transitions() adds more).
  for (int b = 0; b < kBuckets; ++b) weight_[b] = (b < static_cast<int>(counts.size()) ? counts[b] : 0.0) + 1e-3;
}

void HmmJumps::transitions(int I, double smoothing, std::vector<double>* out) const {
  const int n = I + 1;
  out->assign(static_cast<std::size_t>(n) * n, 0.0);
  for (int from = 0; from <= I; ++from) {
    double z = 0;
    for (int to = 1; to <= I; ++to) z += weight_[bucket(to - from)];
    double* row = out->data() + static_cast<std::size_t>(from) * n;
    for (int to = 1; to <= I; ++to) row[to] = (1 - smoothing) * weight_[bucket(to - from)] / z + smoothing / I;
  }
}

// States are numbered per position i in 1..I: "real i" and "empty, last real position i".
// Both have the same future (the empty state continues the chain from i), so the backward
// variable is one number per position; the forward variables are kept per state.
double hmm_forward_backward(int J, int I, const double* emit, const std::vector<double>& trans, double p0, double* post,
                            double* jump_counts) {
  const int n = I + 1;
  const double stay = 1 - p0;
  // alpha_real/alpha_empty: [J x n], scaled so each row sums to one; scale[j] = c_j.
  std::vector<double> alpha_real(static_cast<std::size_t>(J) * n, 0.0), alpha_empty(alpha_real.size(), 0.0);
  std::vector<double> scale(J, 0.0), eff(n, 0.0);
  for (int j = 0; j < J; ++j) {
    const double* e = emit + static_cast<std::size_t>(j) * n;
    double* ar = alpha_real.data() + static_cast<std::size_t>(j) * n;
    double* ae = alpha_empty.data() + static_cast<std::size_t>(j) * n;
    if (j == 0) {
      for (int i = 1; i <= I; ++i) {
        ar[i] = stay * trans[i] * e[i];
        ae[i] = p0 / I * e[0];
      }
    } else {
      const double* pr = ar - n;
      const double* pe = ae - n;
      for (int k = 1; k <= I; ++k) eff[k] = pr[k] + pe[k];
      for (int i = 1; i <= I; ++i) {
        double sum = 0;
        for (int k = 1; k <= I; ++k) sum += eff[k] * trans[static_cast<std::size_t>(k) * n + i];
        ar[i] = e[i] * stay * sum;
        ae[i] = e[0] * p0 * eff[i];
      }
    }
    double c = 0;
    for (int i = 1; i <= I; ++i) c += ar[i] + ae[i];
    if (!(c > 0) || !std::isfinite(c)) return -std::numeric_limits<double>::infinity();
    for (int i = 1; i <= I; ++i) {
      ar[i] /= c;
      ae[i] /= c;
    }
    scale[j] = c;
  }
  double loglik = 0;
  for (int j = 0; j < J; ++j) loglik += std::log(scale[j]);

  // Backward, scaled by the same c_{j+1}; posteriors and expected jumps on the way.
  std::vector<double> beta(n, 1.0), next(n, 0.0);
  for (int j = J - 1; j >= 0; --j) {
    const double* ar = alpha_real.data() + static_cast<std::size_t>(j) * n;
    const double* ae = alpha_empty.data() + static_cast<std::size_t>(j) * n;
    double* p = post + static_cast<std::size_t>(j) * n;
    p[0] = 0;
    for (int i = 1; i <= I; ++i) {
      p[i] = ar[i] * beta[i];
      p[0] += ae[i] * beta[i];
    }
    const double* e = emit + static_cast<std::size_t>(j) * n;
    if (j == 0) {
      // The jump into the first word comes from position 0.
      for (int i = 1; i <= I; ++i) jump_counts[HmmJumps::bucket(i)] += p[i];
      break;
    }
    // xi(k -> i) = eff_{j-1}(k) * stay * T(k, i) * e_j(i) * beta_j(i) / c_j.
    const double* pr = ar - n;
    const double* pe = ae - n;
    for (int k = 1; k <= I; ++k) {
      const double from = pr[k] + pe[k];
      const double* row = trans.data() + static_cast<std::size_t>(k) * n;
      double b = p0 * e[0] * beta[k];
      for (int i = 1; i <= I; ++i) {
        const double w = stay * row[i] * e[i] * beta[i];
        b += w;
        jump_counts[HmmJumps::bucket(i - k)] += from * w / scale[j];
      }
      next[k] = b / scale[j];
    }
    std::swap(beta, next);
  }
  return loglik;
}

std::vector<int> hmm_viterbi(int J, int I, const double* emit, const std::vector<double>& trans, double p0) {
  const int n = I + 1;
  static constexpr double kFloor = 1e-300;  // log(0) would make every path -inf alike
  auto lg = [](double x) { return std::log(std::max(x, kFloor)); };
  const double log_stay = lg(1 - p0), log_p0 = lg(p0);
  // State s in 1..I is real i = s, s in I+1..2I is empty with memory s - I.
  std::vector<double> score(2 * n, -std::numeric_limits<double>::infinity()), prev(score.size());
  std::vector<int> back(static_cast<std::size_t>(J) * 2 * n, 0);
  for (int j = 0; j < J; ++j) {
    const double* e = emit + static_cast<std::size_t>(j) * n;
    int* bp = back.data() + static_cast<std::size_t>(j) * 2 * n;
    if (j == 0) {
      for (int i = 1; i <= I; ++i) {
        score[i] = log_stay + lg(trans[i]) + lg(e[i]);
        score[I + i] = lg(p0 / I) + lg(e[0]);
      }
      continue;
    }
    std::swap(score, prev);
    // The best way to be "at position k" (really there or in its empty state).
    std::vector<int> at(n, 0);
    for (int k = 1; k <= I; ++k) at[k] = prev[k] >= prev[I + k] ? k : I + k;
    for (int i = 1; i <= I; ++i) {
      double best = -std::numeric_limits<double>::infinity();
      int arg = at[1];
      for (int k = 1; k <= I; ++k) {
        const double v = prev[at[k]] + lg(trans[static_cast<std::size_t>(k) * n + i]);
        if (v > best) {
          best = v;
          arg = at[k];
        }
      }
      score[i] = best + log_stay + lg(e[i]);
      bp[i] = arg;
      score[I + i] = prev[at[i]] + log_p0 + lg(e[0]);
      bp[I + i] = at[i];
    }
  }
  int state = 1;
  for (int s = 1; s <= 2 * I; ++s)
    if (score[s] > score[state]) state = s;
  std::vector<int> path(J, 0);
  for (int j = J - 1; j >= 0; --j) {
    path[j] = state <= I ? state : 0;
    if (j > 0) state = back[static_cast<std::size_t>(j) * 2 * n + state];
  }
  return path;
}

}  // namespace mtbench::alignment
