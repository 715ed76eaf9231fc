#pragma once
// The phrase table (Koehn et al. 2003 §3): phrase pairs extracted from the word-aligned
// training corpus with the four standard scores, natural-log (Moses order):
//   p(f|e), lex(f|e), p(e|f), lex(e|f)
// where the lexical weightings follow Koehn et al. 2003 §3.3 (maximum over the occurrences'
// alignments), plus the six msd-bidirectional-fe reordering log-probabilities per pair.
//
// At scale (millions of sentence pairs, tens of millions of phrase pairs) neither building
// nor using the table may hold it in memory:
//  - build() extracts phrase pairs into statistics aggregated in memory up to a budget,
//    spills them to disk as sorted runs, and merges the runs, scoring each source phrase's
//    targets as they stream past (Moses: extract | sort | score | consolidate);
//  - the table lives in a binary file (phrase_table_file.h: source phrases sorted, with an
//    index) that is memory-mapped, so loading takes milliseconds and a lookup reads only the
//    bytes of the phrase it asks for (Moses' compact/probing tables).
// dump_text() writes Moses' text format.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "systems/phrase_based/word_alignment.h"

namespace mtbench {
class MappedFile;
class Progress;
}  // namespace mtbench

namespace mtbench::phrase_based {

// Options of phrase-table construction.
struct PhraseTableOptions {
  int max_phrase_length = 7;                           // maximum words per side
  int max_targets_per_source = 30;                     // keep the best k targets per source phrase by p(e|f) (0 = all)
  double reordering_smoothing = 0.5;                   // additive smoothing of orientation counts
  std::uint64_t sort_memory = std::uint64_t{1} << 30;  // bytes of pair statistics held before a sorted run
                                                       // is spilled to disk (Moses' sort -S)
  std::filesystem::path temp_dir;                      // where sorted runs go (empty: beside the table file)
};

// One target phrase of a source phrase.
struct PhraseEntry {
  std::vector<WordId> target;         // target words (target vocabulary ids)
  std::array<float, 4> scores{};      // ln p(f|e), ln lex(f|e), ln p(e|f), ln lex(e|f)
  std::array<float, 6> reordering{};  // ln p(orientation): previous M,S,D, next M,S,D
  Alignment alignment;                // links of its first occurrence, relative to the phrases
  float count = 0;                    // joint count c(f, e)
};

// What build() did (for logs and the scale benchmark).
struct PhraseTableBuildStats {
  std::uint64_t occurrences = 0;     // phrase-pair occurrences extracted
  std::uint64_t distinct_pairs = 0;  // distinct (source, target) pairs before pruning
  std::uint64_t runs = 0;            // sorted runs spilled to disk
  std::uint64_t run_bytes = 0;       // bytes written to runs
};

class PhraseTable {
 public:
  PhraseTable();
  ~PhraseTable();
  PhraseTable(const PhraseTable&);
  PhraseTable& operator=(const PhraseTable&);
  PhraseTable(PhraseTable&&) noexcept;
  PhraseTable& operator=(PhraseTable&&) noexcept;

  // Builds the table from word ids and symmetrized alignments into the file `path` (written
  // atomically; sorted runs in options.temp_dir, removed afterwards) and opens it.
  static PhraseTable build(const std::vector<std::vector<WordId>>& source,
                           const std::vector<std::vector<WordId>>& target, const std::vector<Alignment>& alignments,
                           const Vocab& source_vocab, const Vocab& target_vocab, const PhraseTableOptions& options,
                           const std::filesystem::path& path, Progress* progress = nullptr,
                           PhraseTableBuildStats* stats = nullptr);

  // The targets of the source phrase `words[0..length)` (source ids), best p(e|f) first, into
  // *out (replacing its contents); false when the phrase is not in the table. A corrupt file
  // is a DataError naming it.
  bool find(const WordId* words, int length, std::vector<PhraseEntry>* out) const;

  const Vocab& source_vocab() const { return source_vocab_; }
  const Vocab& target_vocab() const { return target_vocab_; }
  std::size_t num_source_phrases() const;
  std::size_t num_pairs() const;
  int max_source_length() const { return max_source_length_; }
  // The file the table is mapped from (empty for a hand-made table, or when that file was
  // since deleted or replaced: the mapping outlives it).
  std::filesystem::path file() const;

  // Writes the binary file (atomic): a file copy when the table is mapped from a file that is
  // still there, nothing when that file is `path` itself.
  void save(const std::filesystem::path& path) const;
  // Maps a file written by build() or save(); throws DataError on a file that is not one.
  static PhraseTable load(const std::filesystem::path& path);
  // Moses text format "src ||| tgt ||| p(f|e) lex(f|e) p(e|f) lex(e|f) ||| align ||| count",
  // probabilities (not logs), sorted by source phrase; reordering likewise as
  // "src ||| tgt ||| 6 probabilities" when `reordering` is given.
  void dump_text(const std::filesystem::path& phrase_table, const std::filesystem::path& reordering = {}) const;

  // Adds an entry by hand (tests, small hand-made models); words are added to the vocabularies.
  // Only for tables not mapped from a file.
  void add(const std::vector<std::string>& source, const std::vector<std::string>& target,
           const std::array<float, 4>& scores, const std::array<float, 6>& reordering = {});

  // Lets go of the resident pages of the mapped file (read back from the page cache when
  // looked up again).
  void release_pages() const;

  // Calls `visit(source_key, entries)` for every source phrase in key order.
  void for_each(const std::function<void(std::string_view, const std::vector<PhraseEntry>&)>& visit) const;

 private:
  struct Mapped;                                               // the mapped file and its parsed header
  Vocab source_vocab_;                                         // source words
  Vocab target_vocab_;                                         // target words
  std::shared_ptr<const Mapped> mapped_;                       // the table file, or null
  std::map<std::string, std::vector<PhraseEntry>> hand_made_;  // add()ed entries (unmapped tables)
  int max_source_length_ = 0;                                  // longest source phrase
};

}  // namespace mtbench::phrase_based
