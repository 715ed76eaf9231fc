// c10d's Gloo process group is declared only when USE_C10D_GLOO is defined (LibTorch's own
// build defines it; Debian's libtorch_cpu is built with Gloo, its headers come in libgloo-dev).
#define USE_C10D_GLOO 1

#include "systems/neural/distributed.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <fmt/format.h>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef MTBENCH_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include "base/error.h"

namespace mtbench::neural {
namespace {

using Clock = std::chrono::steady_clock;

double now_seconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

std::vector<std::uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}

std::string string_of(const std::vector<std::uint8_t>& v) {
  return {v.begin(), v.end()};
}

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

std::string heartbeat_key(int rank) {
  return fmt::format("mtbench/heartbeat/{}", rank);
}

// Collectives wait this long at most; liveness is the watchdog's job (a rank may validate for
// minutes while the others wait in a broadcast, which must not time out).
constexpr std::chrono::hours kCollectiveTimeout{12};
// A rank whose heartbeat has not changed for this long, after a collective failed, is the one
// that died (heartbeats come every second).
constexpr double kDeadAfterFailureSeconds = 3.0;

bool is_loopback(const std::string& addr) {
  return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

}  // namespace

DataParallelGroup::DataParallelGroup(const DistributedEnv& env, const torch::Device& device)
    : env_(env), beats_(static_cast<std::size_t>(env.world_size)) {
  backend_ = env.backend.empty() ? (device.is_cuda() ? "nccl" : "gloo") : env.backend;
  if (backend_ == "nccl") {
#ifndef MTBENCH_WITH_NCCL
    fail<ConfigError>(
        "backend nccl: this mtbench is built against a LibTorch without NCCL (a CPU build); use "
        "gloo (MTBENCH_DIST_BACKEND=gloo) or build against a CUDA LibTorch");
#endif
    if (!device.is_cuda()) fail<ConfigError>("backend nccl needs --device cuda (gloo trains on the CPU)");
  }
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(env_.timeout_seconds * 1000));
  c10d::TCPStoreOptions options;
  options.port = static_cast<std::uint16_t>(env_.master_port);
  options.isServer = env_.rank == 0;
  options.numWorkers = static_cast<std::size_t>(env_.world_size);
  options.waitWorkers = true;
  options.timeout = timeout;
  try {
    store_ = c10::make_intrusive<c10d::TCPStore>(env_.master_addr, options);
    if (backend_ == "gloo") {
      auto gloo = c10d::ProcessGroupGloo::Options::create(kCollectiveTimeout);
      if (const char* ifname = std::getenv("GLOO_SOCKET_IFNAME"); ifname && *ifname)
        gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (is_loopback(env_.master_addr))
        gloo->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else
        gloo->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      gloo->threads = 2;
      pg_ = c10::make_intrusive<c10d::ProcessGroupGloo>(store_, env_.rank, env_.world_size, gloo);
    } else {
#ifdef MTBENCH_WITH_NCCL
      auto nccl = c10d::ProcessGroupNCCL::Options::create();
      nccl->timeout = kCollectiveTimeout;
      pg_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(store_, env_.rank, env_.world_size, nccl);
#endif
    }
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail(
        "rank {} of {}: could not join the training group at {}:{} within {:.0f} s ({}); is every rank started, "
        "with the same MASTER_ADDR and MASTER_PORT?",
        env_.rank, env_.world_size, env_.master_addr, env_.master_port, env_.timeout_seconds, first_line(e.what()));
  }
  const double start = now_seconds();
  for (auto& beat : beats_) beat.changed_at = start;
  watchdog_ = std::thread([this] { watchdog_loop(); });
}

DataParallelGroup::~DataParallelGroup() {
  stop_watchdog_.store(true);
  if (watchdog_.joinable()) {
    if (failed_.load())
      watchdog_.detach();  // it may be blocked on a store whose host died; the process is ending
    else
      watchdog_.join();
  }
  if (failed_.load()) {
    // A process group with a dead peer can block in its destructor; the process is about to
    // exit with an error, so its resources are left to the operating system.
    (void)pg_.release();
    (void)store_.release();
  }
}

