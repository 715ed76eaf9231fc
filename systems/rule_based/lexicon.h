#pragma once
// The bilingual lexicon of the rule-based system: German headwords (lowercased keys, case
// kept in the entry) with part of speech, gender, inflection links and English alternatives,
// plus the English word counts of the training corpus used for sense selection.
// Built from FreeDict (dictd) or a TSV file once at `train` time and stored as a compact
// binary index in the model directory, so `translate` never re-parses the dictionary.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mtbench {
class Progress;
}

namespace mtbench::rule_based {

// One lexicon entry (one dictionary sense group of one headword).
struct LexEntry {
  std::string headword;                   // German headword, case kept ("Haus", "gehen")
  std::string pos;                        // n, v, adj, adv, art, pron, prep, conj, num, int, or ""
  std::string gender;                     // masc/fem/neut for nouns, else ""
  bool plural = false;                    // the headword is a plural noun form
  bool prefix_form = false;               // compound-initial form ("Haus…")
  std::string lemma;                      // for inflected forms: the lemma headword, else ""
  std::vector<std::string> translations;  // English alternatives in dictionary order
};

// Options for building from FreeDict.
struct DictdBuildOptions {
  int max_headword_words = 3;  // multi-word headwords longer than this are skipped
};

class Lexicon {
 public:
  // Reads a dictd dictionary (index + .dict/.dict.dz); resolves inflected forms to lemmas
  // through mutual cross references ("Häuser" see {Haus}, "Haus" see {Häuser}).
  static Lexicon from_dictd(const std::filesystem::path& index_path, const std::filesystem::path& dict_path,
                            const DictdBuildOptions& options = {}, Progress* progress = nullptr);
  // Reads "source<TAB>target<TAB>pos" lines (pos optional; '#' comments and blank lines
  // skipped; several lines for one source are senses in order). Bad lines: DataError.
  static Lexicon from_tsv(const std::filesystem::path& path);

  // The entries of a dictionary of the reverse direction turned around: each translation
  // (of at most three words, parentheses removed) becomes a headword translated by the
  // original headword, with its part of speech; finalized.
  static Lexicon inverted(const Lexicon& reverse);
  // The entries of `first`, then those of `second` (a headword's senses: first's first).
  static Lexicon merged(const Lexicon& first, const Lexicon& second);

  // Adds an entry (call finalize() before lookups).
  void add(LexEntry entry);
  // Builds the lookup table; must be called after the last add().
  void finalize();
  // Entries whose lowercased headword equals `key` (already lowercased), in sense order.
  std::pair<const LexEntry*, const LexEntry*> lookup(std::string_view key) const;
  // True when some entry with `key` has part of speech `pos` ("" = any).
  bool has(std::string_view key, std::string_view pos = "") const;

  // English word counts (lowercased) from the training target side.
  void set_target_counts(std::unordered_map<std::string, std::uint32_t> counts) { counts_ = std::move(counts); }
  // Count of one lowercased English word (0 if unseen).
  std::uint32_t target_count(std::string_view word) const;
  // Total number of target tokens counted.
  std::uint64_t target_total() const;

  // Writes / reads the binary index (atomic write; load checks the magic and sizes and
  // throws DataError naming the file on a truncated or foreign file).
  void save(const std::filesystem::path& path) const;
  static Lexicon load(const std::filesystem::path& path);

  std::size_t size() const { return entries_.size(); }
  const std::vector<LexEntry>& entries() const { return entries_; }

 private:
  std::vector<LexEntry> entries_;  // sorted by key after finalize(), sense order kept
  std::unordered_map<std::string, std::pair<std::uint32_t, std::uint32_t>> index_;  // key -> [begin, end)
  std::unordered_map<std::string, std::uint32_t> counts_;                           // English word -> training count
};

}  // namespace mtbench::rule_based
