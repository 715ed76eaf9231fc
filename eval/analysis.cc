#include "eval/analysis.h"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "base/error.h"
#include "eval/bleu.h"
#include "eval/tokenizers.h"

namespace mtbench::eval {
namespace {

void check_sizes(std::size_t expected, std::size_t got, const std::string& what) {
  if (expected != got) fail("analysis: {} has {} segments, expected {}", what, got, expected);
}

// Sums numerator/denominator pairs per bucket and system.
struct Counts {
  double matched = 0.0;
  double output = 0.0;
  double reference = 0.0;
};

using NgramCounts = std::unordered_map<std::string, std::size_t>;

// n-grams of orders [min_order, max_order] in text order (shorter first), as compare-mt
// iterates them.
std::vector<std::string> ngrams_of(const std::vector<std::string>& words, int min_order, int max_order) {
  std::vector<std::string> out;
  for (int n = min_order; n <= max_order; ++n) {
    for (std::size_t i = 0; i + static_cast<std::size_t>(n) <= words.size(); ++i) {
      std::string gram = words[i];
      for (int k = 1; k < n; ++k) gram += ' ' + words[i + static_cast<std::size_t>(k)];
      out.push_back(std::move(gram));
    }
  }
  return out;
}

// Matched n-gram counts of one output against the reference, clipped per segment.
NgramCounts matched_ngrams(const std::vector<std::string>& reference, const std::vector<std::string>& output,
                           const AnalysisOptions& options) {
  NgramCounts matched;
  for (std::size_t i = 0; i < output.size(); ++i) {
    NgramCounts available;
    for (auto& gram : ngrams_of(words_13a(reference[i]), options.min_ngram_order, options.max_ngram_order))
      ++available[gram];
    for (auto& gram : ngrams_of(words_13a(output[i]), options.min_ngram_order, options.max_ngram_order)) {
      auto it = available.find(gram);
      if (it != available.end() && it->second > 0) {
        --it->second;
        ++matched[gram];
      }
    }
  }
  return matched;
}

bool has_letter(const std::string& word) {
  // Any non-ASCII byte counts as a letter: numbers and ASCII punctuation are legitimately
  // copied from the source, words are not.
  return std::any_of(word.begin(), word.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z');
  });
}

}  // namespace

std::vector<std::string> words_13a(const std::string& segment) {
  std::vector<std::string> out;
  const std::string tokenized = tokenize_13a(segment);
  for (auto view : python_split(tokenized)) out.emplace_back(view);
  return out;
}

std::size_t bucket_of(std::uint64_t value, const std::vector<std::uint64_t>& edges) {
  return static_cast<std::size_t>(std::upper_bound(edges.begin(), edges.end(), value) - edges.begin());
}

std::vector<std::string> bucket_labels(const std::vector<std::uint64_t>& edges) {
  if (!std::is_sorted(edges.begin(), edges.end()) || std::adjacent_find(edges.begin(), edges.end()) != edges.end() ||
      (!edges.empty() && edges[0] == 0)) {
    fail<ConfigError>("analysis: bucket edges must be positive and strictly increasing, got [{}]",
                      fmt::join(edges, ", "));
  }
  auto range = [](std::uint64_t lo, std::uint64_t hi) {
    return lo == hi ? std::to_string(lo) : std::to_string(lo) + "-" + std::to_string(hi);
  };
  std::vector<std::string> labels;
  std::uint64_t lo = 0;
  for (auto edge : edges) {
    labels.push_back(range(lo, edge - 1));
    lo = edge;
  }
  labels.push_back(std::to_string(lo) + "+");
  return labels;
}

