#pragma once
// The phrase table (Koehn et al. 2003 §3): phrase pairs extracted from the word-aligned
// training corpus with the four standard scores, natural-log (Moses order):
//   p(f|e), lex(f|e), p(e|f), lex(e|f)
// where the lexical weightings follow Koehn et al. 2003 §3.3 (maximum over the occurrences'
// alignments), plus the six msd-bidirectional-fe reordering log-probabilities per pair.
// Stored in a compact binary file; dump_text() writes Moses' text format.

#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "systems/phrase_based/phrase_extract.h"
#include "systems/phrase_based/word_alignment.h"

namespace mtbench {
class Progress;
}

namespace mtbench::phrase_based {

// Options of phrase-table construction.
struct PhraseTableOptions {
  int max_phrase_length = 7;          // maximum words per side
  int max_targets_per_source = 30;    // keep the best k targets per source phrase by p(e|f) (0 = all)
  double reordering_smoothing = 0.5;  // additive smoothing of orientation counts
};

// One target phrase of a source phrase.
struct PhraseEntry {
  std::vector<WordId> target;         // target words (target vocabulary ids)
  std::array<float, 4> scores{};      // ln p(f|e), ln lex(f|e), ln p(e|f), ln lex(e|f)
  std::array<float, 6> reordering{};  // ln p(orientation): previous M,S,D, next M,S,D
  Alignment alignment;                // links of its first occurrence, relative to the phrases
  float count = 0;                    // joint count c(f, e)
};

class PhraseTable {
 public:
  // Builds the table from word-ids and symmetrized alignments.
  static PhraseTable build(const std::vector<std::vector<WordId>>& source,
                           const std::vector<std::vector<WordId>>& target, const std::vector<Alignment>& alignments,
                           const Vocab& source_vocab, const Vocab& target_vocab, const PhraseTableOptions& options,
                           Progress* progress = nullptr);

  // Targets of the source phrase `words[0..length)` (source ids), or nullptr.
  const std::vector<PhraseEntry>* find(const WordId* words, int length) const;

  const Vocab& source_vocab() const { return source_vocab_; }
  const Vocab& target_vocab() const { return target_vocab_; }
  std::size_t num_source_phrases() const { return table_.size(); }
  std::size_t num_pairs() const;
  int max_source_length() const { return max_source_length_; }

  // Binary round trip (magic "MTBPT1", little-endian); load throws DataError on a bad file.
  void save(const std::filesystem::path& path) const;
  static PhraseTable load(const std::filesystem::path& path);
  // Moses text format "src ||| tgt ||| p(f|e) lex(f|e) p(e|f) lex(e|f) ||| align ||| count",
  // probabilities (not logs), sorted by source phrase; reordering likewise as
  // "src ||| tgt ||| 6 probabilities" when `reordering` is given.
  void dump_text(const std::filesystem::path& phrase_table, const std::filesystem::path& reordering = {}) const;

  // Adds an entry by hand (tests, small hand-made models); words are added to the vocabularies.
  void add(const std::vector<std::string>& source, const std::vector<std::string>& target,
           const std::array<float, 4>& scores, const std::array<float, 6>& reordering = {});

 private:
  static std::string key(const WordId* words, int length) {
    return std::string(reinterpret_cast<const char*>(words), sizeof(WordId) * length);
  }
  Vocab source_vocab_;                                               // source words
  Vocab target_vocab_;                                               // target words
  std::unordered_map<std::string, std::vector<PhraseEntry>> table_;  // source key -> targets
  int max_source_length_ = 0;                                        // longest source phrase
};

}  // namespace mtbench::phrase_based
