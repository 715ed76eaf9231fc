#include "base/file_lock.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace mtbench {
namespace {

using namespace std::chrono_literals;

// A second holder waits (and is told why) until the first releases the lock.
TEST(FileLock, SecondHolderWaitsForTheFirst) {
  testing::ScratchDir dir;
  const auto path = dir / "entry.lock";
  std::atomic<bool> released{false};
  auto first = std::make_unique<FileLock>(path);
  std::thread releaser([&] {
    std::this_thread::sleep_for(200ms);
    released = true;
    first.reset();
  });
  bool waited = false;
  {
    FileLock second(path, [&] { waited = true; });
    EXPECT_TRUE(released);  // acquired only after the release
  }
  releaser.join();
  EXPECT_TRUE(waited);
  bool waited_again = false;
  FileLock third(path, [&] { waited_again = true; });
  EXPECT_FALSE(waited_again);  // free: no wait
}

// A process that dies holding the lock does not leave it held.
TEST(FileLock, DiesWithItsProcess) {
  testing::ScratchDir dir;
  const auto path = dir / "entry.lock";
  const pid_t child = fork();
  if (child == 0) {
    FileLock lock(path);
    _exit(0);  // no destructor: the kernel releases it
  }
  ASSERT_GT(child, 0);
  waitpid(child, nullptr, 0);
  bool waited = false;
  FileLock lock(path, [&] { waited = true; });
  EXPECT_FALSE(waited);
}

}  // namespace
}  // namespace mtbench
