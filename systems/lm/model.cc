// ARPA loading and stateful queries, following KenLM's probing model (Heafield 2011,
// "KenLM: Faster and Smaller Language Model Queries", sec. 3-4): every n-gram of order >= 2
// lives in a linear-probing table keyed by a 64-bit hash of its word ids only (the words are
// not stored; a collision between two of the ~2^20 n-grams of a model is ~2^-24 likely, the
// same trade-off KenLM makes). Unigrams are plain arrays indexed by WordIndex.
//
// Scoring p(w | state): the longest n-gram w_{i-m+1..i} present, plus the backoffs of the
// contexts that were not extended (ARPA semantics). The returned state keeps only the words
// that can still matter (KenLM's minimal state): an n-gram that is no prefix of a longer
// n-gram has no extension, so the state is shortened past it and the decoder recombines more.
// Like KenLM, "no extension" is encoded as a backoff of -0.0 (the sign bit of a zero).

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/mapped_file.h"
#include "base/text_file.h"
#include "systems/lm/hash.h"
#include "systems/lm/ngram_lm.h"

namespace mtbench::lm {

namespace {

using namespace detail;

constexpr char kBinaryMagic[8] = {'M', 'T', 'B', 'L', 'M', '1', '\n', '\0'};
constexpr std::size_t kBinaryHeaderBytes = 120;

class ArpaModel final : public Model {
 public:
  // `pages`, when given, is the mapped file `text` lies in: pages already parsed are dropped
  // from the resident set as the parser moves on.
  ArpaModel(std::string_view text, const std::string& name, const MappedFile* pages = nullptr);
  // A binary model: the probing tables stay in the mapped file.
  ArpaModel(std::shared_ptr<const MappedFile> file, const std::string& name);
  void write_binary(const std::filesystem::path& path) const;

  int order() const override { return order_; }
  WordIndex index(std::string_view word) const override {
    const std::uint32_t i = vocab_.find(word);
    return i == VocabIndex::kNone ? unk_ : i;
  }
  WordIndex unk() const override { return unk_; }
  State begin_sentence_state() const override {
    State s;
    s.words[0] = bos_;
    s.backoffs[0] = unigram_backoff_[bos_];
    s.length = has_extension(s.backoffs[0]) ? 1 : 0;
    return s;
  }
  State null_context_state() const override { return State{}; }
  float score(const State& in, WordIndex word, State* out) const override;
  std::size_t vocab_size() const override { return vocab_.words().size(); }
  const std::string& word(WordIndex index) const override { return vocab_.words().at(index); }
  std::uint64_t ngram_count(int order) const override { return counts_.at(order - 1); }
  void release_pages() const override {
    if (mapped_) mapped_->drop_pages_before(mapped_->size());
  }

 private:
  int order_ = 0;
  std::vector<std::uint64_t> counts_;   // n-grams per order (from the \data\ header)
  VocabIndex vocab_;                    // unigram words in file order
  std::vector<float> unigram_prob_;     // log10 p(w) by index
  std::vector<float> unigram_backoff_;  // log10 backoff by index (-0.0: no extension)
  std::vector<ProbingTable> tables_;    // tables_[k - 2]: n-grams of order k >= 2
  WordIndex unk_ = 0, bos_ = 0;
  std::shared_ptr<const MappedFile> mapped_;  // a binary model's file (tables point into it)
};

std::size_t padded8(std::size_t n) {
  return (n + 7) & ~std::size_t{7};
}

// Splits on ARPA whitespace (spaces and tabs); returns the number of fields found.
std::size_t split_fields(std::string_view line, std::string_view* fields, std::size_t max_fields) {
  std::size_t n = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    if (i == line.size()) break;
    std::size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (n == max_fields) return max_fields + 1;
    fields[n++] = line.substr(i, j - i);
    i = j;
  }
  return n;
}

bool parse_float(std::string_view s, float* value) {
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *value);
  // NaN and +inf are no log-probabilities (they would poison every score); -inf is log10(0).
  if (ec == std::errc() && ptr == end) return !std::isnan(*value) && *value != HUGE_VALF;
  // SRILM writes -inf for impossible events; std::from_chars accepts "-inf" already, but
  // some tools write "-Infinity".
  if (s == "-Infinity" || s == "-infinity") {
    *value = -HUGE_VALF;
    return true;
  }
  return false;
}

}  // namespace

