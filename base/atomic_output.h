#pragma once
// A file written in a stream and moved into place only when complete: bytes go to a temporary
// file beside the target (temp_path_for), commit() flushes and renames it; an error, an
// exception or a kill before commit() leaves the old file untouched and no partial new one.
// For outputs too large to build in memory (write_file_atomic takes the whole content).

#include <cstdint>
#include <filesystem>
#include <fstream>

namespace mtbench {

class AtomicOutputFile {
 public:
  // Opens a temporary file next to `path` (parent directories are created); throws Error.
  explicit AtomicOutputFile(const std::filesystem::path& path);
  // Removes the temporary file unless commit() ran.
  ~AtomicOutputFile();
  AtomicOutputFile(const AtomicOutputFile&) = delete;
  AtomicOutputFile& operator=(const AtomicOutputFile&) = delete;

  std::ofstream& stream() { return out_; }
  // Bytes written so far.
  std::uint64_t tellp() { return static_cast<std::uint64_t>(out_.tellp()); }
  // Flushes, checks for write errors (disk full) and renames over `path`; throws Error.
  void commit();

 private:
  std::filesystem::path path_;  // final name
  std::filesystem::path temp_;  // where the bytes go until commit()
  std::ofstream out_;           // open on temp_
  bool committed_ = false;      // renamed into place
};

}  // namespace mtbench