std::vector<BucketValues> bleu_by_source_length(const std::vector<std::string>& source,
                                                const std::vector<std::vector<std::string>>& references,
                                                const std::vector<std::vector<std::string>>& outputs,
                                                const std::vector<std::uint64_t>& edges,
                                                std::size_t min_bucket_sentences, int bootstrap_samples) {
  const auto labels = bucket_labels(edges);
  std::vector<std::vector<std::size_t>> members(labels.size());
  for (std::size_t i = 0; i < source.size(); ++i) members[bucket_of(words_13a(source[i]).size(), edges)].push_back(i);
  Bleu bleu;
  bleu.set_references(references);
  check_sizes(source.size(), bleu.num_segments(), "the reference");
  std::vector<StatsMatrix> stats;
  for (const auto& output : outputs) {
    check_sizes(source.size(), output.size(), "a system output");
    stats.push_back(bleu.segment_stats(output));
  }
  // Non-empty buckets, small ones merged: "lo-hi" labels join as "lo(first)-hi(last)" or "lo+".
  struct Group {
    std::string low, high;  // first label's lower end, last label's upper end ("" = open: "+")
    std::vector<std::size_t> members;
  };
  auto ends_of = [](const std::string& label) {
    if (!label.empty() && label.back() == '+')
      return std::pair<std::string, std::string>(label.substr(0, label.size() - 1), "");
    const auto dash = label.find('-');
    return dash == std::string::npos
               ? std::pair<std::string, std::string>(label, label)
               : std::pair<std::string, std::string>(label.substr(0, dash), label.substr(dash + 1));
  };
  std::vector<Group> groups;
  bool carry = false;  // the previous group is too small and waits for the next one
  for (std::size_t b = 0; b < labels.size(); ++b) {
    if (members[b].empty()) continue;
    const auto [low, high] = ends_of(labels[b]);
    if (carry || (!groups.empty() && members[b].size() < min_bucket_sentences)) {
      Group& g = groups.back();
      g.high = high;
      g.members.insert(g.members.end(), members[b].begin(), members[b].end());
    } else {
      groups.push_back({low, high, members[b]});
    }
    carry = groups.size() == 1 && groups.back().members.size() < min_bucket_sentences;
  }
  std::mt19937_64 rng(12345);
  std::vector<BucketValues> out;
  for (auto& g : groups) {
    std::sort(g.members.begin(), g.members.end());
    const std::string label = g.high.empty() ? g.low + "+" : g.low == g.high ? g.low : g.low + "-" + g.high;
    BucketValues bucket{label, g.members.size(), {}, {}};
    for (const auto& s : stats) bucket.values.push_back(bleu.score_from_stats(s.sum(g.members)).score);
    if (bootstrap_samples > 0) {
      // One set of resampled indices for all systems (paired), percentiles per system.
      std::vector<std::vector<double>> samples(stats.size());
      std::uniform_int_distribution<std::size_t> pick(0, g.members.size() - 1);
      std::vector<std::size_t> sample(g.members.size());
      for (int k = 0; k < bootstrap_samples; ++k) {
        for (auto& i : sample) i = g.members[pick(rng)];
        for (std::size_t s = 0; s < stats.size(); ++s)
          samples[s].push_back(bleu.score_from_stats(stats[s].sum(sample)).score);
      }
      for (auto& v : samples) {
        std::sort(v.begin(), v.end());
        const auto at = [&](double q) { return v[std::min(v.size() - 1, static_cast<std::size_t>(q * v.size()))]; };
        bucket.intervals.emplace_back(at(0.025), at(0.975));
      }
    }
    out.push_back(std::move(bucket));
  }
  return out;
}

std::vector<BucketValues> fmeasure_by_frequency(const std::vector<std::string>& reference,
                                                const std::vector<std::vector<std::string>>& outputs,
                                                const std::map<std::string, std::uint64_t>& train_counts,
                                                const std::vector<std::uint64_t>& edges) {
  const auto labels = bucket_labels(edges);
  auto bucket_of_word = [&](const std::string& word) {
    auto it = train_counts.find(word);
    return bucket_of(it == train_counts.end() ? 0 : it->second, edges);
  };
  std::vector<std::vector<std::string>> ref_words;
  for (const auto& r : reference) ref_words.push_back(words_13a(r));
  std::vector<std::vector<Counts>> counts(outputs.size(), std::vector<Counts>(labels.size()));
  for (std::size_t s = 0; s < outputs.size(); ++s) {
    check_sizes(reference.size(), outputs[s].size(), "a system output");
    for (std::size_t i = 0; i < reference.size(); ++i) {
      std::unordered_map<std::string, std::size_t> ref_count, out_count;
      for (const auto& w : ref_words[i]) ++ref_count[w];
      for (const auto& w : words_13a(outputs[s][i])) ++out_count[w];
      for (const auto& [w, c] : ref_count) {
        auto& bucket = counts[s][bucket_of_word(w)];
        bucket.reference += static_cast<double>(c);
        auto it = out_count.find(w);
        if (it != out_count.end()) bucket.matched += static_cast<double>(std::min(c, it->second));
      }
      for (const auto& [w, c] : out_count) counts[s][bucket_of_word(w)].output += static_cast<double>(c);
    }
  }
  std::vector<BucketValues> out;
  for (std::size_t b = 0; b < labels.size(); ++b) {
    // The bucket's size is its reference words (identical for every system).
    std::size_t ref_total = 0;
    bool any_output = false;
    for (std::size_t s = 0; s < outputs.size(); ++s) any_output |= counts[s][b].output > 0;
    if (!outputs.empty()) ref_total = static_cast<std::size_t>(counts[0][b].reference);
    if (ref_total == 0 && !any_output) continue;
    BucketValues bucket{labels[b], ref_total, {}, {}};
    for (std::size_t s = 0; s < outputs.size(); ++s) {
      const auto& c = counts[s][b];
      const double precision = c.output > 0 ? c.matched / c.output : 0.0;
      const double recall = c.reference > 0 ? c.matched / c.reference : 0.0;
      bucket.values.push_back(precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
    }
    out.push_back(std::move(bucket));
  }
  return out;
}

SalientNgrams salient_ngrams(const std::vector<std::string>& reference, const std::vector<std::string>& output_a,
                             const std::vector<std::string>& output_b, const AnalysisOptions& options) {
  check_sizes(reference.size(), output_a.size(), "system A's output");
  check_sizes(reference.size(), output_b.size(), "system B's output");
  if (options.min_ngram_order < 1 || options.max_ngram_order < options.min_ngram_order)
    fail<ConfigError>("analysis: n-gram orders must satisfy 1 <= min ({}) <= max ({})", options.min_ngram_order,
                      options.max_ngram_order);
  const NgramCounts a = matched_ngrams(reference, output_a, options);
  const NgramCounts b = matched_ngrams(reference, output_b, options);
  std::vector<NgramSalience> all;
  const double alpha = options.ngram_alpha;
  auto add = [&](const std::string& gram, std::size_t ca, std::size_t cb) {
    // compare-mt's stat_utils.extract_salient_features: (m_A + alpha) / (m_A + m_B + 2 alpha).
    const double score = (static_cast<double>(ca) + alpha) / (static_cast<double>(ca + cb) + 2 * alpha);
    all.push_back({gram, score, ca, cb});
  };
  for (const auto& [gram, ca] : a) {
    auto it = b.find(gram);
    add(gram, ca, it == b.end() ? 0 : it->second);
  }
  for (const auto& [gram, cb] : b)
    if (!a.count(gram)) add(gram, 0, cb);
  auto order = [](bool descending) {
    return [descending](const NgramSalience& x, const NgramSalience& y) {
      if (x.score != y.score) return descending ? x.score > y.score : x.score < y.score;
      if (x.count_a + x.count_b != y.count_a + y.count_b) return x.count_a + x.count_b > y.count_a + y.count_b;
      return x.ngram < y.ngram;
    };
  };
  SalientNgrams out;
  auto take = [&](bool descending, std::vector<NgramSalience>& into) {
    const std::size_t n = std::min(options.ngram_top, all.size());
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(n), all.end(), order(descending));
    for (std::size_t i = 0; i < n; ++i) {
      // Only n-grams actually favouring that side (a score of exactly 1/2 favours neither).
      if (descending ? all[i].score > 0.5 : all[i].score < 0.5) into.push_back(all[i]);
    }
  };
  take(true, out.a_better);
  take(false, out.b_better);
  return out;
}

