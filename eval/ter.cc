#include "eval/ter.h"

#include <string_view>

#include <fmt/format.h>

#include "base/error.h"
#include "base/utf8.h"
#include "eval/ngram_matcher.h"
#include "eval/ter_shift.h"
#include "eval/tokenizers.h"

namespace mtbench::eval {

// References tokenized (tercom), as word ids, ready for ter_edits.
struct Ter::RefCache {
  Vocabulary vocabulary;                     // word -> id (from 1)
  std::vector<TerReference> refs;            // all references
  std::vector<std::uint32_t> segment_begin;  // segment i: refs [begin[i], begin[i+1])
};

namespace {

// Code point classes of tercom's Asian support (sacreBLEU's TercomTokenizer).
bool is_asian_split(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x31C0 && c <= 0x31EF) ||
         (c >= 0x2E80 && c <= 0x2EFF) || (c >= 0x3300 && c <= 0x33FF) || (c >= 0xF900 && c <= 0xFAFF) ||
         (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0x3200 && c <= 0x3F22);
}
bool is_asian_punct(char32_t c) {
  return c == 0x3001 || c == 0x3002 || (c >= 0x3008 && c <= 0x3011) || (c >= 0x3014 && c <= 0x301F) ||
         (c >= 0xFF61 && c <= 0xFF65) || c == 0x30FB;
}
bool is_full_width_punct(char32_t c) {
  return c == 0xFF0E || c == 0xFF0C || c == 0xFF1F || c == 0xFF1A || c == 0xFF1B || c == 0xFF01 || c == 0xFF02 ||
         c == 0xFF08 || c == 0xFF09;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t last = 0, pos = s.find(from);
  if (pos == std::string::npos) return;
  while (pos != std::string::npos) {
    out.append(s, last, pos - last);
    out.append(to);
    last = pos + from.size();
    pos = s.find(from, last);
  }
  out.append(s, last, std::string::npos);
  s.swap(out);
}

// tercom's Normalizer (general and Western part), as sacreBLEU's
// _normalize_general_and_western applies it.
std::string normalize_western(std::string sent) {
  replace_all(sent, "\n-", "");
  replace_all(sent, "\n", " ");
  replace_all(sent, "&quot;", "\"");
  replace_all(sent, "&amp;", "&");
  replace_all(sent, "&lt;", "<");
  replace_all(sent, "&gt;", ">");
  sent = split_ascii_symbols(" " + sent + " ");
  // Possessives: "'s " -> " 's ". (The rule for "'s" at the very end never fires: the
  // line was padded with a space above.)
  replace_all(sent, "'s ", " 's ");
  return split_period_comma_dash(sent);
}

// The Asian part: CJK ideographs and the like become one token each. (sacreBLEU's three
// Hiragana/Katakana rules are anchored at the start of the line, which the Western part has
// padded with a space, so they never match; they are left out.)
std::string normalize_asian(std::string_view sent) {
  std::string out;
  out.reserve(sent.size() + 16);
  std::size_t pos = 0;
  while (pos < sent.size()) {
    const char32_t c = utf8::next(sent, pos);
    if (is_asian_split(c) || is_asian_punct(c) || is_full_width_punct(c)) {
      out += ' ';
      utf8::append(out, c);
      out += ' ';
    } else {
      utf8::append(out, c);
    }
  }
  return out;
}

std::string remove_punct(std::string_view sent, bool asian) {
  std::string out;
  out.reserve(sent.size());
  std::size_t pos = 0;
  while (pos < sent.size()) {
    const std::size_t start = pos;
    const char32_t c = utf8::next(sent, pos);
    const bool ascii_punct =
        c == '.' || c == ',' || c == '?' || c == ':' || c == ';' || c == '!' || c == '"' || c == '(' || c == ')';
    if (ascii_punct || (asian && (is_asian_punct(c) || is_full_width_punct(c)))) continue;
    out.append(sent.substr(start, pos - start));
  }
  return out;
}

}  // namespace

std::string tercom_tokenize(const std::string& line, const TerOptions& options) {
  if (line.empty()) return "";
  std::string sent = options.case_sensitive ? line : python_lower(line);
  if (options.normalized) {
    sent = normalize_western(std::move(sent));
    if (options.asian_support) sent = normalize_asian(sent);
  }
  if (options.no_punct) sent = remove_punct(sent, options.asian_support);
  return python_split_join(sent);
}

Ter::Ter(TerOptions options) : options_(options) {}

Ter::~Ter() = default;

