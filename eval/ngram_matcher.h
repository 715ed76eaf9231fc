#pragma once
// Clipped n-gram matching between one hypothesis and its references, shared by BLEU and
// chrF. N-grams are sequences of integer symbol ids (words or characters) packed into one
// 64-bit key: exactly (bits-per-id x order <= 64, the usual case) or, for huge vocabularies
// or orders, by a 64-bit mixing hash (a collision needs two distinct n-grams of the same
// order and segment to share a key: probability ~1e-16 per segment). Id 0 stands for
// "absent from every reference": n-grams containing it are counted but never matched.
//
// The hypothesis' n-grams go into a small open-addressing table once; every reference then
// probes it. Only the used slots are cleared between hypotheses; nothing is allocated in
// the inner loops. Key 0 never occurs (packed ids are >= 1) and marks empty slots.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::eval {

// How n-grams of ids are turned into 64-bit keys.
struct NgramKeyer {
  int bits = 64;        // bits per id when packing; 0 = hash instead
  bool packed = false;  // exact packing possible for every order up to max_order

  // Chooses exact packing when `max_id` fits max_order times into 64 bits.
  static NgramKeyer for_vocabulary(std::uint64_t max_id, int max_order) {
    NgramKeyer k;
    int b = 1;
    while (b < 64 && (std::uint64_t{1} << b) <= max_id) ++b;
    k.bits = b;
    k.packed = static_cast<long>(b) * max_order <= 64;
    return k;
  }
  // Key of the n-gram extended by `id` from the key of its prefix (0 for the empty prefix).
  std::uint64_t extend(std::uint64_t prefix, std::uint32_t id) const {
    if (packed) return (prefix << bits) | id;
    std::uint64_t x = (prefix ^ (id + 0x9E3779B97F4A7C15ULL)) * 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 31;
    x *= 0x94D049BB133111EBULL;
    x ^= x >> 29;
    return x == 0 ? 1 : x;  // 0 marks an empty slot
  }
};

class NgramMatcher {
 public:
  // Prepares for a hypothesis with at most `capacity` distinct n-grams.
  void reset(std::size_t capacity) {
    for (std::size_t i : used_) keys_[i] = 0;  // forget the previous hypothesis
    used_.clear();
    std::size_t size = 16;
    while (size < 2 * capacity) size <<= 1;
    if (size > keys_.size()) {
      keys_.assign(size, 0);
      meta_.resize(size);
    }
    mask_ = size - 1;
    shift_ = 64;
    for (std::size_t v = size; v > 1; v >>= 1) --shift_;
  }
  // Counts one hypothesis n-gram of order `order` (1-based). Keys of different orders must
  // differ (packed keys of ids >= 1 do; hashed ones do but for a ~2^-64 chance).
  void add_hyp(std::uint64_t key, int order) {
    std::size_t i = index(key);
    while (keys_[i] != 0 && keys_[i] != key) i = (i + 1) & mask_;
    if (keys_[i] == 0) {
      keys_[i] = key;
      meta_[i] = Meta{};
      meta_[i].order = order;
      used_.push_back(i);
    }
    ++meta_[i].hyp_count;
  }
  // Starts reference number `ref` (0, 1, ...): per-reference counts restart.
  void begin_ref(std::uint32_t ref) { ref_ = ref + 1; }
  // Result of add_ref.
  enum class Probe {
    kAbsent,    // the n-gram is not in the hypothesis (nor is any longer one it starts)
    kMatched,   // matches an occurrence not yet matched by this reference
    kExhausted  // in the hypothesis, but all its occurrences are already matched
  };
  // Counts one reference n-gram. Summing the kMatched results of one reference gives
  // sum(min(hyp count, ref count)) over its n-grams.
  Probe add_ref(std::uint64_t key) {
    std::size_t i = index(key);
    while (keys_[i] != key) {
      if (keys_[i] == 0) return Probe::kAbsent;
      i = (i + 1) & mask_;
    }
    Meta& m = meta_[i];
    if (m.ref_stamp != ref_) {
      m.ref_stamp = ref_;
      m.ref_count = 0;
    }
    ++m.ref_count;
    if (m.ref_count > m.ref_max) m.ref_max = m.ref_count;
    return m.ref_count <= m.hyp_count ? Probe::kMatched : Probe::kExhausted;
  }
  // Sum over distinct hypothesis n-grams of min(hyp count, max count in any reference),
  // per order: adds into correct[order - 1].
  template <typename T>
  void clipped_counts(T* correct) const {
    for (std::size_t i : used_) {
      const Meta& m = meta_[i];
      correct[m.order - 1] += std::min(m.hyp_count, m.ref_max);
    }
  }

