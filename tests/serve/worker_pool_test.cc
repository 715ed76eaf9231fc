#include "serve/worker_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace mtbench::serve {
namespace {

TEST(WorkerPool, RefusesBeyondItsQueueAndRunsEverythingItAccepted) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> done{0};
  WorkerPool pool(1, 2);
  auto job = [&] {
    gate.wait();
    ++done;
  };
  ASSERT_TRUE(pool.try_submit(job));  // running (once the worker picks it up)
  while (pool.busy() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(pool.try_submit(job));
  EXPECT_TRUE(pool.try_submit(job));
  EXPECT_FALSE(pool.try_submit(job)) << "the queue holds 2";
  EXPECT_EQ(pool.queued(), 2u);
  release.set_value();
  pool.drain();
  EXPECT_EQ(done.load(), 3);
  EXPECT_FALSE(pool.try_submit(job)) << "a drained pool takes nothing";
}

TEST(WorkerPool, AThrowingJobDoesNotEndItsWorker) {
  std::atomic<int> done{0};
  WorkerPool pool(1, 10);
  ASSERT_TRUE(pool.try_submit([] { throw std::runtime_error("boom"); }));
  ASSERT_TRUE(pool.try_submit([&] { ++done; }));
  pool.drain();
  EXPECT_EQ(done.load(), 1);
}

TEST(WorkerPool, RunsJobsConcurrentlyOnItsWorkers) {
  WorkerPool pool(3, 10);
  std::atomic<int> running{0}, peak{0};
  for (int i = 0; i < 3; ++i)
    ASSERT_TRUE(pool.try_submit([&] {
      const int now = ++running;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
      --running;
    }));
  pool.drain();
  EXPECT_EQ(peak.load(), 3);
}

}  // namespace
}  // namespace mtbench::serve
