#include "eval/chrf.h"

#include <cmath>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "base/error.h"
#include "base/utf8.h"
#include "eval/ngram_matcher.h"
#include "eval/tokenizers.h"

namespace mtbench::eval {

namespace {

// sacreBLEU's CHRF._compute_f_score, the one formula of chrF in 0..100 for both float64
// statistics and the float32 sums of sacreBLEU's bootstrap (T = float: per-order precision
// and recall are float32 quotients, promoted to float64 afterwards). By default precision
// and recall are averaged over the orders where both hypothesis and reference have n-grams
// (the "effective order" of sacreBLEU < 2.0 and the chrF++ paper); with eps_smoothing,
// per-order F-scores with 1e-16 in place of undefined values are averaged (chrF++.py,
// Moses, NLTK).
template <typename T>
double chrf_f_score(const ChrfOptions& options, const T* stats) {
  const double eps = 1e-16;
  const double factor = options.beta * options.beta;
  const int order = options.char_order + options.word_order;
  double score = 0.0, avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (int i = 0; i < order; ++i) {
    const T n_hyp = stats[3 * i], n_ref = stats[3 * i + 1], n_match = stats[3 * i + 2];
    const double prec = n_hyp > 0 ? static_cast<double>(n_match / n_hyp) : eps;
    const double rec = n_ref > 0 ? static_cast<double>(n_match / n_ref) : eps;
    const double denom = factor * prec + rec;
    score += denom > 0 ? (1 + factor) * prec * rec / denom : eps;
    if (n_hyp > 0 && n_ref > 0) {
      avg_prec += prec;
      avg_rec += rec;
      ++effective_order;
    }
  }
  if (options.eps_smoothing) return 100 * score / order;
  if (effective_order == 0) {
    avg_prec = avg_rec = 0.0;
  } else {
    avg_prec /= effective_order;
    avg_rec /= effective_order;
  }
  if (avg_prec + avg_rec == 0.0) return 0.0;
  return 100 * ((1 + factor) * avg_prec * avg_rec / (factor * avg_prec + avg_rec));
}

}  // namespace

// One segment's text as integer ids: characters (whitespace removed unless kept) and, for
// chrF++, words. Id 0 is a symbol that occurs in no reference.
struct ChrfSymbols {
  std::vector<std::uint32_t> chars;  // character ids
  std::vector<std::uint32_t> words;  // word ids (empty when word_order is 0)
};

// Vocabularies built from the references, and the references as ids.
struct Chrf::RefCache {
  std::vector<std::uint32_t> bmp_ids;                      // code point < 0x10000 -> char id
  std::unordered_map<char32_t, std::uint32_t> astral_ids;  // other code points -> char id
  std::uint32_t num_chars = 0;                             // distinct characters
  Vocabulary words;                                        // word -> id (from 1)
  NgramKeyer char_keyer;                                   // packing of character n-grams
  NgramKeyer word_keyer;                                   // packing of word n-grams
  std::vector<ChrfSymbols> refs;                           // all references
  std::vector<std::uint32_t> segment_begin;                // segment i: refs [begin[i], begin[i+1])

  std::uint32_t char_id(char32_t c) const {
    if (c < 0x10000) return bmp_ids[c];
    auto it = astral_ids.find(c);
    return it == astral_ids.end() ? 0 : it->second;
  }
  std::uint32_t add_char(char32_t c) {
    std::uint32_t& id = c < 0x10000 ? bmp_ids[c] : astral_ids[c];
    if (id == 0) id = ++num_chars;
    return id;
  }
  std::uint32_t word_id(std::string_view w) const { return words.find(w); }
  std::uint32_t add_word(std::string_view w) { return words.add(w); }
};

namespace {

// string.punctuation, the set chrF++'s word splitter separates from word edges.
bool is_ascii_punct(char c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
}

// sacreBLEU's CHRF._remove_punctuation (after m-popovic/chrF): a word longer than one
// character loses one punctuation mark at its end or, failing that, at its start. It
// splits "(hi)" into "(hi" and ")" (sacreBLEU issue #124); we do the same.
template <typename Emit>
void chrf_words(std::string_view text, Emit emit) {
  for (std::string_view w : python_split(text)) {
    std::size_t pos = 0;
    utf8::next(w, pos);
    if (pos == w.size()) {  // one character
      emit(w);
    } else if (is_ascii_punct(w.back())) {
      emit(w.substr(0, w.size() - 1));
      emit(w.substr(w.size() - 1));
    } else if (is_ascii_punct(w.front())) {
      emit(w.substr(0, 1));
      emit(w.substr(1));
    } else {
      emit(w);
    }
  }
}

// Calls emit(code point) for the characters chrF counts.
template <typename Emit>
void chrf_chars(std::string_view text, bool whitespace, Emit emit) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const char32_t c = utf8::next(text, pos);
    if (!whitespace && is_python_space(c)) continue;
    emit(c);
  }
}

