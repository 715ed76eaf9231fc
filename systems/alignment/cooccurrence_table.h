#pragma once
// The co-occurrence table of a word-alignment direction: every (cond word, gen word) pair that
// meets in some sentence pair, stored by conditioning word (compressed rows: each row's
// generated words sorted), so that a pair has a dense id and EM keeps its parameters and
// counts in flat arrays indexed by it.
//
// Memory grows with the table (4 bytes a pair here, plus the caller's arrays), not with the
// corpus: the ids of a sentence's pairs are looked up when the sentence is visited instead of
// being stored per token position (which at a million pairs was ~200 cells of 4 bytes per
// sentence). A lookup is a binary search among its row's block heads (every 16th word, 0.25
// bytes a pair) and a scan of one block, except in the rows that hold at least a quarter of
// the generated vocabulary (the null word's, the most frequent words'): those also get a
// direct index by generated word (at most 16 bytes a pair of such a row). Rows can be pruned (retain()), as GIZA++
// drops t-table entries below its cutoff.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "systems/alignment/vocab.h"

namespace mtbench::alignment {

class CooccurrenceTable {
 public:
  // Every pair (cond[s][i] or `null_word`, gen[s][j]) over the sentence pairs where neither
  // side is empty. `null_word` must not occur in `cond` (callers use max id + 1). Built on
  // `threads` threads (the same table with any number).
  CooccurrenceTable(const std::vector<std::vector<WordId>>& gen, const std::vector<std::vector<WordId>>& cond,
                    WordId null_word, int threads = 1);

  // Pairs in the table; ids run 0..size()-1, a row's ids contiguous.
  std::size_t size() const { return gen_.size(); }
  // Rows: conditioning words 0..null_word (some empty).
  std::size_t rows() const { return row_start_.size() - 1; }
  // The ids of row `cond` are [row_begin(cond), row_end(cond)).
  std::size_t row_begin(WordId cond) const { return row_start_[cond]; }
  std::size_t row_end(WordId cond) const { return row_start_[cond + 1]; }
  // The generated word of pair `id`.
  WordId gen_word(std::size_t id) const { return gen_[id]; }

  // The id of (cond, gen), or size() when the pair is not (or no longer) in the table.
  std::uint32_t find(WordId cond, WordId gen) const;

  // The ids of one sentence pair's pairs, [gen.size() x (cond.size() + 1)], null first in each
  // row (the layout the E-steps read); a pruned or unseen pair gets size().
  void sentence_ids(const std::vector<WordId>& gen, const std::vector<WordId>& cond,
                    std::vector<std::uint32_t>* ids) const;

  // Keeps the pairs with keep[id] (keep.size() == size()); ids are renumbered in order, so
  // the caller compacts its per-pair arrays with compact(). Frees the dropped pairs' memory.
  void retain(const std::vector<char>& keep);

  // Rows with a direct index (for tests and statistics).
  std::size_t dense_rows() const { return dense_.size() / std::max<std::size_t>(1, gen_vocab_); }

  // Compacts a per-pair array the way retain() did (values.size() == keep.size()).
  template <typename T>
  static void compact(std::vector<T>* values, const std::vector<char>& keep) {
    std::size_t out = 0;
    for (std::size_t k = 0; k < keep.size(); ++k)
      if (keep[k]) (*values)[out++] = (*values)[k];
    values->resize(out);
    values->shrink_to_fit();
  }

 private:
  // (Re)builds the block heads of every row and the direct indexes of the dense rows.
  void index_rows();

  static constexpr std::uint32_t kNoIndex = ~std::uint32_t{0};  // dense_of_: no direct index
  static constexpr std::size_t kBlock = 16;                     // words per block: one 64-byte line

  WordId null_word_;                        // the row of the null word (last row)
  WordId gen_vocab_ = 0;                    // largest generated word + 1
  std::vector<std::uint64_t> row_start_;    // per cond word: first id; rows() + 1 entries
  std::vector<WordId> gen_;                 // per id: generated word, ascending within a row
  std::vector<std::uint64_t> heads_start_;  // per row: its first block head in heads_
  std::vector<WordId> heads_;               // per row, the first word of each block of kBlock
  std::vector<std::uint32_t> dense_of_;     // per row: which direct index, or kNoIndex
  std::vector<std::uint32_t> dense_;        // direct indexes, gen_vocab_ each: gen word -> id (kNoIndex: absent)
};

}  // namespace mtbench::alignment