std::vector<double> sentence_bleu(const std::vector<std::vector<std::string>>& references,
                                  const std::vector<std::string>& output) {
  Bleu bleu;
  bleu.set_references(references);
  const StatsMatrix stats = bleu.segment_stats(output);
  std::vector<double> scores(stats.rows);
  for (std::size_t i = 0; i < stats.rows; ++i) scores[i] = bleu.sentence_score_from_stats(stats.row(i)).score;
  return scores;
}

std::vector<std::size_t> most_different_segments(const std::vector<std::vector<double>>& scores, std::size_t n) {
  if (scores.empty()) return {};
  const std::size_t segments = scores[0].size();
  std::vector<std::pair<double, std::size_t>> spread;
  for (std::size_t i = 0; i < segments; ++i) {
    double lo = scores[0][i], hi = scores[0][i];
    for (const auto& system : scores) {
      check_sizes(segments, system.size(), "a system's sentence scores");
      lo = std::min(lo, system[i]);
      hi = std::max(hi, system[i]);
    }
    spread.emplace_back(hi - lo, i);
  }
  std::stable_sort(spread.begin(), spread.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < std::min(n, spread.size()); ++k) out.push_back(spread[k].second);
  return out;
}

OutputCounts output_counts(const std::vector<std::string>& source,
                           const std::vector<std::vector<std::string>>& references,
                           const std::vector<std::string>& output) {
  OutputCounts counts;
  for (const auto& stream : references) check_sizes(output.size(), stream.size(), "a reference stream");
  const bool with_source = !source.empty();
  if (with_source) check_sizes(output.size(), source.size(), "the source");
  for (std::size_t i = 0; i < output.size(); ++i) {
    const auto words = words_13a(output[i]);
    counts.output_words += words.size();
    if (!references.empty()) counts.reference_words += words_13a(references[0][i]).size();
    if (!with_source) continue;
    std::unordered_set<std::string> source_words;
    for (auto& w : words_13a(source[i])) source_words.insert(std::move(w));
    std::unordered_set<std::string> reference_words;
    for (const auto& stream : references)
      for (auto& w : words_13a(stream[i])) reference_words.insert(std::move(w));
    for (const auto& w : words)
      if (has_letter(w) && source_words.count(w) && !reference_words.count(w)) ++counts.untranslated_words;
  }
  counts.length_ratio = counts.reference_words
                            ? static_cast<double>(counts.output_words) / static_cast<double>(counts.reference_words)
                            : 0.0;
  return counts;
}

}  // namespace mtbench::eval