ArpaModel::ArpaModel(std::string_view text, const std::string& name, const MappedFile* pages) {
  std::size_t pos = 0, line_no = 0, dropped = 0;
  std::string_view line;
  auto next_line = [&]() -> bool {
    if (pages && pos - dropped >= (std::size_t{64} << 20)) {
      pages->drop_pages_before(pos);
      dropped = pos;
    }
    if (pos >= text.size()) return false;
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    ++line_no;
    return true;
  };
  auto bad = [&](const std::string& what) {
    fail<DataError>("malformed ARPA file {} line {}: {} (line: \"{}\")", name, line_no, what,
                    std::string(line.substr(0, 80)));
  };

  // Anything before \data\ (comments, lmplz's header lines) is skipped, as KenLM does.
  bool found = false;
  while (next_line())
    if (line == "\\data\\") {
      found = true;
      break;
    }
  if (!found) fail<DataError>("malformed ARPA file {}: no \\data\\ line", name);
  while (next_line() && !line.empty()) {
    if (line.rfind("ngram ", 0) != 0) bad("expected \"ngram N=COUNT\"");
    const std::size_t eq = line.find('=');
    int k = 0;
    std::uint64_t count = 0;
    if (eq == std::string_view::npos || std::from_chars(line.data() + 6, line.data() + eq, k).ptr != line.data() + eq ||
        std::from_chars(line.data() + eq + 1, line.data() + line.size(), count).ptr != line.data() + line.size())
      bad("expected \"ngram N=COUNT\"");
    if (k != static_cast<int>(counts_.size()) + 1)
      bad(fmt::format("expected the count of order {}", counts_.size() + 1));
    // Every n-gram line takes at least 4 bytes ("0\ta\n"): a larger count is a corrupt header,
    // which must not size the tables (found by tests/fuzz/arpa_fuzz.cc: length_error).
    if (count > text.size() / 4)
      bad(fmt::format("the header announces {} {}-grams, more than a file of {} bytes can hold", count, k,
                      text.size()));
    counts_.push_back(count);
  }
  order_ = static_cast<int>(counts_.size());
  if (order_ < 1 || order_ > 6) fail<DataError>("ARPA file {}: order {} is not supported (1..6)", name, order_);

  tables_.resize(order_ - 1);
  std::string_view fields[9];
  WordIndex ids[6];
  for (int k = 1; k <= order_; ++k) {
    while (next_line() && line.empty()) {
    }
    if (line != fmt::format("\\{}-grams:", k)) bad(fmt::format("expected \"\\{}-grams:\"", k));
    if (k == 1) {
      vocab_.init(counts_[0]);
      unigram_prob_.reserve(counts_[0]);
      unigram_backoff_.reserve(counts_[0]);
    } else {
      tables_[k - 2].init(counts_[k - 1]);
    }
    for (std::uint64_t n = 0; n < counts_[k - 1]; ++n) {
      if (!next_line()) bad(fmt::format("file ends after {} of {} {}-grams", n, counts_[k - 1], k));
      const std::size_t nf = split_fields(line, fields, k + 2);
      if (nf != static_cast<std::size_t>(k) + 1 && nf != static_cast<std::size_t>(k) + 2)
        bad(fmt::format("expected a log10 probability, {} word(s) and an optional backoff", k));
      float prob = 0, backoff = 0;
      if (!parse_float(fields[0], &prob)) bad(fmt::format("bad probability \"{}\"", fields[0]));
      if (nf == static_cast<std::size_t>(k) + 2 && !parse_float(fields[k + 1], &backoff))
        bad(fmt::format("bad backoff \"{}\"", fields[k + 1]));
      if (prob > 0) bad(fmt::format("positive log10 probability {}", prob));
      if (backoff == 0) backoff = -0.0f;  // no extension until a longer n-gram shows one
      if (k == 1) {
        if (!vocab_.add(fields[1])) bad(fmt::format("duplicate unigram \"{}\"", fields[1]));
        unigram_prob_.push_back(prob);
        unigram_backoff_.push_back(backoff);
        continue;
      }
      for (int i = 0; i < k; ++i) {
        ids[i] = vocab_.find(fields[1 + i]);
        if (ids[i] == VocabIndex::kNone) bad(fmt::format("word \"{}\" is not among the unigrams", fields[1 + i]));
      }
      std::uint64_t key = start_key(ids[k - 1]);
      for (int i = k - 2; i >= 0; --i) key = extend_key(key, ids[i]);
      bool fresh = false;
      Entry* e = tables_[k - 2].insert(nonzero(key), &fresh);
      if (!fresh) bad("duplicate n-gram");
      e->prob = prob;
      e->backoff = backoff;
      // The context (first k-1 words) now has an extension: make a zero backoff +0.0.
      float* context_backoff = nullptr;
      if (k == 2) {
        context_backoff = &unigram_backoff_[ids[0]];
      } else {
        std::uint64_t ckey = start_key(ids[k - 2]);
        for (int i = k - 3; i >= 0; --i) ckey = extend_key(ckey, ids[i]);
        if (Entry* c = tables_[k - 3].find(nonzero(ckey))) context_backoff = &c->backoff;
      }
      if (context_backoff && *context_backoff == 0.0f) *context_backoff = 0.0f;
    }
  }
  while (next_line() && line.empty()) {
  }
  if (line != "\\end\\") bad("expected \"\\end\\\" after the last n-gram section");

  const std::uint32_t bos = vocab_.find("<s>");
  if (bos == VocabIndex::kNone) fail<DataError>("ARPA file {} has no <s> unigram", name);
  if (vocab_.find("</s>") == VocabIndex::kNone) fail<DataError>("ARPA file {} has no </s> unigram", name);
  bos_ = bos;
  std::uint32_t unk = vocab_.find("<unk>");
  if (unk == VocabIndex::kNone) {
    // KenLM's default when <unk> is missing: add it with log10 probability -100.
    vocab_.add("<unk>");
    unk = static_cast<std::uint32_t>(vocab_.words().size() - 1);
    unigram_prob_.push_back(-100.0f);
    unigram_backoff_.push_back(-0.0f);
  }
  unk_ = unk;
}

