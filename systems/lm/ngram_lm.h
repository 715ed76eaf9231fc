#pragma once
// n-gram language model: estimation with interpolated modified Kneser-Ney smoothing
// (Chen & Goodman 1998, as KenLM's lmplz estimates it), ARPA input/output, and fast
// stateful queries for the decoder (log10 probabilities, backoff as in ARPA semantics).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench {
class Progress;
}

namespace mtbench::lm {

using WordIndex = std::uint32_t;

// Options of estimate_arpa (lmplz flags in parentheses).
struct EstimateOptions {
  int order = 3;                         // n-gram order, 2..6 (-o)
  bool interpolate_unigrams = true;      // lmplz's default: interpolate unigrams with uniform
  std::vector<std::string> extra_vocab;  // words to include with zero count (rarely needed)
  bool discount_fallback = false;        // use D = 0.5, 1, 1.5 when counts-of-counts make the
                                         // discounts undefined (--discount_fallback)
};

// What estimation produced besides the ARPA text (lmplz prints the same statistics).
struct EstimateStats {
  std::vector<std::uint64_t> counts;            // n-grams per order, as in the ARPA header
  std::vector<std::array<float, 4>> discounts;  // per order: D0 = 0, D1, D2, D3+
  std::uint64_t tokens = 0;                     // words read (without <s>, </s>)
};

// Estimates a model and returns the ARPA text (what estimate_arpa writes).
std::string estimate_arpa_text(const std::vector<std::string>& sentences, const EstimateOptions& options,
                               EstimateStats* stats = nullptr);

// Estimates a model from tokenized sentences (tokens separated by spaces) and writes ARPA text
// atomically, streaming (the text is never held whole in memory). Throws ConfigError on an order out of range,
// DataError on empty input or a special word (<s>, </s>, <unk>) in the text (naming the line), Error when the discounts
// cannot be estimated (tiny data: see discount_fallback).
void estimate_arpa(const std::vector<std::string>& sentences, const EstimateOptions& options,
                   const std::filesystem::path& arpa_out, EstimateStats* stats = nullptr);

// Where and with how much memory estimate_arpa_external sorts (lmplz -S, -T).
struct ExternalEstimateOptions {
  std::size_t memory = std::size_t{512} << 20;  // bytes of one sort buffer (-S); the vocabulary
                                                // and 12 bytes per n-gram of one order come on top
  std::filesystem::path temp_dir;               // sorted files go in a private directory here
                                                // (-T); empty = beside the output file
  Progress* progress = nullptr;                 // reports the passes as stages (null = silent)
};

// Estimates the same model as estimate_arpa (byte-identical ARPA) from a tokenized text file
// (plain or gzip; "-" = standard input), reading it once and keeping the n-grams in sorted
// files on disk, so memory is bounded by `external.memory` rather than by the corpus. Errors as
// estimate_arpa, a special word naming file and line; Error when the disk fails.
void estimate_arpa_external(const std::filesystem::path& text, const EstimateOptions& options,
                            const ExternalEstimateOptions& external, const std::filesystem::path& arpa_out,
                            EstimateStats* stats = nullptr);
// The same from sentences in memory (the decoders' training keeps its tokenized text); errors
// name the line.
void estimate_arpa_external(const std::vector<std::string>& sentences, const EstimateOptions& options,
                            const ExternalEstimateOptions& external, const std::filesystem::path& arpa_out,
                            EstimateStats* stats = nullptr);

// Decoder state: the context words that matter for the next query (at most order-1 words).
struct State {
  WordIndex words[5] = {0, 0, 0, 0, 0};  // most recent word first
  std::uint8_t length = 0;               // number of valid words
  float backoffs[5] = {0, 0, 0, 0, 0};   // log10 backoff of the context ending at words[0] of
                                         // length i+1 (cached; not part of equality)
  bool operator==(const State& o) const;
  std::size_t hash() const;
};

// A loaded model (from ARPA). All queries are const and thread-safe.
class Model {
 public:
  static std::unique_ptr<Model> load_arpa(const std::filesystem::path& path);
  // Parses ARPA text; `name` is used in error messages (file name).
  static std::unique_ptr<Model> parse_arpa(std::string_view text, const std::string& name);
  // Loads a binary model (write_binary; memory-mapped, opened in milliseconds, pages read as
  // queries touch them) or an ARPA file (plain or gzip), told apart by content.
  static std::unique_ptr<Model> load(const std::filesystem::path& path);
  // Writes `model` (loaded by this library) in mtbench's binary format, MTBLM1: the
  // vocabulary, the unigram arrays and the probing tables exactly as they lie in memory, so
  // queries on the mapped file need no parsing (KenLM's build_binary, probing layout).
  // Written atomically; Error for a model of another implementation.
  static void write_binary(const Model& model, const std::filesystem::path& path);
  virtual ~Model() = default;

  virtual int order() const = 0;
  // Vocabulary index of `word`; the <unk> index when unknown.
  virtual WordIndex index(std::string_view word) const = 0;
  virtual WordIndex unk() const = 0;
  // State after "<s>" (sentence start).
  virtual State begin_sentence_state() const = 0;
  // Empty context.
  virtual State null_context_state() const = 0;
  // log10 p(word | in) and the state after it.
  virtual float score(const State& in, WordIndex word, State* out) const = 0;
  // Number of words in the vocabulary (including <s>, </s>, <unk>).
  virtual std::size_t vocab_size() const = 0;
  // The word of vocabulary index `index` (0 <= index < vocab_size()).
  virtual const std::string& word(WordIndex index) const = 0;
  // Number of n-grams of `order` (1..order()) in the model.
  virtual std::uint64_t ngram_count(int order) const = 0;
  // Lets go of the resident pages of a memory-mapped model (they are read back from the page
  // cache when queried again); nothing for a model in memory.
  virtual void release_pages() const {}
};

// Perplexity summary as KenLM's `query -v summary` prints it.
struct PerplexityReport {
  double perplexity_including_oovs = 0;  // "Perplexity including OOVs:"
  double perplexity_excluding_oovs = 0;  // "Perplexity excluding OOVs:"
  std::uint64_t oovs = 0;                // "OOVs:"
  std::uint64_t tokens = 0;              // "Tokens:" (words + </s> per sentence)
};
// Scores every line (tokens separated by whitespace) from <s> to </s>. When `per_sentence` is
// given it receives, per line, the log10 probability and the OOV count (KenLM's
// `query -v sentence` "Total: ... OOV: ..." lines).
struct SentenceScore {
  float log10_prob = 0;    // sum of the words' and </s>'s log10 probabilities
  std::uint64_t oovs = 0;  // words outside the vocabulary
};
PerplexityReport evaluate(const Model& model, const std::vector<std::string>& sentences,
                          std::vector<SentenceScore>* per_sentence = nullptr);
// The four summary lines exactly as KenLM's query prints them (tab-separated, 6 significant digits).
std::string format_perplexity_report(const PerplexityReport& report);

}  // namespace mtbench::lm
