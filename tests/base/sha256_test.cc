// SHA-256 against the FIPS 180-2 appendix B vectors, padding boundaries, chunked updates,
// a multi-megabyte input (expected value from Python's hashlib) and the published
// SHA256SUMS of the Multi30k mirror (computed with coreutils sha256sum).

#include "base/sha256.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

TEST(Sha256, Fips180Vectors) {
  // FIPS 180-2 appendix B.1, B.2, B.3 (one million 'a').
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The 896-bit message of FIPS 180-4's SHA-512 examples, hashed with SHA-256.
  EXPECT_EQ(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjkl"
                       "mnopqklmnopqrlmno"
                       "pqrsmnopqrstnopqrstu"),
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

TEST(Sha256, PaddingBoundaries) {
  // Lengths around the 55/56/64-byte boundaries where padding spills into a second block
  // (expected values from Python's hashlib.sha256(b'x' * n)).
  const std::pair<std::size_t, const char*> cases[] = {
      {55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072"},
      {56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e"},
      {63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2"},
      {64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c"},
      {65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9"},
      {119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c"},
      {120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98"},
  };
  for (const auto& [n, expected] : cases) EXPECT_EQ(sha256_hex(std::string(n, 'x')), expected) << n;
}

// 3,000,017 pseudo-random bytes (a 64-bit LCG, top byte of each state).
std::string lcg_bytes() {
  std::string bytes;
  bytes.reserve(3000017);
  std::uint64_t x = 42;
  for (std::size_t i = 0; i < 3000017; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    bytes += static_cast<char>(x >> 56);
  }
  return bytes;
}

TEST(Sha256, LargeInputInIrregularChunksMatchesOneShot) {
  const std::string bytes = lcg_bytes();
  const char* expected = "ad73a4bc79889f0e32cba9ac34032b6ccf5fabda5f559257badaf22b762a9a63";
  EXPECT_EQ(sha256_hex(bytes), expected);
  Sha256 chunked;
  std::size_t pos = 0;
  std::size_t step = 1;
  while (pos < bytes.size()) {
    const std::size_t n = std::min(step, bytes.size() - pos);
    chunked.update(bytes.data() + pos, n);
    pos += n;
    step = step * 7 % 1031 + 1;  // sizes 1..1031, crossing block boundaries at odd offsets
  }
  EXPECT_EQ(chunked.hex_digest(), expected);
}

TEST(Sha256, FileHashAndMissingFile) {
  testing::ScratchDir dir;
  const auto path = dir / "big.bin";
  {
    std::ofstream out(path, std::ios::binary);
    const std::string bytes = lcg_bytes();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  EXPECT_EQ(sha256_file(path), "ad73a4bc79889f0e32cba9ac34032b6ccf5fabda5f559257badaf22b762a9a63");
  try {
    sha256_file(dir / "missing.bin");
    FAIL() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.bin"), std::string::npos) << e.what();
  }
}

TEST(Sha256, MatchesPublishedSumsOfMulti30kMirror) {
  MTBENCH_REQUIRE_SHARED(sums, "corpora/multi30k/SHA256SUMS");
  std::ifstream in(sums);
  std::string hash, name;
  int checked = 0;
  while (in >> hash >> name) {
    const auto file = sums.parent_path() / name;
    if (!std::filesystem::exists(file)) continue;  // SHA256SUMS also lists files not mirrored
    EXPECT_EQ(sha256_file(file), hash) << name;
    ++checked;
  }
  EXPECT_GE(checked, 12);
}

}  // namespace
}  // namespace mtbench