float ArpaModel::score(const State& in, WordIndex word, State* out) const {
  if (word >= unigram_prob_.size()) word = unk_;
  State next;
  float prob = unigram_prob_[word];
  next.words[0] = word;
  next.backoffs[0] = unigram_backoff_[word];
  int matched = 1;                                           // length of the longest n-gram found
  int extendable = has_extension(next.backoffs[0]) ? 1 : 0;  // state length so far
  const int context = std::min<int>(in.length, order_ - 1);
  std::uint64_t key = start_key(word);
  for (int j = 0; j < context; ++j) {
    key = extend_key(key, in.words[j]);
    const Entry* e = tables_[j].find(nonzero(key));
    if (!e) break;  // no longer n-gram can exist (ARPA files are closed under suffixes)
    prob = e->prob;
    matched = j + 2;
    if (matched < order_) {
      next.words[j + 1] = in.words[j];
      next.backoffs[j + 1] = e->backoff;
      if (extendable == j + 1 && has_extension(e->backoff)) extendable = j + 2;
    }
  }
  // Backoffs of the contexts longer than the matched n-gram's context.
  for (int l = matched; l <= context; ++l) prob += in.backoffs[l - 1];
  next.length = static_cast<std::uint8_t>(extendable);
  if (out) *out = next;
  return prob;
}

