// Interpolated modified Kneser-Ney estimation as KenLM's lmplz does it (Heafield et al. 2013,
// "Scalable Modified Kneser-Ney Language Model Estimation"; Chen & Goodman 1998, sec. 3):
//   1. count n-grams of the full order, each sentence padded as <s> w1 .. wn </s>;
//   2. adjusted counts: full-order n-grams and n-grams starting with <s> keep their raw
//      counts, every other lower-order n-gram gets its continuation count N1+(. w), the
//      number of distinct words seen to its left (Heafield et al. sec. 3.2);
//   3. three discounts per order from counts-of-counts (Chen & Goodman eq. 26);
//   4. uninterpolated probabilities (c - D(c)) / sum_x c(ctx x) and the interpolation weight
//      gamma(ctx) = (D1 N1(ctx .) + D2 N2(ctx .) + D3 N3+(ctx .)) / sum_x c(ctx x);
//   5. interpolation p(w|ctx) = u(w|ctx) + gamma(ctx) p(w|ctx'), unigrams with the uniform
//      distribution over the vocabulary without <s>; the ARPA backoff of a context is gamma.
// Everything lmplz does in float is done in float here too, so the ARPA values agree to the
// last printed digit. Everything is in memory here (about 70 bytes per n-gram: 2.5 GB for the
// 34M 5-grams of a 1M-sentence corpus); estimate_external.cc computes the same model with
// sorted files on disk under a memory budget, as lmplz does.

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <numeric>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/text_file.h"
#include "systems/lm/estimate_common.h"
#include "systems/lm/ngram_lm.h"
#include "systems/lm/ngram_table.h"

