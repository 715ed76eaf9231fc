#include "base/atomic_output.h"

#include <cerrno>
#include <cstring>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench {

AtomicOutputFile::AtomicOutputFile(const std::filesystem::path& path) : path_(path) {
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path());
  remove_stale_temp_files(path);
  temp_ = temp_path_for(path);
  out_.open(temp_, std::ios::binary | std::ios::trunc);
  if (!out_) fail<Error>("cannot write {}: {}", temp_.string(), std::strerror(errno));
}

AtomicOutputFile::~AtomicOutputFile() {
  if (committed_) return;
  out_.close();
  std::error_code ignored;
  std::filesystem::remove(temp_, ignored);
}

void AtomicOutputFile::commit() {
  out_.flush();
  if (!out_) fail<Error>("cannot write {} (disk full?)", path_.string());
  out_.close();
  if (out_.fail()) fail<Error>("cannot write {} (disk full?)", path_.string());
  std::error_code ec;
  std::filesystem::rename(temp_, path_, ec);
  if (ec) fail<Error>("cannot move temporary file into place at {}: {}", path_.string(), ec.message());
  committed_ = true;
}

}  // namespace mtbench
