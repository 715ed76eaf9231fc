#include "systems/alignment/ibm_align.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "systems/alignment/cooccurrence_table.h"
#include "systems/alignment/hmm.h"

namespace mtbench::alignment {
namespace {

// digamma(x) for x > 0: recurrence up to x >= 6, then the asymptotic series.
double digamma(double x) {
  double result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  result += std::log(x) - 0.5 / x - f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
  return result;
}

// The diagonal feature of fast_align: -|j/J - i/I| with 1-based positions.
inline double diagonal_feature(int j, int J, int i, int I) {
  return -std::fabs(static_cast<double>(j) / J - static_cast<double>(i) / I);
}

// EM state for one direction. "gen" words are generated, each from one "cond" word or null.
// Every (cond word, gen word) pair met in a sentence has a dense id in the co-occurrence
// table, so EM runs over flat arrays indexed by it; a sentence's ids are looked up when the
// E-step visits it. prob_ and the counts have one more entry than the table, the pruned pairs'
// (a lookup that misses gets that id: probability options_.prune_below, counts discarded).
class DirectionalAligner {
 public:
  DirectionalAligner(const std::vector<std::vector<WordId>>& gen, const std::vector<std::vector<WordId>>& cond,
                     const AlignOptions& options)
      : gen_(gen),
        cond_(cond),
        options_(options),
        tension_(options.diagonal_tension),
        null_id_(null_word_of(cond)),
        table_(gen, cond, null_id_, options.threads) {
    // Uniform start t(f|e) = 1/|V_gen|, so the first E-step follows the alignment prior.
    WordId gen_vocab = 1;
    for (const auto& s : gen)
      for (WordId w : s) gen_vocab = std::max(gen_vocab, w + 1);
    prob_.assign(table_.size() + 1, 1.0 / gen_vocab);
    prob_.back() = options_.prune_below;
    if (options_.threads < 1) options_.threads = 1;
  }

  std::size_t table_size() const { return table_.size(); }

  double tension() const { return tension_; }
  const HmmJumps& jumps() const { return jumps_; }
  // From now on the E-step is the HMM's (after the Model 1 iterations that start it).
  void start_hmm() { hmm_ = true; }

  // The current t(gen|cond) entries above `threshold`; the null word becomes Vocab::kNone.
  std::vector<LexicalProb> table(double threshold) const {
    std::vector<LexicalProb> out;
    for (WordId e = 0; e <= null_id_; ++e)
      for (std::size_t k = table_.row_begin(e); k < table_.row_end(e); ++k)
        if (prob_[k] > threshold) out.push_back({e == null_id_ ? Vocab::kNone : e, table_.gen_word(k), prob_[k]});
    return out;
  }