namespace mtbench::lm {

using detail::append_float;
using detail::compute_discount;
using detail::Discount;
using detail::kBos;
using detail::kEos;
using detail::kUnk;

namespace {

// Per-order working data, index-aligned with the order's NgramTable.
struct OrderData {
  std::vector<std::uint32_t> context;  // index of the first k-1 words in order k-1 (k >= 2)
  std::vector<std::uint32_t> suffix;   // index of the last k-1 words in order k-1 (k >= 2)
  std::vector<float> gamma;            // as a context of order k+1: gamma; -1 = not a context
  std::vector<float> prob;             // interpolated probability (not log)
};

// Estimates and hands the ARPA text to `sink` in pieces of about 16 MB, so a model of
// gigabytes is written without ever being one string.
void estimate_to_sink(const std::vector<std::string>& sentences, const EstimateOptions& options, EstimateStats* stats,
                      const std::function<void(std::string_view)>& sink) {
  const int order = options.order;
  if (order < 2 || order > 6) fail<ConfigError>("n-gram order {} is out of range (2..6)", order);
  if (sentences.empty()) fail<DataError>("cannot estimate a language model from empty input (no sentences)");

  // Vocabulary in order of first appearance after <unk>, <s>, </s> (lmplz's ids).
  std::vector<std::string_view> vocab = {"<unk>", "<s>", "</s>"};
  std::unordered_map<std::string_view, WordIndex> ids;
  ids.reserve(1 << 16);
  for (WordIndex i = 0; i < 3; ++i) ids.emplace(vocab[i], i);

  std::vector<NgramTable> tables;
  for (int k = 1; k <= order; ++k) tables.emplace_back(k);
  tables[order - 1].reserve(std::min<std::size_t>(1u << 22, 1024 + sentences.size() * 8));

  // 1. Raw counts: full-order windows, plus the shorter n-grams starting with <s> that lmplz
  // gets from windows padded with several <s> (it collapses "<s> <s> w" to "<s> w").
  std::uint64_t tokens = 0;
  std::vector<WordIndex> ids_of_line;
  for (std::size_t line = 0; line < sentences.size(); ++line) {
    ids_of_line.assign(1, kBos);
    detail::for_each_token(sentences[line], [&](std::string_view word) {
      auto [it, inserted] = ids.emplace(word, static_cast<WordIndex>(vocab.size()));
      if (inserted) vocab.push_back(word);
      if (it->second <= kEos)
        fail<DataError>("line {}: the special word {} is not allowed in the training text", line + 1, word);
      ids_of_line.push_back(it->second);
    });
    tokens += ids_of_line.size() - 1;
    ids_of_line.push_back(kEos);
    for (std::size_t end = 1; end < ids_of_line.size(); ++end) {
      const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(end) + 1 - order;
      if (start >= 0) {
        ++tables[order - 1].count(tables[order - 1].find_or_insert(&ids_of_line[start]));
      } else {
        NgramTable& t = tables[end];  // order end+1, starting with <s>
        ++t.count(t.find_or_insert(&ids_of_line[0]));
      }
    }
  }
  for (const auto& word : options.extra_vocab) {
    auto [it, inserted] = ids.emplace(word, static_cast<WordIndex>(vocab.size()));
    if (inserted) vocab.push_back(it->first);
  }

  // 2. Adjusted counts, from the highest order down: each (k+1)-gram type adds one to the
  // continuation count of its suffix (its suffix never starts with <s>, so the raw counts of
  // <s>-initial n-grams are left alone). The suffix links are kept for interpolation.
  std::vector<OrderData> data(order);
  for (int k = order - 1; k >= 1; --k) {
    NgramTable& higher = tables[k];
    NgramTable& lower = tables[k - 1];
    auto& suffix = data[k].suffix;
    suffix.resize(higher.size());
    for (std::uint32_t e = 0; e < higher.size(); ++e) {
      const std::uint32_t s = lower.find_or_insert(higher.words(e) + 1);
      ++lower.count(s);
      suffix[e] = s;
    }
  }
  // <unk> and <s> are unigrams with count 0 (lmplz's AdjustCounts), as are extra words.
  for (WordIndex w = 0; w < vocab.size(); ++w) tables[0].find_or_insert(&w);

  // 3. Discounts from counts-of-counts of the adjusted counts.
  std::vector<Discount> discounts(order);
  for (int k = 1; k <= order; ++k) {
    std::array<std::uint64_t, 5> n{0, 0, 0, 0, 0};
    const NgramTable& t = tables[k - 1];
    for (std::uint32_t e = 0; e < t.size(); ++e)
      if (t.count(e) < 5) ++n[t.count(e)];
    discounts[k - 1] = compute_discount(n, k, options.discount_fallback);
  }

  // 4. Uninterpolated probabilities and gammas, grouped by context (k-1 first words).
  std::vector<std::vector<float>> uninterp(order);
  float unigram_gamma = 0;
  for (int k = 1; k <= order; ++k) {
    const NgramTable& t = tables[k - 1];
    const Discount& d = discounts[k - 1];
    const std::size_t contexts = k == 1 ? 1 : tables[k - 2].size();
    std::vector<std::uint64_t> denominator(contexts, 0);
    std::vector<std::array<std::uint32_t, 4>> nk(contexts, {0, 0, 0, 0});
    auto& ctx = data[k - 1].context;
    ctx.assign(t.size(), 0);
    for (std::uint32_t e = 0; e < t.size(); ++e) {
      if (k > 1) {
        ctx[e] = tables[k - 2].find(t.words(e));
        if (ctx[e] == NgramTable::kMissing) fail("internal error: {}-gram without its context", k);
      }
      const std::uint64_t c = t.count(e);
      denominator[ctx[e]] += c;
      if (c > 0) ++nk[ctx[e]][std::min<std::uint64_t>(c, 3)];
    }
    std::vector<float> gamma(contexts);
    for (std::size_t c = 0; c < contexts; ++c) {
      if (denominator[c] == 0) {
        gamma[c] = -1.0f;  // not a context of any k-gram
        continue;
      }
      float g = 0.0f;
      for (int i = 1; i <= 3; ++i) g += d[i] * static_cast<float>(nk[c][i]);
      gamma[c] = g / static_cast<float>(denominator[c]);
    }
    auto& u = uninterp[k - 1];
    u.resize(t.size());
    for (std::uint32_t e = 0; e < t.size(); ++e) {
      const std::uint64_t c = t.count(e);
      const float discounted = static_cast<float>(c) - d[std::min<std::uint64_t>(c, 3)];
      u[e] = discounted / static_cast<float>(denominator[ctx[e]]);
    }
    if (k == 1)
      unigram_gamma = gamma[0];
    else
      data[k - 2].gamma = std::move(gamma);
  }

  // 5. Interpolation, lowest order first. The uniform distribution covers the vocabulary
  // without <s> (lmplz: 1 / (unigrams - 1), a double quotient stored as float).
  const float uniform = static_cast<float>(1.0 / static_cast<float>(tables[0].size() - 1));
  {
    const NgramTable& t = tables[0];
    auto& prob = data[0].prob;
    prob.resize(t.size());
    for (std::uint32_t e = 0; e < t.size(); ++e) {
      const WordIndex w = t.words(e)[0];
      if (w == kBos) {
        prob[e] = 1.0f;  // lmplz: <s> has probability 1 (it is never predicted)
      } else if (!options.interpolate_unigrams) {
        prob[e] = w == kUnk ? unigram_gamma : uninterp[0][e];  // SRILM style: mass to <unk>
      } else {
        prob[e] = uninterp[0][e] + unigram_gamma * uniform;
      }
    }
  }
  for (int k = 2; k <= order; ++k) {
    const auto& gamma = data[k - 2].gamma;
    const auto& lower_prob = data[k - 2].prob;
    auto& d = data[k - 1];
    d.prob.resize(tables[k - 1].size());
    for (std::uint32_t e = 0; e < d.prob.size(); ++e)
      d.prob[e] = uninterp[k - 1][e] + gamma[d.context[e]] * lower_prob[d.suffix[e]];
  }

  // 6. ARPA text: unigrams in vocabulary order, higher orders sorted by suffix (last word
  // first) as lmplz writes them.
  std::string out;
  constexpr std::size_t kPiece = std::size_t{16} << 20;
  out.reserve(kPiece + 4096);
  out += "\\data\\\n";
  for (int k = 1; k <= order; ++k) out += fmt::format("ngram {}={}\n", k, tables[k - 1].size());
  out += '\n';
  std::vector<std::uint64_t> counts;
  for (int k = 1; k <= order; ++k) {
    const NgramTable& t = tables[k - 1];
    counts.push_back(t.size());
    std::vector<std::uint32_t> sorted(t.size());
    std::iota(sorted.begin(), sorted.end(), 0u);
    std::sort(sorted.begin(), sorted.end(), [&](std::uint32_t a, std::uint32_t b) {
      const WordIndex* wa = t.words(a);
      const WordIndex* wb = t.words(b);
      for (int i = k - 1; i >= 0; --i)
        if (wa[i] != wb[i]) return wa[i] < wb[i];
      return false;
    });
    out += fmt::format("\\{}-grams:\n", k);
    for (std::uint32_t e : sorted) {
      append_float(out, std::min(0.0f, std::log10(data[k - 1].prob[e])));
      const WordIndex* w = t.words(e);
      for (int i = 0; i < k; ++i) {
        out += i == 0 ? '\t' : ' ';
        out += vocab[w[i]];
      }
      if (k < order) {
        // Backoff = gamma of this n-gram as a context; n-grams ending in </s> or <unk> are
        // never contexts and get log10(1) = 0, like lmplz.
        float backoff = 1.0f;
        const float g = data[k - 1].gamma[e];
        if (w[k - 1] != kUnk && w[k - 1] != kEos && g >= 0.0f) backoff = g;
        out += '\t';
        append_float(out, std::log10(backoff));
      }
      out += '\n';
      if (out.size() >= kPiece) {
        sink(out);
        out.clear();
      }
    }
    out += '\n';
  }
  out += "\\end\\\n";
  sink(out);
  if (stats) {
    stats->counts = std::move(counts);
    stats->discounts = discounts;
    stats->tokens = tokens;
  }
}

}  // namespace

std::string estimate_arpa_text(const std::vector<std::string>& sentences, const EstimateOptions& options,
                               EstimateStats* stats) {
  std::string text;
  estimate_to_sink(sentences, options, stats, [&](std::string_view piece) { text += piece; });
  return text;
}

void estimate_arpa(const std::vector<std::string>& sentences, const EstimateOptions& options,
                   const std::filesystem::path& arpa_out, EstimateStats* stats) {
  AtomicOutputFile file(arpa_out);
  estimate_to_sink(sentences, options, stats, [&](std::string_view piece) {
    file.stream().write(piece.data(), static_cast<std::streamsize>(piece.size()));
  });
  file.commit();
}

}  // namespace mtbench::lm
