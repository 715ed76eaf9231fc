#pragma once
// A read-only memory map of a whole file: the kernel pages it in on demand and may drop the
// pages again under pressure, so a model of any size is "loaded" in microseconds and costs
// resident memory only for the parts a query touches (KenLM's binary models, fairseq's
// mmap datasets).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

namespace mtbench {

class MappedFile {
 public:
  MappedFile() = default;
  // Maps `path`; throws Error naming the path and the system's reason when it cannot.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* data() const { return static_cast<const char*>(data_); }
  std::size_t size() const { return size_; }
  std::string_view view() const { return {data(), size_}; }
  const std::filesystem::path& path() const { return path_; }
  bool empty() const { return size_ == 0; }
  // Whether `path` names the very file that is mapped now (same device and inode): false once
  // it was deleted or replaced by another file of the same name.
  bool is_same_file(const std::filesystem::path& path) const;
  // Tells the kernel that bytes [0, end) will not be read again soon: their pages leave this
  // process's resident set (they stay in the page cache and are read back if touched). For a
  // file read once from start to end (parsing a text model of gigabytes).
  void drop_pages_before(std::size_t end) const;

 private:
  void reset();
  void* data_ = nullptr;                       // start of the mapping (nullptr when empty)
  std::size_t size_ = 0;                       // bytes mapped
  std::filesystem::path path_;                 // what is mapped (for error messages)
  unsigned long long device_ = 0, inode_ = 0;  // identity of the mapped file
};

}  // namespace mtbench
