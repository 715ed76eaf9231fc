#pragma once
// An exclusive advisory lock on a file (flock): two processes sharing a cache take the lock
// of an entry before building or reading it. The kernel drops it when the process dies, so a
// killed run never leaves a stale lock behind.

#include <filesystem>
#include <functional>

namespace mtbench {

class FileLock {
 public:
  // Creates `path` if needed and locks it, waiting for another holder to finish; `on_wait`
  // (may be empty) is called once before waiting, to say why nothing happens.
  explicit FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait = {});
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  FileLock(FileLock&& other) noexcept;

 private:
  int fd_ = -1;  // the locked file, -1 when moved from
};

}  // namespace mtbench
