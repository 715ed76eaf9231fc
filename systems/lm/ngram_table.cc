#include "systems/lm/ngram_table.h"
#include "systems/lm/hash.h"

#include <algorithm>
#include <cstring>

namespace mtbench::lm {

using detail::fmix64;

NgramTable::NgramTable(int order) : order_(order) {
  rehash(64);
}

std::uint64_t NgramTable::hash_words(const WordIndex* words) const {
  std::uint64_t h = 0x9E3779B97F4A7C15ULL * static_cast<std::uint64_t>(order_);
  for (int i = 0; i < order_; ++i) h = fmix64(h ^ (static_cast<std::uint64_t>(words[i]) + 0x632BE59BD9B4E019ULL));
  return h;
}

bool NgramTable::equal(std::uint32_t index, const WordIndex* words) const {
  return std::memcmp(&words_[std::size_t(index) * order_], words, sizeof(WordIndex) * order_) == 0;
}

void NgramTable::reserve(std::size_t entries) {
  words_.reserve(entries * order_);
  counts_.reserve(entries);
  hashes_.reserve(entries);
  std::size_t need = 64;
  while (need < entries * 2) need *= 2;
  if (need > slots_.size()) rehash(need);
}

void NgramTable::rehash(std::size_t slot_count) {
  slots_.assign(slot_count, 0);
  mask_ = slot_count - 1;
  for (std::uint32_t i = 0; i < hashes_.size(); ++i) {
    std::uint64_t s = hashes_[i] & mask_;
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = i + 1;
  }
}

std::uint32_t NgramTable::find(const WordIndex* words) const {
  const std::uint64_t h = hash_words(words);
  for (std::uint64_t s = h & mask_;; s = (s + 1) & mask_) {
    const std::uint32_t slot = slots_[s];
    if (slot == 0) return kMissing;
    if (hashes_[slot - 1] == h && equal(slot - 1, words)) return slot - 1;
  }
}

std::uint32_t NgramTable::find_or_insert(const WordIndex* words) {
  const std::uint64_t h = hash_words(words);
  std::uint64_t s = h & mask_;
  for (;; s = (s + 1) & mask_) {
    const std::uint32_t slot = slots_[s];
    if (slot == 0) break;
    if (hashes_[slot - 1] == h && equal(slot - 1, words)) return slot - 1;
  }
  const auto index = static_cast<std::uint32_t>(counts_.size());
  words_.insert(words_.end(), words, words + order_);
  counts_.push_back(0);
  hashes_.push_back(h);
  slots_[s] = index + 1;
  // Keep the load factor at or below one half so probes stay short.
  if (counts_.size() * 2 > slots_.size()) rehash(slots_.size() * 2);
  return index;
}

}  // namespace mtbench::lm