  // One EM iteration; with `viterbi` also fills the best links (with the current parameters).
  // With `prune`, the pairs whose new t(gen|cond) is at most options_.prune_below leave the
  // table.
  double iterate(std::vector<Alignment>* viterbi, bool reverse, bool prune) {
    const int threads = std::min<int>(options_.threads, std::max<std::size_t>(1, gen_.size() / 64));
    if (hmm_) prepare_transitions();
    std::vector<Worker> workers(threads);
    std::vector<std::thread> pool;
    const std::size_t n = gen_.size();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        Worker& w = workers[t];
        w.counts.assign(prob_.size(), 0.0);
        w.jumps.assign(HmmJumps::kBuckets, 0.0);
        for (std::size_t s = n * t / threads; s < n * (t + 1) / threads; ++s) {
          Alignment* best = viterbi ? &(*viterbi)[s] : nullptr;
          if (hmm_)
            hmm_e_step(s, w, best, reverse);
          else
            e_step(s, w, best, reverse);
        }
      });
    }
    for (auto& th : pool) th.join();
    double loglik = 0, emp = 0, tokens = 0;
    std::vector<double>& counts = workers[0].counts;
    std::map<std::pair<int, int>, std::vector<double>> mass;
    for (int t = 0; t < threads; ++t) {
      loglik += workers[t].loglik;
      emp += workers[t].emp_feat;
      tokens += workers[t].tokens;
      if (t > 0) {
        for (std::size_t k = 0; k < counts.size(); ++k) counts[k] += workers[t].counts[k];
        for (int b = 0; b < HmmJumps::kBuckets; ++b) workers[0].jumps[b] += workers[t].jumps[b];
      }
      for (auto& [key, v] : workers[t].mass) {
        auto& m = mass[key];
        if (m.empty()) m.assign(v.size(), 0.0);
        for (std::size_t k = 0; k < v.size(); ++k) m[k] += v[k];
      }
    }
    m_step(counts);
    if (prune && options_.prune_below > 0) prune_table();
    if (hmm_) jumps_.estimate(workers[0].jumps);
    if (options_.model == AlignModel::kFastAlign && options_.optimize_tension && tokens > 0)
      optimize_tension(emp, mass, tokens);
    return loglik;
  }

 private:
  struct Worker {
    std::vector<double> counts;                               // expected pair counts
    double loglik = 0;                                        // corpus log-likelihood of this chunk
    double emp_feat = 0;                                      // posterior expectation of the diagonal feature
    double tokens = 0;                                        // generated tokens seen
    std::map<std::pair<int, int>, std::vector<double>> mass;  // (J, I) -> non-null mass per j
    std::vector<double> jumps;                                // HMM: expected jump counts per bucket
    std::vector<double> emit, post;                           // HMM: per-sentence buffers
    std::vector<std::uint32_t> cells;                         // the sentence's pair ids, [J x (I+1)]
  };

  // The null word's id: one past the largest conditioning word.
  static WordId null_word_of(const std::vector<std::vector<WordId>>& cond) {
    WordId null_id = 0;
    for (const auto& s : cond)
      for (WordId w : s) null_id = std::max(null_id, w + 1);
    return null_id;
  }

  // Drops the pairs at or below the cutoff (GIZA++'s t-table pruning; a pruned pair is looked
  // up as probability prune_below from now on, and gathers no counts).
  void prune_table() {
    const std::size_t n = table_.size();
    std::vector<char> keep(n);
    std::size_t kept = 0;
    for (std::size_t k = 0; k < n; ++k) kept += keep[k] = prob_[k] > options_.prune_below;
    if (kept == n) return;
    table_.retain(keep);
    keep.push_back(1);  // the pruned pairs' entry stays last
    CooccurrenceTable::compact(&prob_, keep);
  }

  // The HMM's transition matrices depend only on the sentence length: one per length, made
  // once per iteration before the threads start.
  void prepare_transitions() {
    std::size_t longest = 0;
    for (const auto& s : cond_) longest = std::max(longest, s.size());
    transitions_.assign(longest + 1, {});
    std::vector<bool> seen(longest + 1, false);
    for (const auto& s : cond_) seen[s.size()] = true;
    for (std::size_t I = 1; I <= longest; ++I)
      if (seen[I]) jumps_.transitions(static_cast<int>(I), options_.hmm_smoothing, &transitions_[I]);
  }

  void hmm_e_step(std::size_t s, Worker& w, Alignment* best, bool reverse) {
    const auto& f = gen_[s];
    const auto& e = cond_[s];
    if (e.empty() || f.empty()) return;
    const int J = static_cast<int>(f.size()), I = static_cast<int>(e.size());
    const std::size_t size = static_cast<std::size_t>(J) * (I + 1);
    table_.sentence_ids(f, e, &w.cells);
    const std::uint32_t* cell = w.cells.data();  // [J x (I+1)], null first
    w.emit.resize(size);
    w.post.resize(size);
    for (std::size_t k = 0; k < size; ++k) w.emit[k] = prob_[cell[k]];
    const auto& trans = transitions_[I];
    const double loglik = hmm_forward_backward(J, I, w.emit.data(), trans, options_.p0, w.post.data(), w.jumps.data());
    if (!std::isfinite(loglik)) return;
    w.loglik += loglik;
    w.tokens += J;
    for (std::size_t k = 0; k < size; ++k) w.counts[cell[k]] += w.post[k];
    if (!best) return;
    const std::vector<int> path = hmm_viterbi(J, I, w.emit.data(), trans, options_.p0);
    for (int j = 0; j < J; ++j)
      if (path[j] > 0) best->emplace_back(reverse ? path[j] - 1 : j, reverse ? j : path[j] - 1);
    std::sort(best->begin(), best->end());
  }

  void e_step(std::size_t s, Worker& w, Alignment* best, bool reverse) {
    const auto& f = gen_[s];
    const auto& e = cond_[s];
    if (e.empty() || f.empty()) return;
    const int J = static_cast<int>(f.size()), I = static_cast<int>(e.size());
    const bool diag = options_.model == AlignModel::kFastAlign;
    std::vector<double>* mass = nullptr;
    if (diag && options_.optimize_tension) {
      auto& m = w.mass[{J, I}];
      if (m.empty()) m.assign(J, 0.0);
      mass = &m;
    }
    std::vector<double> prior(I + 1), post(I + 1);
    table_.sentence_ids(f, e, &w.cells);
    const std::uint32_t* cell = w.cells.data();
    for (int j = 0; j < J; ++j, cell += I + 1) {
      if (diag) {
        double z = 0;
        for (int i = 1; i <= I; ++i) z += prior[i] = std::exp(tension_ * diagonal_feature(j + 1, J, i, I));
        prior[0] = options_.p0;
        const double scale = (1 - options_.p0) / z;
        for (int i = 1; i <= I; ++i) prior[i] *= scale;
      } else {
        std::fill(prior.begin(), prior.end(), 1.0 / (I + 1));
      }
      double sum = 0;
      for (int i = 0; i <= I; ++i) sum += post[i] = prob_[cell[i]] * prior[i];
      if (!(sum > 0)) continue;
      w.loglik += std::log(sum);
      w.tokens += 1;
      double nonnull = 0;
      int argmax = 0;
      for (int i = 0; i <= I; ++i) {
        if (post[i] > post[argmax]) argmax = i;
        const double p = post[i] / sum;
        w.counts[cell[i]] += p;
        if (i > 0 && diag) {
          w.emp_feat += p * diagonal_feature(j + 1, J, i, I);
          nonnull += p;
        }
      }
      if (mass) (*mass)[j] += nonnull;
      if (best && argmax > 0) best->emplace_back(reverse ? argmax - 1 : j, reverse ? j : argmax - 1);
    }
    if (best) std::sort(best->begin(), best->end());
  }

  // counts has one entry per pair, then the pruned pairs' (ignored).
  void m_step(const std::vector<double>& counts) {
    const bool vb = options_.variational_bayes;
    for (WordId e = 0; e <= null_id_; ++e) {
      const std::size_t begin = table_.row_begin(e), end = table_.row_end(e);
      double tot = 0;
      for (std::size_t k = begin; k < end; ++k) tot += counts[k] + (vb ? options_.alpha : 0.0);
      for (std::size_t k = begin; k < end; ++k) {
        if (tot <= 0) {
          prob_[k] = 1e-9;
        } else if (vb) {
          // Mean-field VB update of a Dirichlet-multinomial (fast_align's NormalizeVB): the
          // prior only ranges over the words this cond word was seen with.
          prob_[k] = std::exp(digamma(counts[k] + options_.alpha) - digamma(tot));
        } else {
          prob_[k] = counts[k] / tot;
        }
      }
    }
  }

  // Gradient ascent on lambda: the derivative of the expected complete log-likelihood is the
  // posterior feature expectation minus, per generated word, its non-null posterior mass
  // times the prior's feature expectation. fast_align uses the same 8 steps of size 20/tokens
  // but weights the model term by sentence counts instead of non-null mass.
  void optimize_tension(double emp, const std::map<std::pair<int, int>, std::vector<double>>& mass, double tokens) {
    for (int step = 0; step < 8; ++step) {
      double model = 0;
      for (const auto& [key, v] : mass) {
        const int J = key.first, I = key.second;
        for (int j = 1; j <= J; ++j) {
          double z = 0, fz = 0;
          for (int i = 1; i <= I; ++i) {
            const double feat = diagonal_feature(j, J, i, I);
            const double h = std::exp(tension_ * feat);
            z += h;
            fz += h * feat;
          }
          model += v[j - 1] * fz / z;
        }
      }
      tension_ += (emp - model) / tokens * 20.0;
      tension_ = std::clamp(tension_, 0.1, 14.0);
    }
  }

  const std::vector<std::vector<WordId>>& gen_;   // generated side
  const std::vector<std::vector<WordId>>& cond_;  // conditioning side
  AlignOptions options_;                          // as given (threads >= 1)
  double tension_;                                // current lambda
  bool hmm_ = false;                              // E-step of the HMM (else Model 1/2)
  HmmJumps jumps_;                                // HMM jump widths c(d)
  std::vector<std::vector<double>> transitions_;  // HMM: per target length I, [(I+1) x (I+1)]
  WordId null_id_;                                // the null word's row (largest cond word + 1)
  CooccurrenceTable table_;                       // pair ids
  std::vector<double> prob_;                      // pair id -> t(gen | cond); last: pruned pairs'
};

}  // namespace

