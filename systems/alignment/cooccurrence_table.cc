#include "systems/alignment/cooccurrence_table.h"

#include <algorithm>
#include <exception>
#include <thread>

#include "base/error.h"

namespace mtbench::alignment {
namespace {

// A set of packed (cond << 32 | gen) keys, open addressing, at most 70% full: 8 bytes a slot
// (std::unordered_set spent ~40 bytes a key). Only alive while the table is built.
class PairSet {
 public:
  PairSet() : keys_(1 << 16, kEmpty) {}
  void insert(std::uint64_t key) {
    if ((size_ + 1) * 10 > keys_.size() * 7) grow();
    const std::size_t mask = keys_.size() - 1;
    std::size_t s = mix(key) & mask;
    while (keys_[s] != kEmpty && keys_[s] != key) s = (s + 1) & mask;
    if (keys_[s] == kEmpty) {
      keys_[s] = key;
      ++size_;
    }
  }
  std::size_t size() const { return size_; }
  template <typename F>
  void for_each(F&& f) const {
    for (std::uint64_t key : keys_)
      if (key != kEmpty) f(key);
  }

  static constexpr std::uint64_t kEmpty = ~std::uint64_t{0};  // never a key: ids stay below 2^32 - 1

 private:
  static std::uint64_t mix(std::uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  }
  void grow() {
    std::vector<std::uint64_t> keys(keys_.size() * 2, kEmpty);
    const std::size_t mask = keys.size() - 1;
    for (std::uint64_t key : keys_) {
      if (key == kEmpty) continue;
      std::size_t s = mix(key) & mask;
      while (keys[s] != kEmpty) s = (s + 1) & mask;
      keys[s] = key;
    }
    keys_.swap(keys);
  }
  std::vector<std::uint64_t> keys_;  // kEmpty = free slot
  std::size_t size_ = 0;             // occupied slots
};

}  // namespace

CooccurrenceTable::CooccurrenceTable(const std::vector<std::vector<WordId>>& gen,
                                     const std::vector<std::vector<WordId>>& cond, WordId null_word, int threads)
    : null_word_(null_word) {
  if (gen.size() != cond.size())
    fail<DataError>("co-occurrence table: {} generated-side sentences but {} conditioning-side", gen.size(),
                    cond.size());
  if (null_word == Vocab::kNone) fail<DataError>("co-occurrence table: the null word id must be below {}", null_word);
  for (std::size_t s = 0; s < cond.size(); ++s)
    for (const WordId e : cond[s])
      if (e >= null_word)
        fail<DataError>("co-occurrence table: sentence {} has conditioning word id {}, not below the null word's {}",
                        s + 1, e, null_word);
  // One set per thread, each holding the rows of the cond words e with e % threads == its
  // index: every thread reads the whole corpus (sequentially) but inserts only its share, and
  // no pair is in two sets.
  const int shards = std::max(1, threads);
  std::vector<PairSet> sets(static_cast<std::size_t>(shards));
  auto fill = [&](int shard) {
    PairSet& pairs = sets[static_cast<std::size_t>(shard)];
    for (std::size_t s = 0; s < gen.size(); ++s) {
      if (cond[s].empty() || gen[s].empty()) continue;
      for (std::size_t i = 0; i <= cond[s].size(); ++i) {
        const WordId e = i == 0 ? null_word : cond[s][i - 1];
        if (static_cast<int>(e % static_cast<WordId>(shards)) != shard) continue;
        const std::uint64_t high = static_cast<std::uint64_t>(e) << 32;
        for (WordId f : gen[s]) pairs.insert(high | f);
      }
    }
  };
  {
    std::vector<std::exception_ptr> errors(static_cast<std::size_t>(shards));
    std::vector<std::thread> pool;
    for (int t = 1; t < shards; ++t)
      pool.emplace_back([&, t] {
        try {
          fill(t);
        } catch (...) {
          errors[static_cast<std::size_t>(t)] = std::current_exception();
        }
      });
    try {
      fill(0);
    } catch (...) {
      errors[0] = std::current_exception();
    }
    for (auto& thread : pool) thread.join();
    for (const auto& error : errors)
      if (error) std::rethrow_exception(error);
  }
  // Counting sort by row, then each row sorted by generated word.
  std::size_t total = 0;
  for (const PairSet& pairs : sets) total += pairs.size();
  row_start_.assign(static_cast<std::size_t>(null_word) + 2, 0);
  for (const PairSet& pairs : sets) pairs.for_each([&](std::uint64_t key) { ++row_start_[(key >> 32) + 1]; });
  for (std::size_t r = 1; r < row_start_.size(); ++r) row_start_[r] += row_start_[r - 1];
  gen_.resize(total);
  {
    std::vector<std::uint64_t> next(row_start_.begin(), row_start_.end() - 1);
    for (PairSet& pairs : sets) {
      pairs.for_each([&](std::uint64_t key) { gen_[next[key >> 32]++] = static_cast<WordId>(key); });
      pairs = PairSet();
    }
  }
  for (std::size_t r = 0; r + 1 < row_start_.size(); ++r)
    std::sort(gen_.begin() + static_cast<std::ptrdiff_t>(row_start_[r]),
              gen_.begin() + static_cast<std::ptrdiff_t>(row_start_[r + 1]));
  for (WordId f : gen_) gen_vocab_ = std::max(gen_vocab_, f + 1);
  index_rows();
}

void CooccurrenceTable::index_rows() {
  heads_start_.assign(rows(), 0);
  heads_.clear();
  for (WordId e = 0; e < rows(); ++e) {
    heads_start_[e] = heads_.size();
    for (std::size_t k = row_begin(e); k < row_end(e); k += kBlock) heads_.push_back(gen_[k]);
  }
  heads_.shrink_to_fit();
  dense_of_.assign(rows(), kNoIndex);
  // The longest rows get direct indexes, as long as those take no more than the rows
  // themselves (4 bytes a pair): the null word's and the most frequent words' rows, where
  // most lookups land (Zipf).
  std::vector<WordId> by_length;
  for (WordId e = 0; e < rows(); ++e)
    if (row_end(e) - row_begin(e) >= 256) by_length.push_back(e);
  std::sort(by_length.begin(), by_length.end(), [&](WordId a, WordId b) {
    const std::size_t la = row_end(a) - row_begin(a), lb = row_end(b) - row_begin(b);
    return la != lb ? la > lb : a < b;
  });
  std::vector<WordId> dense_rows;
  const std::size_t budget = size() * sizeof(WordId);
  for (WordId e : by_length) {
    if ((dense_rows.size() + 1) * static_cast<std::size_t>(gen_vocab_) * sizeof(std::uint32_t) > budget) break;
    dense_rows.push_back(e);
  }
  dense_.assign(dense_rows.size() * static_cast<std::size_t>(gen_vocab_), kNoIndex);
  dense_.shrink_to_fit();
  for (std::size_t d = 0; d < dense_rows.size(); ++d) {
    const WordId e = dense_rows[d];
    dense_of_[e] = static_cast<std::uint32_t>(d);
    std::uint32_t* index = dense_.data() + d * gen_vocab_;
    for (std::size_t k = row_begin(e); k < row_end(e); ++k) index[gen_[k]] = static_cast<std::uint32_t>(k);
  }
}

std::uint32_t CooccurrenceTable::find(WordId cond, WordId gen) const {
  if (cond >= rows() || gen >= gen_vocab_) return static_cast<std::uint32_t>(size());
  if (dense_of_[cond] != kNoIndex) {
    const std::uint32_t id = dense_[dense_of_[cond] * static_cast<std::size_t>(gen_vocab_) + gen];
    return id == kNoIndex ? static_cast<std::uint32_t>(size()) : id;
  }
  const auto begin = gen_.begin() + static_cast<std::ptrdiff_t>(row_start_[cond]);
  const auto end = gen_.begin() + static_cast<std::ptrdiff_t>(row_start_[cond + 1]);
  const auto it = std::lower_bound(begin, end, gen);
  return static_cast<std::uint32_t>(it != end && *it == gen ? it - gen_.begin() : size());
}

void CooccurrenceTable::sentence_ids(const std::vector<WordId>& gen, const std::vector<WordId>& cond,
                                     std::vector<std::uint32_t>* ids) const {
  const std::size_t width = cond.size() + 1;
  ids->resize(gen.size() * width);
  const auto missing = static_cast<std::uint32_t>(size());
  for (std::size_t i = 0; i < width; ++i) {
    const WordId e = i == 0 ? null_word_ : cond[i - 1];
    if (e >= rows()) {  // a word the table never saw: no pairs
      for (std::size_t j = 0; j < gen.size(); ++j) (*ids)[j * width + i] = missing;
      continue;
    }
    if (dense_of_[e] != kNoIndex) {
      const std::uint32_t* index = dense_.data() + dense_of_[e] * static_cast<std::size_t>(gen_vocab_);
      std::uint32_t* out = ids->data() + i;
      for (const WordId f : gen) {
        const std::uint32_t id = f < gen_vocab_ ? index[f] : kNoIndex;
        *out = id == kNoIndex ? missing : id;
        out += width;
      }
      continue;
    }
    // Otherwise two steps: a binary search among the row's block heads (every kBlock-th word,
    // kept apart so that they stay in cache), then a scan of one block of the row (one or two
    // cache lines). The J searches of a row run in lockstep, each step branch-free: their
    // loads are independent, so their cache misses overlap (std::lower_bound over the row,
    // one search at a time, made the E-step twice as slow as reading stored ids). The
    // running positions live in the output cells until the last step.
    const WordId* row = gen_.data() + row_start_[e];
    const std::size_t length = row_start_[e + 1] - row_start_[e];
    std::uint32_t* first = ids->data() + i;
    const std::size_t count = gen.size();
    if (length == 0) {
      for (std::size_t j = 0; j < count; ++j) first[j * width] = missing;
      continue;
    }
    const WordId* heads = heads_.data() + heads_start_[e];
    const std::size_t blocks = (length + kBlock - 1) / kBlock;
    for (std::size_t j = 0; j < count; ++j) first[j * width] = 0;
    for (std::size_t left = blocks; left > 1; left -= left / 2) {
      const std::size_t half = left / 2;
      for (std::size_t j = 0; j < count; ++j) {
        std::uint32_t& base = first[j * width];
        base += static_cast<std::uint32_t>(half) * (heads[base + half] <= gen[j]);
      }
    }
    // base: the last block whose head is <= the word (or block 0, whose head may be above it).
    // The blocks are fetched for every word first, so that their misses overlap.
    for (std::size_t j = 0; j < count; ++j) __builtin_prefetch(row + first[j * width] * kBlock);
    const auto row_id = static_cast<std::uint32_t>(row_start_[e]);
    for (std::size_t j = 0; j < count; ++j) {
      std::uint32_t& cell = first[j * width];
      const std::size_t begin = cell * kBlock, end = std::min(begin + kBlock, length);
      std::uint32_t found = missing;
      for (std::size_t k = begin; k < end; ++k)
        if (row[k] == gen[j]) found = row_id + static_cast<std::uint32_t>(k);
      cell = found;
    }
  }
}

void CooccurrenceTable::retain(const std::vector<char>& keep) {
  if (keep.size() != size()) fail<DataError>("co-occurrence table: {} keep flags for {} pairs", keep.size(), size());
  std::size_t out = 0;
  for (std::size_t r = 0; r + 1 < row_start_.size(); ++r) {
    const std::size_t begin = row_start_[r], end = row_start_[r + 1];
    row_start_[r] = out;
    for (std::size_t k = begin; k < end; ++k)
      if (keep[k]) gen_[out++] = gen_[k];
  }
  row_start_.back() = out;
  gen_.resize(out);
  gen_.shrink_to_fit();
  index_rows();
}

}  // namespace mtbench::alignment
