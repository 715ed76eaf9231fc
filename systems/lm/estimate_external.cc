// Interpolated modified Kneser-Ney estimation under a memory budget, with sorted files on disk
// (lmplz -S/-T; Heafield et al. 2013, "Scalable Modified Kneser-Ney Language Model
// Estimation", sec. 3). It computes exactly what estimate.cc computes in memory, with the same
// float operations in the same order, so the two ARPA files are byte-identical (tested); only
// the data layout differs. Every pass reads files in order; in memory are the vocabulary, one
// sort buffer of `memory` bytes, and, for one order at a time, 12 bytes per n-gram of it and
// 4 per n-gram of the order below (the smoothing values indexed by position).
//
// Files per order k, all in suffix order (last word most significant) unless said:
//   S_k   the n-grams with their adjusted counts (raw for the highest order and for n-grams
//         that start with <s>), in the order ARPA lists them;
//   SUF_k for each n-gram of S_k, the position in S_{k-1} of its last k-1 words (k >= 2);
//   Q_k   S_k re-sorted by context (first word most significant), with each record's position
//         in S_k (k >= 2);
//   U_k, CG_k  uninterpolated probability and the gamma of its context, by position;
//   G_k   the n-gram's own gamma as a context (its ARPA backoff; -1 when it is none);
//   PR_k  the interpolated probability, by position.
//
// Passes: (1) count the highest order's n-grams and the shorter ones starting with <s> into
// sorted runs, merged with counts summed; (2) from S_{k+1} down, the continuation count of a
// k-gram is the length of its group of equal suffixes in S_{k+1} (suffix order makes the
// group contiguous), merged with the raw <s>-initial k-grams; (3) discounts from
// counts-of-counts; (4) per order, S_k sorted by context gives each context's gamma and each
// n-gram's uninterpolated probability (the context's position comes from walking Q_{k-1} in
// step); (5) orders low to high, p = u + gamma(context) * p(suffix), the suffix's
// probability read in step from PR_{k-1} (suffixes come in order), and the ARPA lines.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/lm/estimate_common.h"
#include "systems/lm/ngram_lm.h"
#include "systems/lm/ngram_sort.h"

namespace mtbench::lm {

using detail::append_float;
using detail::compare_ngrams;
using detail::Discount;
using detail::kBos;
using detail::kEos;
using detail::kMaxOrder;
using detail::kUnk;
using detail::NgramOrder;
using detail::NgramReader;
using detail::NgramRecord;
using detail::NgramSorter;
using detail::NgramWriter;
using detail::ValueReader;
using detail::ValueWriter;

namespace {

// A private directory for the sorted files, removed with everything in it when estimation
// ends (also on an exception).
class WorkDirectory {
 public:
  explicit WorkDirectory(const std::filesystem::path& parent) {
    static int counter = 0;
    path_ = parent / fmt::format(".mtbench-lm-{}-{}", ::getpid(), counter++);
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) fail("cannot create the temporary directory {} ({})", path_.string(), ec.message());
  }
  ~WorkDirectory() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  WorkDirectory(const WorkDirectory&) = delete;
  WorkDirectory& operator=(const WorkDirectory&) = delete;
  std::filesystem::path file(const std::string& kind, int order) const {
    return path_ / fmt::format("{}{}", kind, order);
  }

