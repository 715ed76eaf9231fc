#pragma once
// A hash table of n-grams of one fixed order, used while estimating a language model.
// Entries are appended and never move, so an entry's index is a stable id that the
// estimator keeps in side arrays (counts, context and suffix links, probabilities).

#include <cstddef>
#include <cstdint>
#include <vector>

#include "systems/lm/ngram_lm.h"

namespace mtbench::lm {

class NgramTable {
 public:
  static constexpr std::uint32_t kMissing = 0xffffffffu;  // find() result for an absent n-gram

  explicit NgramTable(int order);

  int order() const { return order_; }
  std::size_t size() const { return counts_.size(); }

  // Index of the n-gram `words[0..order)`, inserting it with count 0 when absent.
  std::uint32_t find_or_insert(const WordIndex* words);
  // Index of the n-gram, or kMissing.
  std::uint32_t find(const WordIndex* words) const;

  // The words of entry `index` (order() of them, oldest first).
  const WordIndex* words(std::uint32_t index) const { return &words_[std::size_t(index) * order_]; }
  std::uint64_t& count(std::uint32_t index) { return counts_[index]; }
  std::uint64_t count(std::uint32_t index) const { return counts_[index]; }

  // Reserves room for `entries` n-grams (avoids rehashing while counting).
  void reserve(std::size_t entries);

 private:
  std::uint64_t hash_words(const WordIndex* words) const;
  bool equal(std::uint32_t index, const WordIndex* words) const;
  void rehash(std::size_t slot_count);

  int order_;                          // words per n-gram
  std::vector<WordIndex> words_;       // order_ words per entry, entries in insertion order
  std::vector<std::uint64_t> counts_;  // count per entry
  std::vector<std::uint64_t> hashes_;  // hash per entry (rehashing without recomputing)
  std::vector<std::uint32_t> slots_;   // open addressing: entry index + 1, 0 = empty
  std::uint64_t mask_ = 0;             // slots_.size() - 1 (a power of two)
};

}  // namespace mtbench::lm
