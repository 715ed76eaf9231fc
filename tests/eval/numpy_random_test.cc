// The numpy-compatible generator against values numpy itself produced: SeedSequence states
// and the examples of numpy's random quick-start documentation (default_rng(12345)); the
// paired-test goldens in significance_test.cc exercise the full draw sequence.

#include "eval/numpy_random.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::eval {
namespace {

TEST(NumpyRandom, SeedSequenceMatchesNumpy) {
  // np.random.SeedSequence(42).generate_state(8) and generate_state(4, np.uint64).
  SeedSequence seq(42);
  const std::vector<std::uint32_t> expected32 = {3444837047u, 2669555309u, 2046530742u, 3581440988u,
                                                 1691623607u, 2099784219u, 1184028159u, 862288241u};
  EXPECT_EQ(seq.generate_state32(8), expected32);
  const std::vector<std::uint64_t> expected64 = {11465652750463011511ull, 15382171918060459190ull,
                                                 9018504550953525431ull, 3703499796004394495ull};
  EXPECT_EQ(seq.generate_state64(4), expected64);
  // A seed wider than 32 bits is two entropy words, low word first.
  EXPECT_EQ(SeedSequence(0x100000005ull).pool(), SeedSequence(std::vector<std::uint32_t>{5u, 1u}).pool());
  EXPECT_NE(SeedSequence(5).pool(), SeedSequence(std::vector<std::uint32_t>{5u, 1u}).pool());
}

TEST(NumpyRandom, DefaultRngDocumentationExamples) {
  // numpy's quick start: default_rng(12345).random() draws (next64 >> 11) * 2^-53.
  Pcg64 rng(12345);
  const double expected[] = {0.22733602246716966, 0.31675833970975287, 0.79736545733273412, 0.67625467075097456,
                             0.391109550601909};
  for (double want : expected) EXPECT_EQ(static_cast<double>(rng.next64() >> 11) * (1.0 / 9007199254740992.0), want);

  // default_rng(12345).integers(low=0, high=10, size=3) == [6, 2, 7].
  NumpyGenerator gen(12345);
  std::vector<std::uint32_t> ints;
  gen.integers(10, 3, ints);
  EXPECT_EQ(ints, (std::vector<std::uint32_t>{6, 2, 7}));
}

TEST(NumpyRandom, Next32UsesLowHalfThenHighHalf) {
  Pcg64 a(7), b(7);
  const std::uint64_t raw = a.next64();
  EXPECT_EQ(b.next32(), static_cast<std::uint32_t>(raw));
  EXPECT_EQ(b.next32(), static_cast<std::uint32_t>(raw >> 32));
  EXPECT_EQ(b.next32(), static_cast<std::uint32_t>(a.next64()));
}

TEST(NumpyRandom, BooleansUseOneBitPerValueLowestFirst) {
  Pcg64 reference(99);
  const std::uint32_t w0 = reference.next32();
  const std::uint32_t w1 = reference.next32();
  NumpyGenerator gen(99);
  std::vector<std::uint8_t> bits;
  gen.booleans(40, bits);
  ASSERT_EQ(bits.size(), 40u);
  for (int i = 0; i < 32; ++i) EXPECT_EQ(bits[i], (w0 >> i) & 1u) << i;
  for (int i = 32; i < 40; ++i) EXPECT_EQ(bits[i], (w1 >> (i - 32)) & 1u) << i;

  NumpyGenerator packed_gen(99);
  const std::vector<std::uint32_t> words = packed_gen.boolean_words(40);
  ASSERT_EQ(words.size(), 2u);
  for (int i = 0; i < 40; ++i) EXPECT_EQ((words[i / 32] >> (i % 32)) & 1u, bits[i]) << i;
}

TEST(NumpyRandom, IntegersStayInRangeAndCoverIt) {
  NumpyGenerator gen(12345);
  std::vector<std::uint32_t> values;
  gen.integers(3004, 100000, values);
  std::vector<int> seen(3004, 0);
  for (std::uint32_t v : values) {
    ASSERT_LT(v, 3004u);
    seen[v] = 1;
  }
  int covered = 0;
  for (int s : seen) covered += s;
  EXPECT_EQ(covered, 3004);
  // A one-value range draws nothing (numpy returns the offset without consuming bits).
  NumpyGenerator a(5), b(5);
  std::vector<std::uint32_t> zeros;
  a.integers(1, 10, zeros);
  EXPECT_EQ(zeros, std::vector<std::uint32_t>(10, 0u));
  EXPECT_EQ(a.bit_generator().next64(), b.bit_generator().next64());
  EXPECT_THROW(a.integers(0, 1, zeros), Error);
}

}  // namespace
}  // namespace mtbench::eval
