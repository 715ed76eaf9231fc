#include "eval/bleu.h"

#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "base/error.h"
#include "eval/ngram_matcher.h"

namespace mtbench::eval {

// References tokenized once, as integer word ids (id 0 is reserved for words that occur in
// no reference), flattened into one array.
struct Bleu::RefCache {
  Vocabulary vocabulary;                     // word -> id (from 1)
  std::vector<std::uint32_t> ids;            // all references' word ids
  std::vector<std::uint32_t> ref_begin;      // reference r: ids[ref_begin[r], ref_begin[r+1])
  std::vector<std::uint32_t> segment_begin;  // segment i: refs [segment_begin[i], segment_begin[i+1])
  NgramKeyer keyer;                          // packing of n-grams of ids
};

namespace {

// sacreBLEU's my_log: log(0) is a large negative number instead of an error.
double my_log(double x) {
  return x == 0.0 ? -9999999999.0 : std::log(x);
}

std::optional<double> default_smooth_value(const std::string& method) {
  if (method == "floor") return 0.1;
  if (method == "add-k") return 1.0;
  return std::nullopt;
}

}  // namespace

Bleu::Bleu(BleuOptions options) : options_(std::move(options)) {
  const std::string& m = options_.smooth_method;
  if (m != "exp" && m != "floor" && m != "add-k" && m != "none")
    fail<ConfigError>("unknown BLEU smoothing method '{}' (known: exp, floor, add-k, none)", m);
  if (options_.max_ngram_order < 1 || options_.max_ngram_order > 16)
    fail<ConfigError>("BLEU max n-gram order must be in 1..16, got {}", options_.max_ngram_order);
  smooth_value_ = options_.smooth_value.value_or(default_smooth_value(m).value_or(0.0));
  tokenizer_ = make_bleu_tokenizer(options_.tokenize);
}

Bleu::~Bleu() = default;

std::string Bleu::signature() const {
  std::string smooth = options_.smooth_method;
  // The value is shown for the methods that take one (sacreBLEU's SMOOTH_DEFAULTS not None).
  if (default_smooth_value(smooth)) smooth += fmt::format("[{:.2f}]", smooth_value_);
  return fmt::format("nrefs:{}|case:{}|eff:{}|tok:{}|smooth:{}|version:2.6.0", nrefs_,
                     options_.lowercase ? "lc" : "mixed", options_.effective_order ? "yes" : "no",
                     tokenizer_->signature(), smooth);
}

std::size_t Bleu::num_segments() const {
  return refs_ ? refs_->segment_begin.size() - 1 : 0;
}

namespace {

// sacreBLEU's _preprocess_segment: optional lowercasing, rstrip, tokenization; then split.
std::string preprocess(const BleuTokenizer& tokenizer, bool lowercase, std::string_view line) {
  if (lowercase) {
    const std::string lower = python_lower(line);
    return tokenizer.tokenize(python_rstrip(lower));
  }
  return tokenizer.tokenize(python_rstrip(line));
}

}  // namespace

void Bleu::set_references(const std::vector<std::vector<std::string>>& refs) {
  const SegmentReferences grouped = group_references(refs);
  auto cache = std::make_unique<RefCache>();
  // Tokenize in parallel, then intern sequentially (the vocabulary is shared).
  std::vector<std::vector<std::string>> tokenized(grouped.segments.size());
  parallel_for(grouped.segments.size(), [&](std::size_t i, int) {
    for (const std::string* ref : grouped.segments[i])
      tokenized[i].push_back(preprocess(*tokenizer_, options_.lowercase, *ref));
  });
  cache->segment_begin.push_back(0);
  cache->ref_begin.push_back(0);
  for (const auto& segment : tokenized) {
    for (const std::string& ref : segment) {
      for (std::string_view token : python_split(ref)) {
        cache->ids.push_back(cache->vocabulary.add(token));
      }
      cache->ref_begin.push_back(static_cast<std::uint32_t>(cache->ids.size()));
    }
    cache->segment_begin.push_back(static_cast<std::uint32_t>(cache->ref_begin.size() - 1));
  }
  cache->keyer = NgramKeyer::for_vocabulary(cache->vocabulary.size(), options_.max_ngram_order);
  refs_ = std::move(cache);
  nrefs_ = grouped.nrefs;
}

StatsMatrix Bleu::segment_stats(const std::vector<std::string>& hyps) const {
  if (!refs_) fail("BLEU: set_references() must be called before scoring");
  check_segment_count(hyps.size(), num_segments(), "BLEU");
  const int order = options_.max_ngram_order;
  StatsMatrix stats;
  stats.rows = hyps.size();
  stats.width = stats_width();
  stats.values.assign(stats.rows * stats.width, 0.0);
  std::vector<NgramMatcher> matchers(static_cast<std::size_t>(parallel_workers()));
  const RefCache& cache = *refs_;

  parallel_for(hyps.size(), [&](std::size_t i, int worker) {
    NgramMatcher& matcher = matchers[static_cast<std::size_t>(worker)];
    const std::string tokenized = preprocess(*tokenizer_, options_.lowercase, hyps[i]);
    std::vector<std::uint32_t> hyp;
    for (std::string_view token : python_split(tokenized)) hyp.push_back(cache.vocabulary.find(token));
    const long len = static_cast<long>(hyp.size());
    double* row = stats.row(i);
    double* correct = row + 2;
    double* total = row + 2 + order;
    std::size_t capacity = 0;
    for (int n = 1; n <= order; ++n) {
      const long count = std::max(0L, len - n + 1);
      total[n - 1] = static_cast<double>(count);
      capacity += static_cast<std::size_t>(count);
    }
    matcher.reset(capacity);
    for (long s = 0; s < len; ++s) {
      std::uint64_t key = 0;
      for (int n = 1; n <= order && s + n <= len; ++n) {
        const std::uint32_t id = hyp[static_cast<std::size_t>(s + n - 1)];
        if (id == 0) break;  // occurs in no reference: neither does any longer n-gram
        key = cache.keyer.extend(key, id);
        matcher.add_hyp(key, n);
      }
    }
    // Closest reference length, the shorter one on ties (sacreBLEU's _get_closest_ref_len).
    long closest_len = -1, closest_diff = -1;
    for (std::uint32_t r = cache.segment_begin[i]; r < cache.segment_begin[i + 1]; ++r) {
      const std::uint32_t* ref = cache.ids.data() + cache.ref_begin[r];
      const long ref_len = static_cast<long>(cache.ref_begin[r + 1] - cache.ref_begin[r]);
      const long diff = std::labs(len - ref_len);
      if (closest_diff == -1 || diff < closest_diff || (diff == closest_diff && ref_len < closest_len)) {
        closest_diff = diff;
        closest_len = ref_len;
      }
      matcher.begin_ref(r);
      for (long s = 0; s < ref_len; ++s) {
        std::uint64_t key = 0;
        for (int n = 1; n <= order && s + n <= ref_len; ++n) {
          key = cache.keyer.extend(key, ref[s + n - 1]);
          // Not in the hypothesis: no longer n-gram starting here is either.
          if (matcher.add_ref(key) == NgramMatcher::Probe::kAbsent) break;
        }
      }
    }
    matcher.clipped_counts(correct);
    row[0] = static_cast<double>(len);
    row[1] = static_cast<double>(closest_len);
  });
  return stats;
}

BleuDetails Bleu::details_from_stats(const double* stats, bool effective_order) const {
  // sacreBLEU's BLEU.compute_bleu, step by step (smoothing: Chen & Cherry 2014, methods
  // 1 "floor", 2 "add-k" and 3 "exp", the last being mteval-v13a's NIST smoothing).
  const int order = options_.max_ngram_order;
  BleuDetails d;
  d.sys_len = static_cast<std::int64_t>(stats[0]);
  d.ref_len = static_cast<std::int64_t>(stats[1]);
  std::vector<double> correct(stats + 2, stats + 2 + order);
  std::vector<double> total(stats + 2 + order, stats + 2 + 2 * order);
  if (d.sys_len < d.ref_len) {
    d.bp = d.sys_len > 0 ? std::exp(1.0 - static_cast<double>(d.ref_len) / static_cast<double>(d.sys_len)) : 0.0;
  } else {
    d.bp = 1.0;
  }
  d.ratio = d.ref_len ? static_cast<double>(d.sys_len) / static_cast<double>(d.ref_len) : 0.0;
  d.precisions.assign(static_cast<std::size_t>(order), 0.0);
  bool any_correct = false;
  for (double c : correct) any_correct = any_correct || c != 0.0;
  if (!any_correct) return d;  // no match at all: 0 whatever the smoothing (sacreBLEU #141)

  const std::string& method = options_.smooth_method;
  double smooth_mteval = 1.0;
  int eff_order = order;
  for (int n = 1; n <= order; ++n) {
    const auto k = static_cast<std::size_t>(n - 1);
    if (method == "add-k" && n > 1) {
      correct[k] += smooth_value_;
      total[k] += smooth_value_;
    }
    if (total[k] == 0.0) break;
    if (effective_order) eff_order = n;
    if (correct[k] == 0.0) {
      if (method == "exp") {
        smooth_mteval *= 2.0;
        d.precisions[k] = 100.0 / (smooth_mteval * total[k]);
      } else if (method == "floor") {
        d.precisions[k] = 100.0 * smooth_value_ / total[k];
      }
    } else {
      d.precisions[k] = 100.0 * correct[k] / total[k];
    }
  }
  double log_sum = 0.0;
  for (int n = 0; n < eff_order; ++n) log_sum += my_log(d.precisions[static_cast<std::size_t>(n)]);
  d.score = d.bp * std::exp(log_sum / eff_order);
  return d;
}

namespace {

Score to_score(const BleuDetails& d) {
  Score s;
  s.name = "BLEU";
  s.score = d.score;
  std::string precisions;
  for (std::size_t i = 0; i < d.precisions.size(); ++i) {
    if (i) precisions += '/';
    precisions += fmt::format("{:.1f}", d.precisions[i]);
  }
  s.verbose = fmt::format("{} (BP = {:.3f} ratio = {:.3f} hyp_len = {} ref_len = {})", precisions, d.bp, d.ratio,
                          d.sys_len, d.ref_len);
  return s;
}

}  // namespace

Score Bleu::score_from_stats(const std::vector<double>& stats) const {
  if (stats.size() != stats_width()) fail("BLEU: expected {} statistics, got {}", stats_width(), stats.size());
  return to_score(details_from_stats(stats.data(), options_.effective_order));
}

Score Bleu::sentence_score_from_stats(const double* row) const {
  return to_score(details_from_stats(row, true));
}

double Bleu::score_value(const double* stats, std::size_t) const {
  return details_from_stats(stats, options_.effective_order).score;
}

}  // namespace mtbench::eval