DirectionalResult train_alignment(const std::vector<std::vector<WordId>>& source,
                                  const std::vector<std::vector<WordId>>& target, const AlignOptions& options,
                                  bool reverse, Progress* progress) {
  if (source.size() != target.size())
    fail<DataError>("alignment: {} source sentences but {} target sentences", source.size(), target.size());
  if (options.iterations < 1) fail<ConfigError>("alignment: iterations must be >= 1, got {}", options.iterations);
  if (options.p0 < 0 || options.p0 >= 1) fail<ConfigError>("alignment: p0 must be in [0,1), got {}", options.p0);
  if (options.hmm_model1_iterations < 0)
    fail<ConfigError>("alignment: hmm_model1_iterations must be >= 0, got {}", options.hmm_model1_iterations);
  if (options.hmm_smoothing < 0 || options.hmm_smoothing > 1)
    fail<ConfigError>("alignment: hmm_smoothing must be in [0,1], got {}", options.hmm_smoothing);
  if (!(options.prune_below >= 0 && options.prune_below < 1))
    fail<ConfigError>("alignment: prune_below must be in [0,1), got {}", options.prune_below);
  const auto& gen = reverse ? target : source;
  const auto& cond = reverse ? source : target;
  DirectionalAligner aligner(gen, cond, options);
  DirectionalResult result;
  result.cooccurring_pairs = aligner.table_size();
  result.alignments.assign(source.size(), {});
  const bool hmm = options.model == AlignModel::kHmm;
  const int warmup = hmm ? options.hmm_model1_iterations : 0;
  const int total = warmup + options.iterations;
  if (progress)
    progress->begin(fmt::format("align {}{}", reverse ? "reverse" : "forward", hmm ? " (Model 1, then HMM)" : ""),
                    total, "iter");
  for (int it = 0; it < total; ++it) {
    if (it == warmup && hmm) aligner.start_hmm();
    const bool last = it + 1 == total;
    result.log_likelihoods.push_back(aligner.iterate(last ? &result.alignments : nullptr, reverse, !last));
    if (progress) progress->advance();
  }
  result.final_tension = aligner.tension();
  result.kept_pairs = aligner.table_size();
  if (hmm) {
    result.jump_weights = aligner.jumps().weights();
    double z = 0;
    for (double v : result.jump_weights) z += v;
    for (double& v : result.jump_weights) v /= z;
  }
  if (options.keep_table_above >= 0) result.table = aligner.table(options.keep_table_above);
  if (progress) {
    std::string summary = fmt::format("log-likelihood {:.1f}", result.log_likelihoods.back());
    if (options.model == AlignModel::kFastAlign) summary += fmt::format(", tension {:.2f}", result.final_tension);
    summary += fmt::format(", {} word pairs", result.cooccurring_pairs);
    if (result.kept_pairs != result.cooccurring_pairs) summary += fmt::format(" ({} kept)", result.kept_pairs);
    progress->end(summary);
  }
  return result;
}

