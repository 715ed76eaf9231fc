#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

#include <c10/core/Allocator.h>

namespace mtbench::neural {

// A LibTorch CPU allocator that keeps freed large blocks and hands them out again.
//
// Why: glibc serves a block above its mmap threshold (32 MiB at most) with a fresh mmap and
// gives it back with munmap, and malloc_trim returns the free pages of smaller ones; the
// kernel then faults in and zeroes every page again when the next update touches it. An
// update of the quick RNN (2 threads) took 60,000 page faults, more than half its time in the
// kernel, on the virtual machines this project runs on (with the cache: 3,800, and 2.2x the
// updates per second; bench/block_cache_bench.sh). PyTorch's CUDA caching
// allocator exists for the same reason on the GPU; this is that idea for the CPU, kept small:
// blocks of kMinBlock bytes or more are rounded up to one of four size classes per power of
// two (at most 25% larger than asked), and freed blocks wait in a list per class until a
// request of their class takes them, up to `limit` bytes; beyond it the largest cached blocks
// go back to the system. A limit of the peak bytes in use
// was tried and is too small: backward frees the forward pass's blocks while asking for
// other classes, so the RNN's full preset gave 4,276 blocks back in 60 updates and made as
// many page faults as no cache at all; with 4 GiB none went back (1.8 GB cached; the process
// peaked at 2.1 GB against 1.7 GB without the cache). Smaller blocks go to the allocator that
// was installed before (glibc's heap keeps them).
class CpuBlockCache final : public c10::Allocator {
 public:
  static constexpr std::size_t kMinBlock = std::size_t{256} << 10;  // 256 KiB
  static constexpr std::size_t kAlignment = 64;                     // c10's gAlignment

  // fallback: serves blocks below kMinBlock (LibTorch's default CPU allocator). A cache must
  // outlive every block it hands out (the installed one is never destroyed).
  CpuBlockCache(c10::Allocator* fallback, std::size_t limit);
  ~CpuBlockCache() override;

  c10::DataPtr allocate(std::size_t n) const override;
  c10::DeleterFnPtr raw_deleter() const override;

  // The size class a request of n >= kMinBlock bytes is served from.
  static std::size_t block_size(std::size_t n);

  // Gives every cached block back to the system (blocks in use are not touched).
  void release_cached();

  struct Stats {
    std::uint64_t hits = 0;             // blocks served from the cache
    std::uint64_t misses = 0;           // blocks allocated from the system
    std::size_t cached_bytes = 0;       // bytes waiting in the cache now
    std::size_t in_use_bytes = 0;       // bytes of cached-size blocks held by tensors now
    std::uint64_t released = 0;         // blocks given back to the system to respect the limit
    std::size_t peak_in_use_bytes = 0;  // the most in_use_bytes seen
  };
  Stats stats() const;

 private:
  // Each block starts with a header naming its cache and size class; tensors get the bytes
  // after it, so the deleter needs no lookup and the raw interface works (context = data).
  struct Header {
    CpuBlockCache* owner;
    std::size_t size;  // the size class (bytes after the header)
  };
  static constexpr std::size_t kHeaderBytes = kAlignment;
  static_assert(sizeof(Header) <= kHeaderBytes);

  static void free_block(void* data);  // the DataPtr deleter of cached-size blocks
  void put_back(Header* header);
  void evict_locked(std::size_t needed);  // frees the largest cached blocks until needed bytes fit

  c10::Allocator* fallback_;
  std::size_t limit_;
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::size_t, std::vector<Header*>> free_;  // size class -> blocks
  mutable Stats stats_;
};

// Makes a process-wide CpuBlockCache LibTorch's CPU allocator, once; limit_bytes as in the
// class. MTBENCH_CPU_BLOCK_CACHE=N in the environment sets the limit to N MiB instead, and
// N = 0 leaves LibTorch's own allocator (for measuring the difference). Returns the cache, or
// nullptr when it is off.
CpuBlockCache* install_cpu_block_cache(std::size_t limit_bytes = std::size_t{4} << 30);

// The limit MTBENCH_CPU_BLOCK_CACHE's value asks for (MiB; 0 = no cache), default_bytes when
// env is null or empty; ConfigError naming the value otherwise.
std::size_t cpu_block_cache_limit(const char* env, std::size_t default_bytes);

// The cache install_cpu_block_cache installed, or nullptr.
CpuBlockCache* installed_cpu_block_cache();

}  // namespace mtbench::neural
