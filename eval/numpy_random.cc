#include "eval/numpy_random.h"

#include "base/error.h"

namespace mtbench::eval {
namespace {

// SeedSequence's hash constants (bit_generator.pyx).
constexpr std::uint32_t kInitA = 0x43b0d7e5;
constexpr std::uint32_t kMultA = 0x931e8875;
constexpr std::uint32_t kInitB = 0x8b51f9dd;
constexpr std::uint32_t kMultB = 0x58f38ded;
constexpr std::uint32_t kMixMultL = 0xca01f9dd;
constexpr std::uint32_t kMixMultR = 0x4973f715;
constexpr unsigned kXShift = 16;
constexpr std::size_t kPoolSize = 4;

// The 128-bit LCG multiplier numpy's PCG64 uses (PCG_DEFAULT_MULTIPLIER_128).
constexpr unsigned __int128 kMultiplier =
    (static_cast<unsigned __int128>(2549297995355413924ULL) << 64) | 4865540595714422341ULL;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hash_const) {
  value ^= hash_const;
  hash_const *= kMultA;
  value *= hash_const;
  value ^= value >> kXShift;
  return value;
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
  std::uint32_t result = kMixMultL * x - kMixMultR * y;
  result ^= result >> kXShift;
  return result;
}

// numpy's _int_to_uint32_array: low word first; zero is one zero word.
std::vector<std::uint32_t> to_words(std::uint64_t n) {
  std::vector<std::uint32_t> words;
  if (n == 0) words.push_back(0);
  while (n > 0) {
    words.push_back(static_cast<std::uint32_t>(n & 0xFFFFFFFFu));
    n >>= 32;
  }
  return words;
}

}  // namespace

SeedSequence::SeedSequence(std::uint64_t entropy) : SeedSequence(to_words(entropy)) {}

SeedSequence::SeedSequence(const std::vector<std::uint32_t>& entropy) : pool_(kPoolSize, 0) {
  // mix_entropy: hash the entropy words into the pool, then let every pool word influence
  // every other, then fold in entropy beyond the pool size.
  std::uint32_t hash_const = kInitA;
  for (std::size_t i = 0; i < kPoolSize; ++i) pool_[i] = hashmix(i < entropy.size() ? entropy[i] : 0u, hash_const);
  for (std::size_t src = 0; src < kPoolSize; ++src)
    for (std::size_t dst = 0; dst < kPoolSize; ++dst)
      if (src != dst) pool_[dst] = mix(pool_[dst], hashmix(pool_[src], hash_const));
  for (std::size_t src = kPoolSize; src < entropy.size(); ++src)
    for (std::size_t dst = 0; dst < kPoolSize; ++dst) pool_[dst] = mix(pool_[dst], hashmix(entropy[src], hash_const));
}

std::vector<std::uint32_t> SeedSequence::generate_state32(std::size_t n_words) const {
  std::vector<std::uint32_t> state(n_words);
  std::uint32_t hash_const = kInitB;
  for (std::size_t i = 0; i < n_words; ++i) {
    std::uint32_t value = pool_[i % pool_.size()];
    value ^= hash_const;
    hash_const *= kMultB;
    value *= hash_const;
    value ^= value >> kXShift;
    state[i] = value;
  }
  return state;
}

std::vector<std::uint64_t> SeedSequence::generate_state64(std::size_t n_words) const {
  const std::vector<std::uint32_t> words = generate_state32(2 * n_words);
  std::vector<std::uint64_t> state(n_words);
  for (std::size_t i = 0; i < n_words; ++i)
    state[i] = static_cast<std::uint64_t>(words[2 * i]) | (static_cast<std::uint64_t>(words[2 * i + 1]) << 32);
  return state;
}

namespace {
unsigned __int128 join(std::uint64_t high, std::uint64_t low) {
  return (static_cast<unsigned __int128>(high) << 64) | low;
}
}  // namespace

Pcg64::Pcg64(std::uint64_t seed) : Pcg64(SeedSequence(seed)) {}

Pcg64::Pcg64(const SeedSequence& seed_sequence) {
  const std::vector<std::uint64_t> words = seed_sequence.generate_state64(4);
  *this = Pcg64(join(words[0], words[1]), join(words[2], words[3]));
}

Pcg64::Pcg64(unsigned __int128 initstate, unsigned __int128 initseq) {
  // pcg_setseq_128_srandom_r.
  state_ = 0;
  increment_ = (initseq << 1) | 1u;
  step();
  state_ += initstate;
  step();
}

void Pcg64::step() {
  state_ = state_ * kMultiplier + increment_;
}

std::uint64_t Pcg64::next64() {
  step();
  // XSL-RR: xor the halves, rotate right by the top 6 bits.
  const auto high = static_cast<std::uint64_t>(state_ >> 64);
  const auto low = static_cast<std::uint64_t>(state_);
  const unsigned rot = static_cast<unsigned>(high >> 58);
  const std::uint64_t value = high ^ low;
  return (value >> rot) | (value << ((64u - rot) & 63u));
}

std::uint32_t Pcg64::next32() {
  if (has_uint32_) {
    has_uint32_ = false;
    return uinteger_;
  }
  const std::uint64_t next = next64();
  has_uint32_ = true;
  uinteger_ = static_cast<std::uint32_t>(next >> 32);
  return static_cast<std::uint32_t>(next & 0xFFFFFFFFu);
}

void NumpyGenerator::integers(std::uint64_t high, std::size_t count, std::vector<std::uint32_t>& out) {
  if (high == 0 || high > 0xFFFFFFFFull) fail("numpy-compatible integers(): high must be in 1..2^32-1, got {}", high);
  const auto rng = static_cast<std::uint32_t>(high - 1);
  out.reserve(out.size() + count);
  if (rng == 0) {  // numpy draws nothing for a one-value range
    out.insert(out.end(), count, 0u);
    return;
  }
  // buffered_bounded_lemire_uint32.
  const std::uint32_t rng_excl = rng + 1;
  const std::uint32_t threshold = (0xFFFFFFFFu - rng) % rng_excl;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t m = static_cast<std::uint64_t>(bitgen_.next32()) * rng_excl;
    auto leftover = static_cast<std::uint32_t>(m);
    if (leftover < rng_excl) {
      while (leftover < threshold) {
        m = static_cast<std::uint64_t>(bitgen_.next32()) * rng_excl;
        leftover = static_cast<std::uint32_t>(m);
      }
    }
    out.push_back(static_cast<std::uint32_t>(m >> 32));
  }
}

void NumpyGenerator::booleans(std::size_t count, std::vector<std::uint8_t>& out) {
  out.reserve(out.size() + count);
  std::uint32_t buffer = 0;
  int bits_left = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (bits_left == 0) {
      buffer = bitgen_.next32();
      bits_left = 31;
    } else {
      buffer >>= 1;
      --bits_left;
    }
    out.push_back(static_cast<std::uint8_t>(buffer & 1u));
  }
}

std::vector<std::uint32_t> NumpyGenerator::boolean_words(std::size_t count) {
  // numpy refills its 32-bit buffer every 32 values and shifts it right by one per value,
  // so value i is bit (i % 32) of the (i / 32)-th 32-bit draw.
  std::vector<std::uint32_t> words((count + 31) / 32);
  for (auto& word : words) word = bitgen_.next32();
  return words;
}

}  // namespace mtbench::eval