 private:
  // Counts of one hypothesis n-gram, kept apart from the keys so that probing touches a
  // compact array (8 bytes per slot).
  struct Meta {
    std::uint32_t hyp_count = 0;  // occurrences in the hypothesis
    std::uint32_t ref_stamp = 0;  // reference whose occurrences ref_count counts
    std::uint32_t ref_count = 0;  // occurrences in that reference so far
    std::uint32_t ref_max = 0;    // maximum count over the references seen
    std::int32_t order = 0;       // n-gram order
  };

  std::size_t index(std::uint64_t key) const {
    // Multiplicative (Fibonacci) hashing: the top bits of the product depend on all key bits.
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  std::vector<std::uint64_t> keys_;  // open-addressing table of keys; 0 = empty
  std::vector<Meta> meta_;           // counts of the slot
  std::vector<std::size_t> used_;    // live slots (for clipped_counts and clearing)
  std::size_t mask_ = 0;             // live table size - 1
  int shift_ = 64;                   // 64 - log2(live table size)
  std::uint32_t ref_ = 0;            // current reference stamp
};

// Words to dense ids (1, 2, ...; 0 = unknown): an open-addressing table over one string
// arena, several times faster than std::unordered_map<std::string, ...> for the millions
// of lookups of a multi-system evaluation. Lookups are const and thread-safe.
class Vocabulary {
 public:
  // The id of `word`, adding it if new.
  std::uint32_t add(std::string_view word) {
    if (2 * (size_ + 1) > slots_.size()) grow();
    const std::uint64_t h = hash(word);
    std::size_t i = h & (slots_.size() - 1);
    while (slots_[i].id != 0) {
      if (slots_[i].hash == h && view(slots_[i]) == word) return slots_[i].id;
      i = (i + 1) & (slots_.size() - 1);
    }
    slots_[i] = Slot{h, static_cast<std::uint32_t>(arena_.size()), static_cast<std::uint32_t>(word.size()),
                     static_cast<std::uint32_t>(++size_)};
    arena_.append(word);
    return slots_[i].id;
  }
  // The id of `word`, 0 when absent.
  std::uint32_t find(std::string_view word) const {
    if (slots_.empty()) return 0;
    const std::uint64_t h = hash(word);
    std::size_t i = h & (slots_.size() - 1);
    while (slots_[i].id != 0) {
      if (slots_[i].hash == h && view(slots_[i]) == word) return slots_[i].id;
      i = (i + 1) & (slots_.size() - 1);
    }
    return 0;
  }
  // Number of distinct words (the largest id).
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;    // hash of the word
    std::uint32_t offset = 0;  // where the word starts in arena_
    std::uint32_t length = 0;  // its length in bytes
    std::uint32_t id = 0;      // 0 = empty slot
  };

  static std::uint64_t hash(std::string_view w) {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ w.size();
    std::size_t k = 0;
    for (; k + 8 <= w.size(); k += 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, w.data() + k, 8);
      h = (h ^ chunk) * 0xBF58476D1CE4E5B9ULL;
      h ^= h >> 29;
    }
    std::uint64_t tail = 0;
    std::memcpy(&tail, w.data() + k, w.size() - k);
    h = (h ^ tail) * 0x94D049BB133111EBULL;
    return h ^ (h >> 32);
  }
  std::string_view view(const Slot& s) const { return std::string_view(arena_).substr(s.offset, s.length); }
  void grow() {
    std::vector<Slot> old(std::max<std::size_t>(64, slots_.size() * 2));
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.id == 0) continue;
      std::size_t i = s.hash & (slots_.size() - 1);
      while (slots_[i].id != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;  // power-of-two open-addressing table
  std::string arena_;        // all words, concatenated
  std::size_t size_ = 0;     // number of words
};

}  // namespace mtbench::eval
