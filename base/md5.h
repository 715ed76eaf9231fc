#pragma once
// MD5 (RFC 1321), only to check downloads against the MD5 sums sacreBLEU publishes for the WMT
// test-set archives; never for anything security-related (mtbench's own checksums are SHA-256).

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace mtbench {

// Incremental MD5: update() any number of times, then hex_digest() once.
class Md5 {
 public:
  Md5();
  void update(const void* data, std::size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  std::string hex_digest();  // 32 lowercase hex digits; finishes the hash

 private:
  void block(const std::uint8_t* p);

  std::array<std::uint32_t, 4> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_ = 0;
};

// MD5 of a file's bytes; Error if unreadable.
std::string md5_file(const std::filesystem::path& path);

}  // namespace mtbench