// MTBLM1 layout (little-endian; sections 8-byte aligned so the tables can be used in place):
//   0    "MTBLM1\n\0", u32 order, u32 words, u32 <unk> index, u32 <s> index
//   24   u64 n-gram counts of orders 1..6, u64 slots of the tables of orders 2..6
//   112  u64 bytes of the word list
//   120  the words, each ended by '\0'; padding to 8
//        f32 unigram log10 probabilities [words], f32 unigram backoffs [words]; padding to 8
//        per order 2..order: slots x (u64 key, f32 log10 prob, f32 log10 backoff)
void ArpaModel::write_binary(const std::filesystem::path& path) const {
  AtomicOutputFile file(path);
  std::ostream& out = file.stream();
  auto put32 = [&](std::uint32_t v) { out.write(reinterpret_cast<const char*>(&v), 4); };
  auto put64 = [&](std::uint64_t v) { out.write(reinterpret_cast<const char*>(&v), 8); };
  auto pad = [&]() {
    static const char zeros[8] = {};
    const auto at = file.tellp();
    out.write(zeros, static_cast<std::streamsize>(padded8(at) - at));
  };
  out.write(kBinaryMagic, 8);
  put32(static_cast<std::uint32_t>(order_));
  put32(static_cast<std::uint32_t>(vocab_.words().size()));
  put32(unk_);
  put32(bos_);
  for (int k = 0; k < 6; ++k) put64(k < order_ ? counts_[k] : 0);
  for (int k = 0; k < 5; ++k) put64(k < order_ - 1 ? tables_[k].size() : 0);
  std::uint64_t word_bytes = 0;
  for (const auto& w : vocab_.words()) word_bytes += w.size() + 1;
  put64(word_bytes);
  for (const auto& w : vocab_.words()) out.write(w.c_str(), static_cast<std::streamsize>(w.size() + 1));
  pad();
  out.write(reinterpret_cast<const char*>(unigram_prob_.data()),
            static_cast<std::streamsize>(unigram_prob_.size() * sizeof(float)));
  out.write(reinterpret_cast<const char*>(unigram_backoff_.data()),
            static_cast<std::streamsize>(unigram_backoff_.size() * sizeof(float)));
  pad();
  for (const auto& table : tables_)
    out.write(reinterpret_cast<const char*>(table.data()), static_cast<std::streamsize>(table.size() * sizeof(Entry)));
  file.commit();
}

