#pragma once
// A bit-exact C++ reimplementation of the random draws sacreBLEU's significance tests make
// through numpy (`np.random.default_rng(seed)`), so that mtbench reproduces sacreBLEU's
// p-values and confidence intervals digit for digit.
//
// The chain, as numpy (>= 1.17) implements it:
//  - SeedSequence (numpy/random/bit_generator.pyx, after M. O'Neill's seed_seq design):
//    the seed is split into 32-bit words, hashed into a 4-word pool, and generate_state()
//    draws words from the pool through a second hash chain.
//  - PCG64 (O'Neill 2014, "PCG: A Family of Simple Fast Space-Efficient Statistically Good
//    Algorithms for Random Number Generation"): a 128-bit LCG whose output is XSL-RR;
//    seeded with state = words 0:1 and increment = words 2:3 of generate_state(4, uint64).
//  - 32-bit draws take the low half of a 64-bit output first and keep the high half for
//    the next 32-bit draw (numpy's pcg64_next32 buffer).
//  - Generator.integers / Generator.choice(n, replace=True) with n <= 2^32 use Lemire's
//    multiply-and-reject on 32-bit draws (Lemire 2019, "Fast Random Integer Generation in
//    an Interval"); integers(2, dtype=bool) uses one bit of a buffered 32-bit draw per value.

#include <cstdint>
#include <vector>

namespace mtbench::eval {

// numpy.random.SeedSequence with the default pool size of 4 and no spawn key.
class SeedSequence {
 public:
  // Entropy given as a non-negative integer (numpy splits it into 32-bit words, low first).
  explicit SeedSequence(std::uint64_t entropy);
  // Entropy given as 32-bit words (numpy's uint32 array form).
  explicit SeedSequence(const std::vector<std::uint32_t>& entropy_words);

  // generate_state(n_words, np.uint32).
  std::vector<std::uint32_t> generate_state32(std::size_t n_words) const;
  // generate_state(n_words, np.uint64): pairs of 32-bit words, little-endian.
  std::vector<std::uint64_t> generate_state64(std::size_t n_words) const;
  // The mixed entropy pool (4 words).
  const std::vector<std::uint32_t>& pool() const { return pool_; }

 private:
  std::vector<std::uint32_t> pool_;  // the hashed entropy pool
};

// numpy.random.PCG64 (XSL-RR 128/64), including numpy's buffered 32-bit draws.
class Pcg64 {
 public:
  // Seeded like numpy.random.PCG64(SeedSequence(seed)).
  explicit Pcg64(std::uint64_t seed);
  explicit Pcg64(const SeedSequence& seed_sequence);
  // Raw state, as numpy's pcg64_set_seed receives it: 128-bit initial state and sequence.
  Pcg64(unsigned __int128 initstate, unsigned __int128 initseq);

  // pcg64_next64 (bit_generator.random_raw()).
  std::uint64_t next64();
  // pcg64_next32: low half of a fresh 64-bit draw, then the buffered high half.
  std::uint32_t next32();

 private:
  void step();

  unsigned __int128 state_ = 0;      // LCG state
  unsigned __int128 increment_ = 1;  // LCG increment (odd)
  bool has_uint32_ = false;          // a buffered high half is pending
  std::uint32_t uinteger_ = 0;       // the buffered high half
};

// numpy.random.Generator's integer draws used by sacreBLEU (on a PCG64 bit generator).
class NumpyGenerator {
 public:
  // np.random.default_rng(seed).
  explicit NumpyGenerator(std::uint64_t seed) : bitgen_(seed) {}

  // rng.integers(0, high, size=count) for 1 <= high <= 2^32 (numpy's
  // random_bounded_uint64_fill on its 32-bit Lemire path; also what
  // rng.choice(high, size=count, replace=True) draws). Values are appended to `out`.
  void integers(std::uint64_t high, std::size_t count, std::vector<std::uint32_t>& out);
  // rng.integers(2, size=count, dtype=bool) (numpy's random_bounded_bool_fill): one bit per
  // value from buffered 32-bit draws, lowest bit first. Values (0/1) are appended to `out`.
  void booleans(std::size_t count, std::vector<std::uint8_t>& out);
  // The same draws packed: bit (i % 32) of word i / 32 is boolean value i of
  // rng.integers(2, size=count, dtype=bool). Returns ceil(count / 32) words.
  std::vector<std::uint32_t> boolean_words(std::size_t count);

  Pcg64& bit_generator() { return bitgen_; }

 private:
  Pcg64 bitgen_;  // the PCG64 bit generator
};

}  // namespace mtbench::eval
