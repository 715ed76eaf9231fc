#pragma once
// Data-parallel training on torch.distributed's c10d (Li et al. 2020, "PyTorch Distributed"):
// rendezvous through a TCPStore hosted by rank 0, collectives on ProcessGroupGloo (CPU; the
// NCCL group needs a CUDA LibTorch). Every rank holds the whole model; each global batch is
// split across ranks (systems/neural/trainer.cc), gradients are summed in flat buckets, and
// every rank takes the same optimizer step. Rank 0 alone validates, logs and writes.
//
// Faults: each rank publishes a heartbeat (a counter and its step) in the store once a second
// from a watchdog thread, which also watches the others' heartbeats. A rank silent for the
// timeout (MTBENCH_DIST_TIMEOUT, default 60 s) is declared dead: the watchdog prints one line
// naming it and its last step, and ends this process with status 1 (no exception can reach a
// main thread that is blocked in a collective). A collective that fails at once (the peer's
// socket closed: it was killed) is diagnosed the same way but faster, by waiting for the
// silent rank, and throws. Checkpoints are written atomically, so a killed group leaves the
// last complete one, from which --resume continues with any number of processes.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <torch/torch.h>

#include "base/distributed_env.h"

namespace c10d {
class Store;
class ProcessGroup;
}  // namespace c10d

namespace mtbench::neural {

class DataParallelGroup {
 public:
  // Joins the group described by `env` (blocks until every rank has joined, up to the
  // timeout). The backend is env.backend, else nccl for CUDA and gloo for the CPU; nccl on a
  // LibTorch without CUDA is a ConfigError.
  DataParallelGroup(const DistributedEnv& env, const torch::Device& device);
  ~DataParallelGroup();
  DataParallelGroup(const DataParallelGroup&) = delete;
  DataParallelGroup& operator=(const DataParallelGroup&) = delete;

  int rank() const { return env_.rank; }
  int world_size() const { return env_.world_size; }
  bool writer() const { return env_.rank == 0; }
  const std::string& backend() const { return backend_; }

  // Start-up check that every rank trains the same thing: `facts` (name -> value, e.g. the
  // hash of the training data) must equal rank 0's; otherwise every rank throws ConfigError
  // naming the first differing fact, the rank and both values.
  void check_agreement(const std::map<std::string, std::string>& facts);

  // Sums `tensors` over the ranks, in place, through flat buckets of at most `bucket_bytes`.
  void allreduce_sum(const std::vector<torch::Tensor>& tensors, std::int64_t bucket_bytes = 32 << 20);
  // Copies rank 0's parameters and buffers into every rank's `module`.
  void broadcast_module(torch::nn::Module& module);
  // Returns rank 0's `bytes` on every rank.
  std::string broadcast_bytes(const std::string& bytes);
  // Waits for every rank.
  void barrier();

  // The step this rank is at (published with the heartbeat, named in fault messages).
  void set_step(std::int64_t step) { step_.store(step); }
  // Orderly end: a last barrier, then the watchdog stops (so rank 0 may exit and take the
  // store with it without the others declaring it dead).
  void finish();

 private:
  template <typename F>
  void collective(const char* what, F&& run);
  [[noreturn]] void diagnose_and_throw(const char* what, const std::string& cause);
  void watchdog_loop();
  // The rank that stopped beating (by the watchdog's records), or -1.
  int silent_rank(double min_silence_seconds, std::string& detail);

  DistributedEnv env_;                         // as read from the environment
  std::string backend_;                        // "gloo" or "nccl"
  c10::intrusive_ptr<c10d::Store> store_;      // the main thread's connection to the TCPStore
  c10::intrusive_ptr<c10d::ProcessGroup> pg_;  // the collectives
  std::atomic<std::int64_t> step_{0};          // this rank's step
  std::atomic<bool> stop_watchdog_{false};     // finish() or destruction
  std::atomic<bool> failed_{false};            // a collective failed: do not tear down politely
  std::thread watchdog_;                       // heartbeat publisher and watcher
  struct Beat {                                // what the watchdog saw of one rank
    std::string value;                         // last heartbeat value ("counter step")
    double changed_at = 0;                     // seconds (steady clock) when it last changed
  };
  std::vector<Beat> beats_;              // per rank, guarded by beats_mutex_
  std::mutex beats_mutex_;               // beats_
  std::atomic<bool> store_lost_{false};  // the watchdog could not reach the store (rank 0 gone)
};

// Joins the group the environment describes when it says WORLD_SIZE > 1 (one training; a
// process may train several models one after another, each in a new group, as `compare`
// does); null otherwise.
std::unique_ptr<DataParallelGroup> join_data_parallel_group(const torch::Device& device);

}  // namespace mtbench::neural
