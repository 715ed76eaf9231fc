#pragma once
// A fixed pool of worker threads behind a bounded queue: the server hands translations to it
// and answers 503 itself when the queue is full, so a burst of requests costs memory bounded by
// the queue, never an unbounded backlog.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mtbench::serve {

class WorkerPool {
 public:
  // `workers` threads (at least 1); at most `capacity` jobs wait beside the running ones.
  WorkerPool(int workers, std::size_t capacity);
  // Finishes every queued job, then joins (as drain()).
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues a job; false (and the job is dropped) when the queue is full or draining. Jobs
  // must not throw: an escaping exception is caught and dropped so no worker ever dies.
  bool try_submit(std::function<void()> job);
  // Refuses new jobs, runs the queued ones, joins the workers. Idempotent.
  void drain();

  std::size_t queued() const;  // jobs waiting
  int busy() const;            // jobs running
  int workers() const { return static_cast<int>(threads_.size()); }
  std::size_t capacity() const { return capacity_; }

 private:
  void work();

  const std::size_t capacity_;               // most waiting jobs
  mutable std::mutex mutex_;                 // guards the fields below
  std::condition_variable ready_;            // a job was queued, or draining began
  std::deque<std::function<void()>> queue_;  // waiting jobs, oldest first
  int busy_ = 0;                             // jobs running now
  bool draining_ = false;                    // no new jobs accepted
  std::vector<std::thread> threads_;         // the workers
};

}  // namespace mtbench::serve