 private:
  std::filesystem::path path_;
};

void remove_file(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::remove(path, ec);
}

std::uint32_t checked_position(std::uint64_t position, int order) {
  if (position > 0xfffffffeULL)
    fail<DataError>("more than 4 billion {}-grams: beyond what this estimator indexes", order);
  return static_cast<std::uint32_t>(position);
}

using LineVisitor = std::function<void(std::string_view, std::size_t)>;

// The estimator; `for_each_sentence(visit)` calls visit(line, line_number) for every sentence
// and `name` names the text in errors ("" for sentences in memory).
void estimate_external(const std::string& name, const std::function<void(const LineVisitor&)>& for_each_sentence,
                       const EstimateOptions& options, const ExternalEstimateOptions& external,
                       const std::filesystem::path& arpa_out, EstimateStats* stats) {
  const int order = options.order;
  if (order < 2 || order > kMaxOrder) fail<ConfigError>("n-gram order {} is out of range (2..6)", order);
  if (external.memory < (std::size_t{1} << 20))
    fail<ConfigError>("memory for sorting {} bytes is too small (at least 1 MiB)", external.memory);
  Progress quiet_progress(ProgressMode::kQuiet);
  Progress& progress = external.progress ? *external.progress : quiet_progress;
  std::filesystem::path parent = external.temp_dir;
  if (parent.empty()) parent = arpa_out.has_parent_path() ? arpa_out.parent_path() : std::filesystem::path(".");
  const WorkDirectory work(parent);
  const std::size_t memory = external.memory;

  // 1. Vocabulary and raw counts, in one pass over the text.
  std::deque<std::string> word_storage;  // stable addresses for the views below
  std::vector<std::string_view> vocab = {"<unk>", "<s>", "</s>"};
  std::unordered_map<std::string_view, WordIndex> ids;
  ids.reserve(1 << 16);
  for (WordIndex i = 0; i < 3; ++i) ids.emplace(vocab[i], i);
  auto intern = [&](std::string_view word) {
    auto it = ids.find(word);
    if (it != ids.end()) return it->second;
    word_storage.emplace_back(word);
    const std::string_view stored = word_storage.back();
    const auto id = static_cast<WordIndex>(vocab.size());
    vocab.push_back(stored);
    ids.emplace(stored, id);
    return id;
  };

  // The highest order gets half the budget; the <s>-initial orders 2..order-1 (one record per
  // sentence each) share the other half.
  NgramSorter top(order, NgramOrder::kSuffix, false, true, order > 2 ? memory / 2 : memory,
                  work.file("run-top", order));
  std::vector<std::unique_ptr<NgramSorter>> bos(order);
  for (int k = 2; k < order; ++k)
    bos[k] = std::make_unique<NgramSorter>(k, NgramOrder::kSuffix, false, true, memory / 2 / (order - 2),
                                           work.file("run-bos", k));
  std::uint64_t tokens = 0;
  std::uint64_t sentences = 0;
  std::vector<WordIndex> line_ids;
  progress.begin("count n-grams", 0, "sent");
  for_each_sentence([&](std::string_view line, std::size_t line_number) {
    line_ids.assign(1, kBos);
    detail::for_each_token(line, [&](std::string_view word) {
      const WordIndex id = intern(word);
      if (id <= kEos)
        fail<DataError>("{}line {}: the special word {} is not allowed in the training text",
                        name.empty() ? "" : name + ", ", line_number, word);
      line_ids.push_back(id);
    });
    tokens += line_ids.size() - 1;
    line_ids.push_back(kEos);
    NgramRecord record;
    record.count = 1;
    for (std::size_t end = 1; end < line_ids.size(); ++end) {
      const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(end) + 1 - order;
      if (start >= 0) {
        std::copy_n(&line_ids[start], order, record.words);
        top.add(record);
      } else {
        std::copy_n(&line_ids[0], end + 1, record.words);  // order end+1, starting with <s>
        bos[end + 1]->add(record);
      }
    }
    ++sentences;
    progress.advance();
  });
  if (sentences == 0)
    fail<DataError>("cannot estimate a language model from empty input (no sentences{})",
                    name.empty() ? "" : " in " + name);
  for (const auto& word : options.extra_vocab) intern(word);
  const std::uint64_t vocab_size = vocab.size();
  std::vector<std::uint64_t> counts(order + 1, 0);  // n-grams per order, 1-based
  counts[order] = top.finish(work.file("S", order));
  for (int k = 2; k < order; ++k) bos[k]->finish(work.file("B", k));
  bos.clear();
  progress.end(fmt::format("{} sentences, {} words, {} {}-grams", sentences, vocab_size, counts[order], order));

  // 2. Adjusted counts, highest order down, with counts-of-counts for the discounts.
  // Progress in n-grams, reported every 64k of them (the bar's lock is not free).
  std::uint64_t unreported = 0;
  auto advance = [&] {
    if (++unreported == 65536) {
      progress.advance(unreported);
      unreported = 0;
    }
  };
  auto report_rest = [&] {
    progress.advance(unreported);
    unreported = 0;
  };
  progress.begin("adjust counts", 0, "n-grams");
  std::vector<std::array<std::uint64_t, 5>> count_of_counts(order + 1, {0, 0, 0, 0, 0});
  for (int k = order - 1; k >= 1; --k) {
    NgramReader higher(work.file("S", k + 1), k + 1, false);
    ValueWriter<std::uint32_t> suffix_out(work.file("SUF", k + 1));
    NgramWriter out(work.file("S", k), k, false);
    std::unique_ptr<NgramReader> raw;
    if (k >= 2) raw = std::make_unique<NgramReader>(work.file("B", k), k, false);
    auto& coc = count_of_counts[k];
    std::uint64_t position = 0;
    auto emit = [&](const NgramRecord& record) {
      out.write(record);
      if (record.count < 5) ++coc[record.count];
      ++position;
    };
    WordIndex next_word = 0;  // unigrams: every vocabulary word gets a line, 0 when unseen
    auto emit_unseen_words_below = [&](std::uint64_t limit) {
      NgramRecord zero;
      for (; next_word < limit; ++next_word) {
        zero.words[0] = next_word;
        emit(zero);
      }
    };
    NgramRecord h, b;
    bool have_h = higher.next(h);
    bool have_b = raw && raw->next(b);
    while (have_h) {
      NgramRecord group;
      std::copy_n(h.words + 1, k, group.words);
      std::uint64_t members = 0;
      while (have_h && std::equal(group.words, group.words + k, h.words + 1)) {
        if (k + 1 == order && h.count < 5) ++count_of_counts[order][h.count];
        ++members;
        have_h = higher.next(h);
        advance();
      }
      group.count = members;  // N1+(. w): distinct words seen before it
      while (have_b && compare_ngrams(b.words, group.words, k, NgramOrder::kSuffix) < 0) {
        emit(b);
        have_b = raw->next(b);
      }
      if (have_b && compare_ngrams(b.words, group.words, k, NgramOrder::kSuffix) == 0) {
        group.count += b.count;  // never happens (<s> only starts an n-gram); kept exact anyway
        have_b = raw->next(b);
      }
      if (k == 1) {
        emit_unseen_words_below(group.words[0]);
        next_word = group.words[0] + 1;
      }
      const std::uint32_t index = checked_position(position, k);
      emit(group);
      for (std::uint64_t m = 0; m < members; ++m) suffix_out.write(index);
    }
    while (have_b) {
      emit(b);
      have_b = raw->next(b);
    }
    if (k == 1) emit_unseen_words_below(vocab_size);
    out.close();
    suffix_out.close();
    counts[k] = out.records();
    raw.reset();
    if (k >= 2) remove_file(work.file("B", k));
  }
  report_rest();
  if (counts[1] != vocab_size) fail("internal error: {} unigrams for {} words", counts[1], vocab_size);
  progress.end(fmt::format("n-grams per order: {}", fmt::join(counts.begin() + 1, counts.end(), " ")));

  // 3. Discounts from counts-of-counts.
  std::vector<Discount> discounts(order + 1);
  for (int k = 1; k <= order; ++k)
    discounts[k] = detail::compute_discount(count_of_counts[k], k, options.discount_fallback);

  // 4. Uninterpolated probabilities and gammas, grouped by context.
  std::uint64_t all_ngrams = 0;
  for (int k = 1; k <= order; ++k) all_ngrams += counts[k];
  progress.begin("smoothing", all_ngrams, "n-grams");
  float unigram_gamma = 0;
  {
    const Discount& d = discounts[1];
    std::uint64_t denominator = 0;
    std::array<std::uint32_t, 4> nk{0, 0, 0, 0};
    {
      NgramReader s(work.file("S", 1), 1, false);
      NgramRecord r;
      while (s.next(r)) {
        denominator += r.count;
        if (r.count > 0) ++nk[std::min<std::uint64_t>(r.count, 3)];
      }
    }
    float g = 0.0f;
    for (int i = 1; i <= 3; ++i) g += d[i] * static_cast<float>(nk[i]);
    unigram_gamma = g / static_cast<float>(denominator);
    NgramReader s(work.file("S", 1), 1, false);
    ValueWriter<float> u_out(work.file("U", 1));
    NgramRecord r;
    while (s.next(r)) {
      const float discounted = static_cast<float>(r.count) - d[std::min<std::uint64_t>(r.count, 3)];
      u_out.write(discounted / static_cast<float>(denominator));
      advance();
    }
    u_out.close();
  }
  for (int k = 2; k <= order; ++k) {
    {
      NgramSorter by_context(k, NgramOrder::kPrefix, true, false, memory, work.file("run-Q", k));
      NgramReader s(work.file("S", k), k, false);
      NgramRecord r;
      std::uint64_t position = 0;
      while (s.next(r)) {
        r.index = checked_position(position++, k);
        by_context.add(r);
      }
      by_context.finish(work.file("Q", k));
    }
    const Discount& d = discounts[k];
    std::vector<float> u(counts[k]), context_gamma(counts[k]);
    std::vector<float> gamma(counts[k - 1], -1.0f);  // of the (k-1)-grams; -1 = not a context
    std::unique_ptr<NgramReader> contexts;           // Q_{k-1} in step (for k-1 >= 2)
    if (k >= 3) contexts = std::make_unique<NgramReader>(work.file("Q", k - 1), k - 1, true);
    NgramRecord context_record;
    NgramReader q(work.file("Q", k), k, true);
    std::vector<NgramRecord> group;
    NgramRecord r;
    bool have = q.next(r);
    while (have) {
      group.clear();
      group.push_back(r);
      while ((have = q.next(r)) && std::equal(r.words, r.words + k - 1, group.front().words)) group.push_back(r);
      std::uint64_t denominator = 0;
      std::array<std::uint32_t, 4> nk{0, 0, 0, 0};
      for (const auto& e : group) {
        denominator += e.count;
        if (e.count > 0) ++nk[std::min<std::uint64_t>(e.count, 3)];
      }
      float g = -1.0f;
      if (denominator != 0) {
        g = 0.0f;
        for (int i = 1; i <= 3; ++i) g += d[i] * static_cast<float>(nk[i]);
        g /= static_cast<float>(denominator);
      }
      // The context's position in S_{k-1}: a word id for unigrams (S_1 lists every id in
      // order), else found by walking Q_{k-1}, which is in the same (context) order.
      std::uint64_t context_index = group.front().words[0];
      if (contexts) {
        bool found = false;
        while (contexts->next(context_record)) {
          const int c = compare_ngrams(context_record.words, group.front().words, k - 1, NgramOrder::kPrefix);
          if (c == 0) {
            found = true;
            break;
          }
          if (c > 0) break;
        }
        if (!found) fail("internal error: {}-gram without its context", k);
        context_index = context_record.index;
      }
      gamma[context_index] = g;
      for (const auto& e : group) {
        const float discounted = static_cast<float>(e.count) - d[std::min<std::uint64_t>(e.count, 3)];
        u[e.index] = discounted / static_cast<float>(denominator);
        context_gamma[e.index] = g;
        advance();
      }
    }
    contexts.reset();
    if (k >= 3) remove_file(work.file("Q", k - 1));
    ValueWriter<float> u_out(work.file("U", k));
    u_out.write_all(u);
    u_out.close();
    ValueWriter<float> cg_out(work.file("CG", k));
    cg_out.write_all(context_gamma);
    cg_out.close();
    ValueWriter<float> g_out(work.file("G", k - 1));
    g_out.write_all(gamma);
    g_out.close();
  }
  report_rest();
  remove_file(work.file("Q", order));
  progress.end();

  // 5. Interpolation, lowest order first, and the ARPA text (as estimate.cc writes it).
  progress.begin("write ARPA", all_ngrams, "n-grams");
  AtomicOutputFile file(arpa_out);
  std::string out;
  constexpr std::size_t kPiece = std::size_t{16} << 20;
  out.reserve(kPiece + 4096);
  auto flush = [&] {
    file.stream().write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  };
  out += "\\data\\\n";
  for (int k = 1; k <= order; ++k) out += fmt::format("ngram {}={}\n", k, counts[k]);
  out += '\n';
  const float uniform = static_cast<float>(1.0 / static_cast<float>(vocab_size - 1));
  for (int k = 1; k <= order; ++k) {
    NgramReader s(work.file("S", k), k, false);
    ValueReader<float> u_in(work.file("U", k));
    std::unique_ptr<ValueReader<float>> cg_in, lower_in, g_in;
    std::unique_ptr<ValueReader<std::uint32_t>> suffix_in;
    std::unique_ptr<ValueWriter<float>> prob_out;
    if (k >= 2) {
      cg_in = std::make_unique<ValueReader<float>>(work.file("CG", k));
      lower_in = std::make_unique<ValueReader<float>>(work.file("PR", k - 1));
      suffix_in = std::make_unique<ValueReader<std::uint32_t>>(work.file("SUF", k));
    }
    if (k < order) {
      g_in = std::make_unique<ValueReader<float>>(work.file("G", k));
      prob_out = std::make_unique<ValueWriter<float>>(work.file("PR", k));
    }
    std::uint64_t lower_read = 0;  // values read from PR_{k-1}
    float lower = 0.0f;            // the last of them (position lower_read - 1)
    out += fmt::format("\\{}-grams:\n", k);
    NgramRecord r;
    while (s.next(r)) {
      const float uninterp = u_in.next();
      float prob;
      if (k == 1) {
        const WordIndex w = r.words[0];
        if (w == kBos)
          prob = 1.0f;  // lmplz: <s> has probability 1 (it is never predicted)
        else if (!options.interpolate_unigrams)
          prob = w == kUnk ? unigram_gamma : uninterp;  // SRILM style: mass to <unk>
        else
          prob = uninterp + unigram_gamma * uniform;
      } else {
        const float g = cg_in->next();
        const std::uint32_t suffix = suffix_in->next();
        if (suffix + std::uint64_t{1} < lower_read) fail("internal error: {}-gram suffixes out of order", k);
        while (lower_read <= suffix) {
          lower = lower_in->next();
          ++lower_read;
        }
        prob = uninterp + g * lower;
      }
      if (prob_out) prob_out->write(prob);
      append_float(out, std::min(0.0f, std::log10(prob)));
      for (int i = 0; i < k; ++i) {
        out += i == 0 ? '\t' : ' ';
        out += vocab[r.words[i]];
      }
      if (k < order) {
        float backoff = 1.0f;
        const float g = g_in->next();
        if (r.words[k - 1] != kUnk && r.words[k - 1] != kEos && g >= 0.0f) backoff = g;
        out += '\t';
        append_float(out, std::log10(backoff));
      }
      out += '\n';
      if (out.size() >= kPiece) flush();
      advance();
    }
    out += '\n';
    if (prob_out) prob_out->close();
    for (const char* kind : {"S", "U", "CG", "SUF", "G"}) remove_file(work.file(kind, k));
    remove_file(work.file("PR", k - 1));
  }
  report_rest();
  out += "\\end\\\n";
  flush();
  file.commit();
  progress.end(arpa_out.string());
  if (stats) {
    stats->counts.assign(counts.begin() + 1, counts.end());
    stats->discounts.assign(discounts.begin() + 1, discounts.end());
    stats->tokens = tokens;
  }
}

}  // namespace

void estimate_arpa_external(const std::filesystem::path& text, const EstimateOptions& options,
                            const ExternalEstimateOptions& external, const std::filesystem::path& arpa_out,
                            EstimateStats* stats) {
  estimate_external(
      text == "-" ? std::string("<stdin>") : text.string(),
      [&](const LineVisitor& visit) { for_each_line(text, visit); }, options, external, arpa_out, stats);
}

void estimate_arpa_external(const std::vector<std::string>& sentences, const EstimateOptions& options,
                            const ExternalEstimateOptions& external, const std::filesystem::path& arpa_out,
                            EstimateStats* stats) {
  estimate_external(
      "",
      [&](const LineVisitor& visit) {
        for (std::size_t i = 0; i < sentences.size(); ++i) visit(sentences[i], i + 1);
      },
      options, external, arpa_out, stats);
}

}  // namespace mtbench::lm
