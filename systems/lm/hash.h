#pragma once
// Hash tables behind the loaded n-gram model (lm_model.cc): word-id sequence keys, a
// linear-probing table of n-gram entries keyed by hash only (as KenLM's probing model), and a
// word -> index table with string_view lookups. Internal to systems/phrase_based/lm_*.

#include <cmath>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "systems/lm/ngram_lm.h"

namespace mtbench::lm::detail {

inline std::uint64_t fmix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}
// Hash of an n-gram built from its last word backwards: key(w) then extend(key, previous word).
inline std::uint64_t start_key(WordIndex w) {
  return fmix64(static_cast<std::uint64_t>(w) + 0x9E3779B97F4A7C15ULL);
}
inline std::uint64_t extend_key(std::uint64_t key, WordIndex w) {
  return fmix64(key ^ ((static_cast<std::uint64_t>(w) + 1) * 0xC2B2AE3D27D4EB4FULL));
}
inline std::uint64_t nonzero(std::uint64_t key) {
  return key == 0 ? 1 : key;
}

inline bool has_extension(float backoff) {
  return !(backoff == 0.0f && std::signbit(backoff));
}

struct Entry {
  std::uint64_t key = 0;  // 0 = empty slot
  float prob = 0;         // log10 probability
  float backoff = 0;      // log10 backoff; -0.0 = no extension
};

// Linear-probing table of the n-grams of one order (keys are never 0). It owns its slots while
// a model is built from ARPA; a binary model's tables are views of the mapped file (attach()).
class ProbingTable {
 public:
  ProbingTable() = default;
  ProbingTable(ProbingTable&&) noexcept = default;
  ProbingTable& operator=(ProbingTable&&) noexcept = default;
  ProbingTable(const ProbingTable&) = delete;  // data_ would point into the original's slots
  ProbingTable& operator=(const ProbingTable&) = delete;

  void init(std::uint64_t entries) {
    std::size_t size = 16;
    while (size < entries + entries / 2 + 1) size *= 2;
    slots_.assign(size, Entry{});
    data_ = slots_.data();
    size_ = size;
    mask_ = size - 1;
  }
  // Uses `size` slots (a power of two) stored elsewhere, read-only; the caller keeps them alive.
  void attach(const Entry* data, std::size_t size) {
    slots_.clear();
    slots_.shrink_to_fit();
    data_ = data;
    size_ = size;
    mask_ = size - 1;
  }
  // The entry for `key`, inserted empty when absent; `*fresh` tells which (owned tables only).
  Entry* insert(std::uint64_t key, bool* fresh) {
    for (std::size_t s = key & mask_;; s = (s + 1) & mask_) {
      Entry& e = slots_[s];
      if (e.key == key) {
        *fresh = false;
        return &e;
      }
      if (e.key == 0) {
        e.key = key;
        *fresh = true;
        return &e;
      }
    }
  }
  // At most size_ probes: a table read from a damaged file might have no empty slot.
  const Entry* find(std::uint64_t key) const {
    std::size_t s = key & mask_;
    for (std::size_t probes = 0; probes < size_; ++probes, s = (s + 1) & mask_) {
      const Entry& e = data_[s];
      if (e.key == key) return &e;
      if (e.key == 0) return nullptr;
    }
    return nullptr;
  }
  // Owned tables only (building from ARPA).
  Entry* find(std::uint64_t key) { return const_cast<Entry*>(static_cast<const ProbingTable*>(this)->find(key)); }
  const Entry* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::vector<Entry> slots_;     // owned slots (empty when attached)
  const Entry* data_ = nullptr;  // the slots in use
  std::size_t size_ = 0;         // number of slots (a power of two)
  std::size_t mask_ = 0;         // size_ - 1
};

// Word -> index with string_view lookups (open addressing over word hashes).
class VocabIndex {
 public:
  void init(std::size_t words) {
    std::size_t size = 16;
    while (size < words * 2) size *= 2;
    slots_.assign(size, 0);
    mask_ = size - 1;
  }
  // Adds `word` as index words_.size(); false if it was already present.
  bool add(std::string_view word) {
    const std::uint64_t h = std::hash<std::string_view>()(word);
    std::size_t s = h & mask_;
    for (; slots_[s] != 0; s = (s + 1) & mask_)
      if (words_[slots_[s] - 1] == word) return false;
    words_.emplace_back(word);
    slots_[s] = static_cast<std::uint32_t>(words_.size());
    return true;
  }
  std::uint32_t find(std::string_view word) const {
    const std::uint64_t h = std::hash<std::string_view>()(word);
    for (std::size_t s = h & mask_; slots_[s] != 0; s = (s + 1) & mask_)
      if (words_[slots_[s] - 1] == word) return slots_[s] - 1;
    return kNone;
  }
  const std::vector<std::string>& words() const { return words_; }
  static constexpr std::uint32_t kNone = 0xffffffffu;

 private:
  std::vector<std::string> words_;
  std::vector<std::uint32_t> slots_;  // word index + 1, 0 = empty
  std::size_t mask_ = 0;
};

}  // namespace mtbench::lm::detail
