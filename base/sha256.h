#pragma once
// SHA-256 (FIPS 180-4, section 6.2) for checking downloaded and mirrored dataset files.
// Our own implementation so the corpus layer needs no crypto library; it is only used for
// integrity checks, not for anything security-sensitive that would need constant time.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mtbench {

// Incremental SHA-256: update() any number of times, then hex_digest() once.
class Sha256 {
 public:
  Sha256();
  // Feeds `size` bytes at `data`.
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  // The 32-byte digest; finishes the hash (further update() calls are a programming error).
  std::array<std::uint8_t, 32> digest();
  // The digest as 64 lowercase hex digits.
  std::string hex_digest();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;   // H0..H7 (section 5.3.3)
  std::array<std::uint8_t, 64> buffer_;  // a partial block not yet compressed
  std::size_t buffered_ = 0;             // bytes used in buffer_
  std::uint64_t length_ = 0;             // total message length in bytes
  bool finished_ = false;                // digest() was called
};

// SHA-256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);

// SHA-256 of the raw bytes of a file (not decompressed) as lowercase hex; Error if unreadable.
std::string sha256_file(const std::filesystem::path& path);

}  // namespace mtbench