AlignModel parse_align_model(const std::string& name) {
  if (name == "ibm1") return AlignModel::kIbm1;
  if (name == "ibm2" || name == "fastalign" || name == "fast_align") return AlignModel::kFastAlign;
  if (name == "hmm") return AlignModel::kHmm;
  fail<ConfigError>("unknown alignment model '{}' (valid: ibm1, ibm2 = fastalign, hmm)", name);
}

std::string format_pharaoh(const Alignment& alignment) {
  std::string out;
  for (const auto& [s, t] : alignment) {
    if (!out.empty()) out += ' ';
    out += std::to_string(s);
    out += '-';
    out += std::to_string(t);
  }
  return out;
}

Alignment parse_pharaoh(const std::string& text) {
  Alignment out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    std::size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    const std::string item = text.substr(i, j - i);
    const auto dash = item.find('-');
    try {
      if (dash == std::string::npos) throw std::invalid_argument(item);
      std::size_t used1 = 0, used2 = 0;
      const int s = std::stoi(item.substr(0, dash), &used1);
      const int t = std::stoi(item.substr(dash + 1), &used2);
      if (used1 != dash || used2 != item.size() - dash - 1 || s < 0 || t < 0) throw std::invalid_argument(item);
      out.emplace_back(s, t);
    } catch (const std::exception&) {
      fail<DataError>("malformed alignment link '{}' in '{}' (expected SRC-TGT)", item, text);
    }
    i = j;
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mtbench::alignment
