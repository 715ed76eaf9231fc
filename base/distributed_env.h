#pragma once
// Where this process stands in a data-parallel training group, read from the environment in
// torchrun's contract (WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), which
// `mtbench train --nproc N`, torchrun-style launchers, Slurm scripts and Kubernetes'
// PyTorchJob all set. Free of LibTorch (base/ uses nothing of ours): the mtbench executable reads it too (a rank other
// than 0 writes nothing into the model directory). The group itself is systems/neural/distributed.h.

#include <string>

namespace mtbench {

// The distributed environment of this process.
struct DistributedEnv {
  int world_size = 1;           // WORLD_SIZE: processes in the group (1 = not distributed)
  int rank = 0;                 // RANK: this process, 0 .. world_size-1; rank 0 writes and validates
  int local_rank = 0;           // LOCAL_RANK: index on this host (picks the GPU with --device cuda)
  std::string master_addr;      // MASTER_ADDR: host of rank 0 (the rendezvous TCPStore)
  int master_port = 0;          // MASTER_PORT: port of the TCPStore
  std::string backend;          // MTBENCH_DIST_BACKEND: "gloo" or "nccl"; empty = from the device
  double timeout_seconds = 60;  // MTBENCH_DIST_TIMEOUT: a rank silent this long is declared dead

  bool distributed() const { return world_size > 1; }
  bool writer() const { return rank == 0; }  // writes the model directory, logs, validates
};

// Reads the environment; ConfigError naming the variable and its value when one is malformed,
// out of range or missing while WORLD_SIZE > 1.
DistributedEnv distributed_env();

// Names of the variables, for the launcher (cli/launch.cc) and messages.
inline constexpr const char* kWorldSizeVar = "WORLD_SIZE";
inline constexpr const char* kRankVar = "RANK";
inline constexpr const char* kLocalRankVar = "LOCAL_RANK";
inline constexpr const char* kLocalWorldSizeVar = "LOCAL_WORLD_SIZE";
inline constexpr const char* kMasterAddrVar = "MASTER_ADDR";
inline constexpr const char* kMasterPortVar = "MASTER_PORT";
inline constexpr const char* kBackendVar = "MTBENCH_DIST_BACKEND";
inline constexpr const char* kTimeoutVar = "MTBENCH_DIST_TIMEOUT";

}  // namespace mtbench