// Inserts all n-grams of orders 1..max_order of `ids` (order offset by `order_base`).
void add_hyp_ngrams(NgramMatcher& m, const NgramKeyer& keyer, const std::vector<std::uint32_t>& ids, int max_order,
                    int order_base) {
  const long len = static_cast<long>(ids.size());
  for (long s = 0; s < len; ++s) {
    std::uint64_t key = 0;
    for (int n = 1; n <= max_order && s + n <= len; ++n) {
      const std::uint32_t id = ids[static_cast<std::size_t>(s + n - 1)];
      if (id == 0) break;
      key = keyer.extend(key, id);
      m.add_hyp(key, order_base + n);
    }
  }
}

// Probes the reference n-grams; adds match counts into match[order_base + n - 1].
void probe_ref_ngrams(NgramMatcher& m, const NgramKeyer& keyer, const std::vector<std::uint32_t>& ids, int max_order,
                      int order_base, long* match) {
  const long len = static_cast<long>(ids.size());
  for (long s = 0; s < len; ++s) {
    std::uint64_t key = 0;
    for (int n = 1; n <= max_order && s + n <= len; ++n) {
      key = keyer.extend(key, ids[static_cast<std::size_t>(s + n - 1)]);
      const NgramMatcher::Probe probe = m.add_ref(key);
      // A hypothesis holding no n-gram holds no longer one starting with it either.
      if (probe == NgramMatcher::Probe::kAbsent) break;
      if (probe == NgramMatcher::Probe::kMatched) ++match[order_base + n - 1];
    }
  }
}

}  // namespace

Chrf::Chrf(ChrfOptions options) : options_(options) {
  if (options_.char_order < 0 || options_.word_order < 0 || options_.char_order + options_.word_order == 0 ||
      options_.char_order > 64 || options_.word_order > 64)
    fail<ConfigError>("chrF: invalid n-gram orders (char order {}, word order {})", options_.char_order,
                      options_.word_order);
  if (!(options_.beta > 0)) fail<ConfigError>("chrF: beta must be positive, got {}", options_.beta);
}

Chrf::~Chrf() = default;

std::string Chrf::name() const {
  // sacreBLEU: f'chrF{beta}' + '+' * word_order (beta is an int there).
  const std::string beta = options_.beta == std::floor(options_.beta)
                               ? fmt::format("{}", static_cast<long long>(options_.beta))
                               : fmt::format("{}", options_.beta);
  return "chrF" + beta + std::string(static_cast<std::size_t>(options_.word_order), '+');
}

std::string Chrf::signature() const {
  return fmt::format("nrefs:{}|case:{}|eff:{}|nc:{}|nw:{}|space:{}|version:2.6.0", nrefs_,
                     options_.lowercase ? "lc" : "mixed", options_.eps_smoothing ? "no" : "yes", options_.char_order,
                     options_.word_order, options_.whitespace ? "yes" : "no");
}

std::size_t Chrf::num_segments() const {
  return refs_ ? refs_->segment_begin.size() - 1 : 0;
}

void Chrf::set_references(const std::vector<std::vector<std::string>>& refs) {
  const SegmentReferences grouped = group_references(refs);
  auto cache = std::make_unique<RefCache>();
  cache->bmp_ids.assign(0x10000, 0);
  cache->segment_begin.push_back(0);
  for (const auto& segment : grouped.segments) {
    for (const std::string* ref : segment) {
      const std::string lowered = options_.lowercase ? python_lower(*ref) : std::string();
      const std::string_view text = options_.lowercase ? std::string_view(lowered) : std::string_view(*ref);
      ChrfSymbols symbols;
      chrf_chars(text, options_.whitespace, [&](char32_t c) { symbols.chars.push_back(cache->add_char(c)); });
      if (options_.word_order > 0)
        chrf_words(text, [&](std::string_view w) { symbols.words.push_back(cache->add_word(w)); });
      cache->refs.push_back(std::move(symbols));
    }
    cache->segment_begin.push_back(static_cast<std::uint32_t>(cache->refs.size()));
  }
  cache->char_keyer = NgramKeyer::for_vocabulary(cache->num_chars, std::max(1, options_.char_order));
  cache->word_keyer = NgramKeyer::for_vocabulary(cache->words.size(), std::max(1, options_.word_order));
  refs_ = std::move(cache);
  nrefs_ = grouped.nrefs;
}

