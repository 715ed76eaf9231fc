#pragma once
// Clipped n-gram matching between one hypothesis and its references, shared by BLEU and
// chrF. N-grams are sequences of integer symbol ids (words or characters) packed into one
// 64-bit key: exactly (bits-per-id x order <= 64, the usual case) or, for huge vocabularies
// or orders, by a 64-bit mixing hash (a collision needs two distinct n-grams of the same
// order and segment to share a key: probability ~1e-16 per segment). Id 0 stands for
// "absent from every reference": n-grams containing it are counted but never matched.
//
// The hypothesis' n-grams go into a small open-addressing table once; every reference then
// probes it. A generation stamp replaces clearing, so the inner loops never allocate.

#include <algorithm>
#include <cstdint>
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
    return x ^ (x >> 29);
  }
};

class NgramMatcher {
 public:
  // Prepares for a hypothesis with at most `capacity` distinct n-grams.
  void reset(std::size_t capacity) {
    std::size_t size = 16;
    while (size < 2 * capacity) size <<= 1;
    if (size > slots_.size()) {
      slots_.assign(size, Slot{});
      generation_ = 0;
    }
    mask_ = size - 1;
    if (++generation_ == 0) {  // wrapped: really clear
      std::fill(slots_.begin(), slots_.end(), Slot{});
      generation_ = 1;
    }
    used_.clear();
  }
  // Counts one hypothesis n-gram of order `order` (1-based).
  void add_hyp(std::uint64_t key, int order) {
    Slot& s = find(key, order);
    ++s.hyp_count;
  }
  // Starts reference number `ref` (0, 1, ...): per-reference counts restart.
  void begin_ref(std::uint32_t ref) { ref_ = ref + 1; }
  // Counts one reference n-gram. Returns true when it matches a hypothesis n-gram not yet
  // matched by this reference (so summing the returns gives sum(min(hyp, ref)) counts).
  bool add_ref(std::uint64_t key, int order) {
    std::size_t i = index(key);
    while (true) {
      Slot& s = slots_[i];
      if (s.generation != generation_) return false;
      if (s.key == key && s.order == order) {
        if (s.ref_stamp != ref_) {
          s.ref_stamp = ref_;
          s.ref_count = 0;
        }
        ++s.ref_count;
        if (s.ref_count > s.ref_max) s.ref_max = s.ref_count;
        return s.ref_count <= s.hyp_count;
      }
      i = (i + 1) & mask_;
    }
  }
  // Sum over distinct hypothesis n-grams of min(hyp count, max count in any reference),
  // per order: adds into correct[order - 1].
  template <typename T>
  void clipped_counts(T* correct) const {
    for (std::size_t i : used_) {
      const Slot& s = slots_[i];
      correct[s.order - 1] += std::min(s.hyp_count, s.ref_max);
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;         // packed or hashed n-gram
    std::uint32_t generation = 0;  // slot is live when equal to generation_
    std::uint32_t hyp_count = 0;   // occurrences in the hypothesis
    std::uint32_t ref_stamp = 0;   // reference whose occurrences ref_count counts
    std::uint32_t ref_count = 0;   // occurrences in that reference so far
    std::uint32_t ref_max = 0;     // maximum count over the references seen
    std::int32_t order = 0;        // n-gram order
  };

  std::size_t index(std::uint64_t key) const {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> 20) & mask_;
  }
  Slot& find(std::uint64_t key, int order) {
    std::size_t i = index(key);
    while (true) {
      Slot& s = slots_[i];
      if (s.generation != generation_) {
        s = Slot{};
        s.key = key;
        s.order = order;
        s.generation = generation_;
        used_.push_back(i);
        return s;
      }
      if (s.key == key && s.order == order) return s;
      i = (i + 1) & mask_;
    }
  }

  std::vector<Slot> slots_;        // open-addressing table
  std::vector<std::size_t> used_;  // live slots, for clipped_counts
  std::size_t mask_ = 0;           // slots_.size() - 1 of the live part
  std::uint32_t generation_ = 0;   // current hypothesis
  std::uint32_t ref_ = 0;          // current reference stamp
};

}  // namespace mtbench::eval
