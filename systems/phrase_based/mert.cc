#include "systems/phrase_based/mert.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"

namespace mtbench::phrase_based {
namespace {

// Reference n-gram counts (n = 1..4) of one sentence, keyed by the words joined with '\x01'.
struct RefNgrams {
  std::unordered_map<std::string, int> counts;
  int length = 0;
  explicit RefNgrams(const std::vector<std::string>& ref) : length(static_cast<int>(ref.size())) {
    for (int n = 1; n <= 4; ++n)
      for (int i = 0; i + n <= length; ++i) ++counts[key(ref, i, n)];
  }
  static std::string key(const std::vector<std::string>& w, int i, int n) {
    std::string k = w[i];
    for (int j = 1; j < n; ++j) (k += '\x01') += w[i + j];
    return k;
  }
  BleuStats stats(const std::vector<std::string>& hyp) const {
    BleuStats s{};
    const int len = static_cast<int>(hyp.size());
    s[0] = static_cast<float>(len);
    s[1] = static_cast<float>(length);
    for (int n = 1; n <= 4; ++n) {
      std::unordered_map<std::string, int> h;
      for (int i = 0; i + n <= len; ++i) ++h[key(hyp, i, n)];
      int match = 0;
      for (const auto& [k, c] : h) {
        auto it = counts.find(k);
        if (it != counts.end()) match += std::min(c, it->second);
      }
      s[2 * n] = static_cast<float>(match);
      s[2 * n + 1] = static_cast<float>(std::max(0, len - n + 1));
    }
    return s;
  }
};

using Totals = std::array<double, 10>;

void add(Totals& t, const BleuStats& s, double sign = 1) {
  for (int k = 0; k < 10; ++k) t[k] += sign * s[k];
}

double score(const std::vector<double>& w, const FeatureVector& f) {
  return dot(w, f);
}

// Corpus BLEU when each sentence takes its best candidate under `w`.
double evaluate(const std::vector<std::vector<Candidate>>& nbest, const std::vector<double>& w) {
  Totals t{};
  for (const auto& list : nbest) {
    if (list.empty()) continue;
    const Candidate* best = &list[0];
    double best_score = score(w, best->features);
    for (const auto& c : list) {
      const double s = score(w, c.features);
      if (s > best_score) {
        best_score = s;
        best = &c;
      }
    }
    add(t, best->stats);
  }
  return bleu_from_stats(t);
}

// Och's line search along w + gamma d: the upper envelope of every sentence's lines
// score_c(gamma) = w.f_c + gamma d.f_c changes the chosen candidate only at finitely many
// gammas; BLEU is piecewise constant in between. Returns the best gamma and its BLEU.
std::pair<double, double> line_search(const std::vector<std::vector<Candidate>>& nbest, const std::vector<double>& w,
                                      const std::vector<double>& d) {
  struct Line {
    double a, b, x;
    int c;
  };
  struct Event {
    double x;
    int s, from, to;
  };
  std::vector<Event> events;
  std::vector<int> chosen(nbest.size(), -1);
  Totals totals{};
  std::vector<Line> lines, hull;
  for (std::size_t s = 0; s < nbest.size(); ++s) {
    const auto& list = nbest[s];
    if (list.empty()) continue;
    lines.clear();
    for (std::size_t c = 0; c < list.size(); ++c)
      lines.push_back({score(w, list[c].features), score(d, list[c].features), 0, static_cast<int>(c)});
    std::sort(lines.begin(), lines.end(),
              [](const Line& p, const Line& q) { return p.b != q.b ? p.b < q.b : p.a > q.a; });
    hull.clear();
    for (const Line& l : lines) {
      if (!hull.empty() && hull.back().b == l.b) continue;  // parallel and not higher
      Line cur = l;
      cur.x = -std::numeric_limits<double>::infinity();
      while (!hull.empty()) {
        const double x = (hull.back().a - cur.a) / (cur.b - hull.back().b);
        if (x <= hull.back().x)
          hull.pop_back();
        else {
          cur.x = x;
          break;
        }
      }
      hull.push_back(cur);
    }
    chosen[s] = hull[0].c;
    add(totals, list[hull[0].c].stats);
    for (std::size_t k = 1; k < hull.size(); ++k)
      events.push_back({hull[k].x, static_cast<int>(s), hull[k - 1].c, hull[k].c});
  }
  std::sort(events.begin(), events.end(), [](const Event& p, const Event& q) { return p.x < q.x; });
  // Interval i spans [x_{i-1}, x_i); candidates gamma: interior points.
  double best_bleu = bleu_from_stats(totals);
  double best_gamma = (events.empty() || events.front().x > 0) ? 0.0 : events.front().x - 1.0;
  for (std::size_t i = 0; i < events.size();) {
    const double x = events[i].x;
    for (; i < events.size() && events[i].x == x; ++i) {
      const auto& e = events[i];
      add(totals, nbest[e.s][e.from].stats, -1);
      add(totals, nbest[e.s][e.to].stats, 1);
    }
    const double next = i < events.size() ? events[i].x : x + 2.0;
    // The interval's midpoint, or 0 when the interval holds the current point.
    const double gamma = (x <= 0 && 0 < next) ? 0.0 : (x + next) / 2;
    const double bleu = bleu_from_stats(totals);
    // Ties go to the smallest step.
    if (bleu > best_bleu + 1e-12 || (bleu > best_bleu - 1e-12 && std::fabs(gamma) < std::fabs(best_gamma))) {
      best_bleu = std::max(best_bleu, bleu);
      best_gamma = gamma;
    }
  }
  return {best_gamma, best_bleu};
}

std::vector<double> normalized(std::vector<double> w) {
  double norm = 0;
  for (int k = 0; k < kNumFeatures; ++k)
    if (feature_tunable(k)) norm += std::fabs(w[k]);
  if (norm > 0)
    for (int k = 0; k < kNumFeatures; ++k)
      if (feature_tunable(k)) w[k] /= norm;
  return w;
}

}  // namespace

BleuStats bleu_stats(const std::vector<std::string>& hyp, const std::vector<std::string>& ref) {
  return RefNgrams(ref).stats(hyp);
}

double bleu_from_stats(const std::array<double, 10>& s) {
  if (s[0] <= 0) return 0;
  double log_p = 0;
  for (int n = 1; n <= 4; ++n) {
    if (s[2 * n] <= 0 || s[2 * n + 1] <= 0) return 0;
    log_p += std::log(s[2 * n] / s[2 * n + 1]) / 4;
  }
  const double bp = s[0] < s[1] ? 1 - s[1] / s[0] : 0;
  return std::exp(log_p + bp);
}

std::vector<double> optimize_weights(const std::vector<std::vector<Candidate>>& nbest, const std::vector<double>& start,
                                     const OptimizeOptions& options, double* best_bleu) {
  if (start.size() != static_cast<std::size_t>(kNumFeatures))
    fail<ConfigError>("MERT: {} start weights, {} features", start.size(), static_cast<int>(kNumFeatures));
  // Each restart has its own generator (seed + restart), so results do not depend on threads.
  const int runs = options.random_restarts + 1;
  std::vector<std::vector<double>> found(runs);
  std::vector<double> found_bleu(runs, -1);
  auto run_one = [&](int restart) {
    std::mt19937_64 rng(options.seed + 7919 * static_cast<std::uint64_t>(restart));
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    std::vector<double> w = start;
    if (restart > 0)
      for (int k = 0; k < kNumFeatures; ++k)
        if (feature_tunable(k)) w[k] = uniform(rng);
    double current = evaluate(nbest, w);
    for (int round = 0; round < 100; ++round) {
      std::vector<std::vector<double>> directions;
      for (int k = 0; k < kNumFeatures; ++k) {
        if (!feature_tunable(k)) continue;
        std::vector<double> d(kNumFeatures, 0.0);
        d[k] = 1;
        directions.push_back(d);
      }
      for (int r = 0; r < options.random_directions; ++r) {
        std::vector<double> d(kNumFeatures, 0.0);
        for (int k = 0; k < kNumFeatures; ++k)
          if (feature_tunable(k)) d[k] = uniform(rng);
        directions.push_back(d);
      }
      double round_best = current, round_gamma = 0;
      const std::vector<double>* round_dir = nullptr;
      for (const auto& d : directions) {
        const auto [gamma, bleu] = line_search(nbest, w, d);
        if (bleu > round_best + options.epsilon) {
          round_best = bleu;
          round_gamma = gamma;
          round_dir = &d;
        }
      }
      if (!round_dir) break;
      for (int k = 0; k < kNumFeatures; ++k) w[k] += round_gamma * (*round_dir)[k];
      current = round_best;
    }
    found[restart] = w;
    found_bleu[restart] = current;
  };
  std::atomic<int> next{0};
  auto worker = [&] {
    for (int r; (r = next++) < runs;) run_one(r);
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < std::min(options.threads, runs); ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  std::vector<double> best_w = start;
  double best = evaluate(nbest, start);
  for (int r = 0; r < runs; ++r)
    if (found_bleu[r] > best + options.epsilon) {
      best = found_bleu[r];
      best_w = found[r];
    }
  if (best_bleu) *best_bleu = best;
  return normalized(best_w);
}

MertResult run_mert(const NBestDecoder& decode, const std::vector<std::vector<std::string>>& references,
                    const std::vector<double>& start, const MertOptions& options, Progress* progress) {
  std::vector<RefNgrams> refs;
  refs.reserve(references.size());
  for (const auto& r : references) refs.emplace_back(r);
  std::vector<std::vector<Candidate>> pools(references.size());
  std::vector<std::unordered_set<std::string>> seen(references.size());
  MertResult result;
  std::vector<double> weights = start;
  double best_dev = -1;
  if (progress) progress->begin("tune (MERT)", options.iterations, "iter");
  for (int it = 0; it < options.iterations; ++it) {
    const auto lists = decode(weights);
    if (lists.size() != references.size())
      fail<Error>("MERT: decoder returned {} n-best lists for {} references", lists.size(), references.size());
    Totals one_best{};
    std::size_t fresh = 0;
    for (std::size_t s = 0; s < lists.size(); ++s) {
      for (std::size_t k = 0; k < lists[s].size(); ++k) {
        const auto& e = lists[s][k];
        const BleuStats stats = refs[s].stats(e.target);
        if (k == 0) add(one_best, stats);
        std::string key;
        for (const auto& w : e.target) (key += w) += ' ';
        for (float f : e.features) key += fmt::format("{:.4g},", f);
        if (seen[s].insert(key).second) {
          pools[s].push_back({e.features, stats});
          ++fresh;
        }
      }
    }
    const double dev = bleu_from_stats(one_best);
    result.dev_bleu.push_back(dev);
    if (dev > best_dev) {
      best_dev = dev;
      result.weights = weights;
    }
    if (progress)
      progress->log(
          fmt::format("MERT iteration {}: dev BLEU {:.2f} (tokenized), {} new candidates", it + 1, 100 * dev, fresh));
    if (fresh == 0 || it + 1 == options.iterations) {
      if (progress) progress->advance();
      break;
    }
    double optimized = 0;
    OptimizeOptions opt = options.optimize;
    opt.seed += static_cast<std::uint64_t>(it);
    weights = optimize_weights(pools, weights, opt, &optimized);
    result.optimized_bleu.push_back(optimized);
    if (progress) progress->advance();
  }
  if (progress) progress->end(fmt::format("best dev BLEU {:.2f}", 100 * best_dev));
  return result;
}

}  // namespace mtbench::phrase_based