StatsMatrix Chrf::segment_stats(const std::vector<std::string>& hyps) const {
  if (!refs_) fail("chrF: set_references() must be called before scoring");
  check_segment_count(hyps.size(), num_segments(), "chrF");
  const int nc = options_.char_order, nw = options_.word_order, order = nc + nw;
  StatsMatrix stats;
  stats.rows = hyps.size();
  stats.width = stats_width();
  stats.values.assign(stats.rows * stats.width, 0.0);
  // Per worker: one table for character n-grams, one for word n-grams (their keys overlap).
  std::vector<NgramMatcher> char_matchers(static_cast<std::size_t>(parallel_workers()));
  std::vector<NgramMatcher> word_matchers(char_matchers.size());
  const RefCache& cache = *refs_;

  parallel_for(hyps.size(), [&](std::size_t i, int worker) {
    NgramMatcher& char_matcher = char_matchers[static_cast<std::size_t>(worker)];
    NgramMatcher& word_matcher = word_matchers[static_cast<std::size_t>(worker)];
    const std::string lowered = options_.lowercase ? python_lower(hyps[i]) : std::string();
    const std::string_view text = options_.lowercase ? std::string_view(lowered) : std::string_view(hyps[i]);
    ChrfSymbols hyp;
    chrf_chars(text, options_.whitespace, [&](char32_t c) { hyp.chars.push_back(cache.char_id(c)); });
    if (nw > 0) chrf_words(text, [&](std::string_view w) { hyp.words.push_back(cache.word_id(w)); });

    const long hc = static_cast<long>(hyp.chars.size()), hw = static_cast<long>(hyp.words.size());
    std::vector<double> hyp_counts(static_cast<std::size_t>(order));
    std::size_t char_capacity = 0, word_capacity = 0;
    for (int n = 1; n <= order; ++n) {
      const long len = n <= nc ? hc : hw;
      const long count = std::max(0L, len - (n <= nc ? n : n - nc) + 1);
      hyp_counts[static_cast<std::size_t>(n - 1)] = static_cast<double>(count);
      (n <= nc ? char_capacity : word_capacity) += static_cast<std::size_t>(count);
    }
    char_matcher.reset(char_capacity);
    add_hyp_ngrams(char_matcher, cache.char_keyer, hyp.chars, nc, 0);
    if (nw > 0) {
      word_matcher.reset(word_capacity);
      add_hyp_ngrams(word_matcher, cache.word_keyer, hyp.words, nw, nc);
    }

    // Keep the statistics of the reference with the best F-score; the first wins ties.
    std::vector<double> best, current(stats.width);
    double best_f = -1.0;
    std::vector<long> match(static_cast<std::size_t>(order));
    for (std::uint32_t r = cache.segment_begin[i]; r < cache.segment_begin[i + 1]; ++r) {
      const ChrfSymbols& ref = cache.refs[r];
      std::fill(match.begin(), match.end(), 0);
      char_matcher.begin_ref(r);
      probe_ref_ngrams(char_matcher, cache.char_keyer, ref.chars, nc, 0, match.data());
      if (nw > 0) {
        word_matcher.begin_ref(r);
        probe_ref_ngrams(word_matcher, cache.word_keyer, ref.words, nw, nc, match.data());
      }
      for (int n = 1; n <= order; ++n) {
        const long len = n <= nc ? static_cast<long>(ref.chars.size()) : static_cast<long>(ref.words.size());
        const long ref_count = std::max(0L, len - (n <= nc ? n : n - nc) + 1);
        const auto k = static_cast<std::size_t>(n - 1);
        // sacreBLEU counts no hypothesis n-grams of an order the reference has none of.
        current[3 * k] = ref_count > 0 ? hyp_counts[k] : 0.0;
        current[3 * k + 1] = static_cast<double>(ref_count);
        current[3 * k + 2] = static_cast<double>(match[k]);
      }
      const double f = chrf_f_score(options_, current.data());
      if (f > best_f) {
        best_f = f;
        best = current;
      }
    }
    std::copy(best.begin(), best.end(), stats.row(i));
  });
  return stats;
}

double Chrf::score_value(const double* stats, std::size_t) const {
  return chrf_f_score(options_, stats);
}

double Chrf::score_value_float32(const float* stats, std::size_t) const {
  return chrf_f_score(options_, stats);
}

Score Chrf::score_from_stats(const std::vector<double>& stats) const {
  if (stats.size() != stats_width()) fail("chrF: expected {} statistics, got {}", stats_width(), stats.size());
  return sentence_score_from_stats(stats.data());
}

Score Chrf::sentence_score_from_stats(const double* row) const {
  Score s;
  s.name = name();
  s.score = chrf_f_score(options_, row);
  return s;
}

}  // namespace mtbench::eval