void DataParallelGroup::watchdog_loop() {
  // Its own connection: a TCPStore client serializes its requests, and the main thread's may
  // be blocked (a store wait inside a collective's rendezvous).
  c10::intrusive_ptr<c10d::Store> store;
  const auto timeout = std::chrono::milliseconds(static_cast<std::int64_t>(env_.timeout_seconds * 1000));
  std::int64_t counter = 0;
  double store_failing_since = 0;
  std::string store_error;
  while (!stop_watchdog_.load()) {
    try {
      if (!store) {
        c10d::TCPStoreOptions options;
        options.port = static_cast<std::uint16_t>(env_.master_port);
        options.isServer = false;
        options.waitWorkers = false;
        options.timeout = timeout;
        store = c10::make_intrusive<c10d::TCPStore>(env_.master_addr, options);
      }
      store->set(heartbeat_key(env_.rank), bytes_of(fmt::format("{} {}", ++counter, step_.load())));
      const double now = now_seconds();
      for (int r = 0; r < env_.world_size; ++r) {
        if (r == env_.rank) continue;
        const auto key = heartbeat_key(r);
        if (!store->check({key})) continue;
        const std::string value = string_of(store->get(key));
        std::lock_guard<std::mutex> lock(beats_mutex_);
        auto& beat = beats_[static_cast<std::size_t>(r)];
        if (value != beat.value) {
          beat.value = value;
          beat.changed_at = now;
        }
      }
      store_failing_since = 0;
    } catch (const std::exception& e) {
      if (stop_watchdog_.load()) return;
      store_error = first_line(e.what());
      if (store_failing_since == 0) store_failing_since = now_seconds();
      store_lost_.store(true);
      store.reset();
    }
    if (stop_watchdog_.load()) return;
    std::string detail;
    int silent = silent_rank(env_.timeout_seconds, detail);
    if (silent < 0 && store_failing_since > 0 && env_.rank != 0 &&
        now_seconds() - store_failing_since >= std::min(env_.timeout_seconds, 10.0)) {
      silent = 0;
      detail = fmt::format("the rendezvous store on rank 0 at {}:{} is unreachable: {}", env_.master_addr,
                           env_.master_port, store_error);
    }
    if (silent >= 0) {
      // The main thread may be blocked inside a collective that will never complete, where no
      // exception can reach it: the watchdog ends the process itself, with one line, as main
      // would. Checkpoints are written atomically, so nothing is left half-written.
      std::fprintf(stderr,
                   "\nmtbench: error: rank %d of the training group died or stopped responding (%s); rank %d "
                   "stops at step %lld. Continue with --resume.\n",
                   silent, detail.c_str(), env_.rank, static_cast<long long>(step_.load()));
      std::fflush(stderr);
      std::_Exit(1);
    }
    for (int i = 0; i < 10 && !stop_watchdog_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int DataParallelGroup::silent_rank(double min_silence_seconds, std::string& detail) {
  std::lock_guard<std::mutex> lock(beats_mutex_);
  const double now = now_seconds();
  for (int r = 0; r < env_.world_size; ++r) {
    if (r == env_.rank) continue;
    const auto& beat = beats_[static_cast<std::size_t>(r)];
    const double silence = now - beat.changed_at;
    if (silence >= min_silence_seconds) {
      const auto space = beat.value.find(' ');
      detail = fmt::format("no heartbeat for {:.0f} s, last at step {}", silence,
                           space == std::string::npos ? std::string("?") : beat.value.substr(space + 1));
      return r;
    }
  }
  return -1;
}

void DataParallelGroup::diagnose_and_throw(const char* what, const std::string& cause) {
  failed_.store(true);
  // The collective failed at once (a peer's socket closed): find the rank that stopped beating.
  const double deadline = now_seconds() + env_.timeout_seconds;
  std::string detail;
  int silent = -1;
  while (now_seconds() < deadline) {
    silent = silent_rank(kDeadAfterFailureSeconds, detail);
    if (silent >= 0) break;
    if (env_.rank != 0 && store_lost_.load()) {
      silent = 0;
      detail =
          fmt::format("the rendezvous store on rank 0 at {}:{} is unreachable", env_.master_addr, env_.master_port);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  stop_watchdog_.store(true);
  if (silent < 0) fail("rank {}: {} failed at step {} and no rank is silent: {}", env_.rank, what, step_.load(), cause);
  fail(
      "rank {} of the training group died or stopped responding ({}); rank {} stops at step {} ({} failed: {}). "
      "Continue with --resume.",
      silent, detail, env_.rank, step_.load(), what, cause);
}

template <typename F>
void DataParallelGroup::collective(const char* what, F&& run) {
  try {
    run();
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    diagnose_and_throw(what, first_line(e.what()));
  }
}

void DataParallelGroup::check_agreement(const std::map<std::string, std::string>& facts) {
  std::string mismatch;
  collective("start-up check", [&] {
    if (writer())
      for (const auto& [name, value] : facts) store_->set("mtbench/fact/" + name, bytes_of(value));
    for (const auto& [name, value] : facts) {
      const std::string theirs = string_of(store_->get("mtbench/fact/" + name));
      if (theirs != value && mismatch.empty())
        mismatch = fmt::format("rank {} differs from rank 0 in {}: '{}' where rank 0 has '{}'", env_.rank, name, value,
                               theirs);
    }
    store_->set(fmt::format("mtbench/fact-check/{}", env_.rank), bytes_of(mismatch));
    for (int r = 0; r < env_.world_size && mismatch.empty(); ++r)
      mismatch = string_of(store_->get(fmt::format("mtbench/fact-check/{}", r)));
  });
  if (!mismatch.empty())
    fail<ConfigError>(
        "the training processes disagree: {} (every rank must run the same mtbench, options, data "
        "and seed)",
        mismatch);
}

void DataParallelGroup::allreduce_sum(const std::vector<torch::Tensor>& tensors, std::int64_t bucket_bytes) {
  std::size_t i = 0;
  while (i < tensors.size()) {
    // One flat bucket of consecutive tensors of one dtype (at least one tensor).
    std::vector<torch::Tensor> flat;
    std::int64_t bytes = 0;
    std::size_t j = i;
    const auto dtype = tensors[i].scalar_type();
    while (j < tensors.size() && tensors[j].scalar_type() == dtype &&
           (j == i || bytes + tensors[j].nbytes() <= static_cast<std::uint64_t>(bucket_bytes))) {
      flat.push_back(tensors[j].reshape({-1}));
      bytes += static_cast<std::int64_t>(tensors[j].nbytes());
      ++j;
    }
    std::vector<torch::Tensor> bucket{torch::cat(flat)};
    collective("all-reduce", [&] { pg_->allreduce(bucket)->wait(); });
    std::int64_t offset = 0;
    for (std::size_t k = i; k < j; ++k) {
      const auto n = tensors[k].numel();
      tensors[k].copy_(bucket[0].narrow(0, offset, n).view_as(tensors[k]));
      offset += n;
    }
    i = j;
  }
}

void DataParallelGroup::broadcast_module(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> all;
  for (auto& p : module.parameters()) all.push_back(p);
  for (auto& b : module.buffers()) all.push_back(b);
  for (auto& t : all) {
    std::vector<torch::Tensor> one{t.detach()};
    collective("broadcast of the initial model", [&] { pg_->broadcast(one)->wait(); });
  }
}

std::string DataParallelGroup::broadcast_bytes(const std::string& bytes) {
  std::vector<torch::Tensor> size{torch::tensor({static_cast<std::int64_t>(bytes.size())}, torch::kInt64)};
  collective("broadcast", [&] { pg_->broadcast(size)->wait(); });
  const auto n = size[0].item<std::int64_t>();
  auto buffer = torch::empty({n}, torch::kUInt8);
  if (writer() && n > 0) std::memcpy(buffer.data_ptr(), bytes.data(), static_cast<std::size_t>(n));
  std::vector<torch::Tensor> data{buffer};
  if (n > 0) collective("broadcast", [&] { pg_->broadcast(data)->wait(); });
  return std::string(static_cast<const char*>(data[0].data_ptr()), static_cast<std::size_t>(n));
}

void DataParallelGroup::barrier() {
  collective("barrier", [&] { pg_->barrier()->wait(); });
}

void DataParallelGroup::finish() {
  barrier();  // everyone is done training, the watchdog still watching
  stop_watchdog_.store(true);
  if (watchdog_.joinable()) watchdog_.join();
  barrier();  // every watchdog has stopped: rank 0 may now exit and take the store with it
}

std::unique_ptr<DataParallelGroup> join_data_parallel_group(const torch::Device& device) {
  const DistributedEnv env = distributed_env();
  if (!env.distributed()) return nullptr;
  return std::make_unique<DataParallelGroup>(env, device);
}

}  // namespace mtbench::neural