ArpaModel::ArpaModel(std::shared_ptr<const MappedFile> file, const std::string& name) : mapped_(std::move(file)) {
  const std::string_view bytes = mapped_->view();
  auto bad = [&](const std::string& what) {
    fail<DataError>("{}: corrupt binary language model ({}; rebuild it from the ARPA file)", name, what);
  };
  if (bytes.size() < kBinaryHeaderBytes || std::memcmp(bytes.data(), kBinaryMagic, 8) != 0) bad("bad magic");
  auto get32 = [&](std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  auto get64 = [&](std::size_t at) {
    std::uint64_t v;
    std::memcpy(&v, bytes.data() + at, 8);
    return v;
  };
  order_ = static_cast<int>(get32(8));
  const std::uint32_t words = get32(12);
  unk_ = get32(16);
  bos_ = get32(20);
  if (order_ < 1 || order_ > 6) bad(fmt::format("order {}", order_));
  if (words < 3 || unk_ >= words || bos_ >= words) bad(fmt::format("{} words, <unk> {}, <s> {}", words, unk_, bos_));
  std::uint64_t slots[5] = {};
  std::size_t end = kBinaryHeaderBytes;
  const std::uint64_t word_bytes = get64(112);
  if (word_bytes > bytes.size() - end) bad("word list beyond the end of the file");
  end = padded8(end + word_bytes) + padded8(std::size_t{words} * 8);
  for (int k = 0; k < 6; ++k) {
    const std::uint64_t count = get64(24 + 8 * k);
    if (k < order_) counts_.push_back(count);
  }
  for (int k = 0; k < order_ - 1; ++k) {
    slots[k] = get64(72 + 8 * k);
    if (slots[k] < 16 || (slots[k] & (slots[k] - 1)) != 0 || slots[k] <= counts_[k + 1] ||
        slots[k] > (bytes.size() - std::min<std::size_t>(end, bytes.size())) / sizeof(Entry))
      bad(fmt::format("table of order {} with {} slots for {} n-grams", k + 2, slots[k], counts_[k + 1]));
    end += slots[k] * sizeof(Entry);
  }
  if (end != bytes.size()) bad(fmt::format("{} bytes where the header implies {}", bytes.size(), end));
  // The words.
  vocab_.init(words);
  std::size_t pos = kBinaryHeaderBytes;
  const std::size_t words_end = pos + word_bytes;
  for (std::uint32_t i = 0; i < words; ++i) {
    const void* zero = std::memchr(bytes.data() + pos, '\0', words_end - pos);
    if (!zero) bad(fmt::format("word list ends after {} of {} words", i, words));
    const std::size_t len = static_cast<const char*>(zero) - (bytes.data() + pos);
    if (!vocab_.add(bytes.substr(pos, len))) bad("duplicate word");
    pos += len + 1;
  }
  if (pos != words_end) bad("stray bytes after the word list");
  if (vocab_.find("<s>") != bos_ || vocab_.find("</s>") == VocabIndex::kNone) bad("<s> or </s> missing");
  pos = padded8(words_end);
  unigram_prob_.resize(words);
  unigram_backoff_.resize(words);
  std::memcpy(unigram_prob_.data(), bytes.data() + pos, std::size_t{words} * 4);
  std::memcpy(unigram_backoff_.data(), bytes.data() + pos + std::size_t{words} * 4, std::size_t{words} * 4);
  for (std::uint32_t i = 0; i < words; ++i)
    if (std::isnan(unigram_prob_[i]) || unigram_prob_[i] > 0 || std::isnan(unigram_backoff_[i]))
      bad(fmt::format("unigram \"{}\" has log10 probability {}", vocab_.words()[i], unigram_prob_[i]));
  pos = padded8(pos + std::size_t{words} * 8);
  tables_.resize(order_ - 1);
  for (int k = 0; k < order_ - 1; ++k) {
    tables_[k].attach(reinterpret_cast<const Entry*>(bytes.data() + pos), slots[k]);
    pos += slots[k] * sizeof(Entry);
  }
}

bool State::operator==(const State& o) const {
  if (length != o.length) return false;
  for (int i = 0; i < length; ++i)
    if (words[i] != o.words[i]) return false;
  return true;
}

std::size_t State::hash() const {
  std::uint64_t h = 0x51ED27ULL + length;
  for (int i = 0; i < length; ++i) h = fmix64(h ^ (static_cast<std::uint64_t>(words[i]) + 0x9E3779B97F4A7C15ULL));
  return static_cast<std::size_t>(h);
}

std::unique_ptr<Model> Model::parse_arpa(std::string_view text, const std::string& name) {
  return std::make_unique<ArpaModel>(text, name);
}

std::unique_ptr<Model> Model::load(const std::filesystem::path& path) {
  auto file = std::make_shared<const MappedFile>(path);
  if (file->size() >= 8 && std::memcmp(file->data(), kBinaryMagic, 8) == 0)
    return std::make_unique<ArpaModel>(std::move(file), path.string());
  return load_arpa(path);
}

void Model::write_binary(const Model& model, const std::filesystem::path& path) {
  const auto* ours = dynamic_cast<const ArpaModel*>(&model);
  if (!ours) fail<Error>("{}: only models loaded by mtbench can be written in its binary format", path.string());
  ours->write_binary(path);
}

std::unique_ptr<Model> Model::load_arpa(const std::filesystem::path& path) {
  // A plain file is parsed through a memory map, its pages let go as the parser passes them
  // (a 2 GB ARPA file costs no 2 GB of memory); gzip is decompressed into memory first.
  const MappedFile file(path);
  const bool gzip = file.size() >= 2 && static_cast<unsigned char>(file.data()[0]) == 0x1f &&
                    static_cast<unsigned char>(file.data()[1]) == 0x8b;
  if (!gzip) return std::make_unique<ArpaModel>(file.view(), path.string(), &file);
  const std::string text = read_file(path);
  return parse_arpa(text, path.string());
}

}  // namespace mtbench::lm