std::string Ter::signature() const {
  return fmt::format("nrefs:{}|case:{}|tok:tercom|norm:{}|punct:{}|asian:{}|version:2.6.0", nrefs_,
                     options_.case_sensitive ? "mixed" : "lc", options_.normalized ? "yes" : "no",
                     options_.no_punct ? "no" : "yes", options_.asian_support ? "yes" : "no");
}

std::size_t Ter::num_segments() const {
  return refs_ ? refs_->segment_begin.size() - 1 : 0;
}

namespace {
std::string preprocess(const std::string& line, const TerOptions& options) {
  return tercom_tokenize(std::string(python_rstrip(line)), options);
}
}  // namespace

void Ter::set_references(const std::vector<std::vector<std::string>>& refs) {
  const SegmentReferences grouped = group_references(refs);
  std::vector<std::vector<std::string>> tokenized(grouped.segments.size());
  parallel_for(grouped.segments.size(), [&](std::size_t i, int) {
    for (const std::string* ref : grouped.segments[i]) {
      // sacreBLEU 2.6.0 preprocesses references twice (once in _cache_references, again in
      // TER._extract_reference_info); the tercom steps are idempotent on their own output
      // but we apply them twice all the same, to be exact.
      tokenized[i].push_back(preprocess(preprocess(*ref, options_), options_));
    }
  });
  auto cache = std::make_unique<RefCache>();
  cache->segment_begin.push_back(0);
  for (const auto& segment : tokenized) {
    for (const std::string& ref : segment) {
      std::vector<std::uint32_t> ids;
      for (std::string_view token : python_split(ref)) {
        ids.push_back(cache->vocabulary.add(token));
      }
      cache->refs.emplace_back(std::move(ids));
    }
    cache->segment_begin.push_back(static_cast<std::uint32_t>(cache->refs.size()));
  }
  refs_ = std::move(cache);
  nrefs_ = grouped.nrefs;
}

StatsMatrix Ter::segment_stats(const std::vector<std::string>& hyps) const {
  if (!refs_) fail("TER: set_references() must be called before scoring");
  check_segment_count(hyps.size(), num_segments(), "TER");
  StatsMatrix stats;
  stats.rows = hyps.size();
  stats.width = stats_width();
  stats.values.assign(stats.rows * stats.width, 0.0);
  std::vector<TerScratch> scratch(static_cast<std::size_t>(parallel_workers()));
  const RefCache& cache = *refs_;

  parallel_for(hyps.size(), [&](std::size_t i, int worker) {
    const std::string tokenized = preprocess(hyps[i], options_);
    std::vector<std::uint32_t> hyp;
    for (std::string_view token : python_split(tokenized)) hyp.push_back(cache.vocabulary.find(token));
    // Fewest edits over the references, divided by their average length.
    int best = -1;
    double ref_lengths = 0;
    const std::uint32_t begin = cache.segment_begin[i], end = cache.segment_begin[i + 1];
    for (std::uint32_t r = begin; r < end; ++r) {
      const int edits = ter_edits(hyp, cache.refs[r], scratch[static_cast<std::size_t>(worker)]);
      ref_lengths += static_cast<double>(cache.refs[r].words.size());
      if (best < 0 || edits < best) best = edits;
    }
    double* row = stats.row(i);
    row[0] = best;
    row[1] = ref_lengths / (end - begin);
  });
  return stats;
}

Score Ter::score_from_stats(const std::vector<double>& stats) const {
  if (stats.size() != stats_width()) fail("TER: expected {} statistics, got {}", stats_width(), stats.size());
  return sentence_score_from_stats(stats.data());
}

namespace {

// sacreBLEU's TER._compute_score_from_stats in 0..100 (T = float: the float32 quotient of
// its bootstrap).
template <typename T>
double ter_score(const T* stats) {
  const T edits = stats[0], ref_length = stats[1];
  if (ref_length > 0) return 100 * static_cast<double>(edits / ref_length);
  return edits > 0 ? 100.0 : 0.0;  // empty reference(s): 1 with a non-empty hypothesis, else 0
}

}  // namespace

Score Ter::sentence_score_from_stats(const double* row) const {
  Score s;
  s.name = "TER";
  s.score = ter_score(row);
  return s;
}

double Ter::score_value(const double* stats, std::size_t) const {
  return ter_score(stats);
}

double Ter::score_value_float32(const float* stats, std::size_t) const {
  return ter_score(stats);
}

}  // namespace mtbench::eval
