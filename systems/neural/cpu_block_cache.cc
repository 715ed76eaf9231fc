#include "systems/neural/cpu_block_cache.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <limits>

#include <c10/core/CPUAllocator.h>

#include "base/error.h"

namespace mtbench::neural {

CpuBlockCache::CpuBlockCache(c10::Allocator* fallback, std::size_t limit) : fallback_(fallback), limit_(limit) {
  if (!fallback_) fail("CpuBlockCache: no fallback allocator");
}

CpuBlockCache::~CpuBlockCache() {
  release_cached();
}

std::size_t CpuBlockCache::block_size(std::size_t n) {
  if (n < kMinBlock) fail("CpuBlockCache::block_size: {} bytes is below the cached minimum {}", n, kMinBlock);
  if (n > (std::numeric_limits<std::size_t>::max() >> 2)) fail("CPU allocation of {} bytes is too large", n);
  // Four classes per power of two: 2^k, 1.25 * 2^k, 1.5 * 2^k, 1.75 * 2^k.
  const int k = 63 - __builtin_clzll(static_cast<unsigned long long>(n));  // floor(log2(n))
  const std::size_t step = std::size_t{1} << (k - 2);
  return (n + step - 1) & ~(step - 1);
}

c10::DataPtr CpuBlockCache::allocate(std::size_t n) const {
  if (n < kMinBlock) return fallback_->allocate(n);
  const std::size_t size = block_size(n);
  Header* header = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = free_.find(size);
    if (it != free_.end() && !it->second.empty()) {
      header = it->second.back();
      it->second.pop_back();
      stats_.cached_bytes -= size;
      ++stats_.hits;
    } else {
      ++stats_.misses;
    }
    stats_.in_use_bytes += size;
    stats_.peak_in_use_bytes = std::max(stats_.peak_in_use_bytes, stats_.in_use_bytes);
  }
  if (!header) {
    void* raw = nullptr;
    if (posix_memalign(&raw, kAlignment, kHeaderBytes + size) != 0) {
      // Out of memory with blocks waiting here: give them back and try once more.
      const_cast<CpuBlockCache*>(this)->release_cached();
      if (posix_memalign(&raw, kAlignment, kHeaderBytes + size) != 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        stats_.in_use_bytes -= size;
        fail("out of memory: could not allocate {} bytes for a tensor", size);
      }
    }
    header = static_cast<Header*>(raw);
    header->owner = const_cast<CpuBlockCache*>(this);
    header->size = size;
  }
  void* data = reinterpret_cast<char*>(header) + kHeaderBytes;
  return {data, data, &CpuBlockCache::free_block, c10::Device(c10::DeviceType::CPU)};
}

c10::DeleterFnPtr CpuBlockCache::raw_deleter() const {
  return &CpuBlockCache::free_block;
}

void CpuBlockCache::free_block(void* data) {
  if (!data) return;
  auto* header = reinterpret_cast<Header*>(static_cast<char*>(data) - kHeaderBytes);
  header->owner->put_back(header);
}

void CpuBlockCache::put_back(Header* header) {
  const std::size_t size = header->size;
  std::lock_guard<std::mutex> lock(mutex_);
  stats_.in_use_bytes -= size;
  if (size > limit_) {  // never fits: straight back to the system
    ++stats_.released;
    std::free(header);
    return;
  }
  evict_locked(size);
  free_[size].push_back(header);
  stats_.cached_bytes += size;
}

void CpuBlockCache::evict_locked(std::size_t needed) {
  while (stats_.cached_bytes + needed > limit_ && stats_.cached_bytes > 0) {
    auto largest = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it)
      if (!it->second.empty() && (largest == free_.end() || it->first > largest->first)) largest = it;
    Header* header = largest->second.back();
    largest->second.pop_back();
    stats_.cached_bytes -= largest->first;
    ++stats_.released;
    std::free(header);
  }
}

void CpuBlockCache::release_cached() {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [size, blocks] : free_) {
    for (Header* header : blocks) std::free(header);
    blocks.clear();
  }
  stats_.cached_bytes = 0;
}

CpuBlockCache::Stats CpuBlockCache::stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return stats_;
}

namespace {
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kUnderAddressSanitizer = true;
#else
constexpr bool kUnderAddressSanitizer = false;
#endif
#else
constexpr bool kUnderAddressSanitizer = false;
#endif

std::atomic<CpuBlockCache*> g_installed{nullptr};  // never destroyed: tensors may outlive every static
}  // namespace

std::size_t cpu_block_cache_limit(const char* env, std::size_t default_bytes) {
  if (!env || !*env) return default_bytes;
  char* end = nullptr;
  errno = 0;
  const unsigned long long mib = std::strtoull(env, &end, 10);
  if (*end != '\0' || end == env || env[0] == '-' || errno == ERANGE || mib > (std::size_t{1} << 40))
    fail<ConfigError>("MTBENCH_CPU_BLOCK_CACHE='{}': expected the cache limit in MiB (0 = no cache)", env);
  return static_cast<std::size_t>(mib) << 20;
}

CpuBlockCache* install_cpu_block_cache(std::size_t limit_bytes) {
  static std::once_flag once;
  std::call_once(once, [limit_bytes] {
    // Under AddressSanitizer the cache is off unless asked for: a cached block is never
    // poisoned, so a tensor used after its release would go unnoticed.
    const std::size_t default_limit = kUnderAddressSanitizer ? 0 : limit_bytes;
    const std::size_t limit = cpu_block_cache_limit(std::getenv("MTBENCH_CPU_BLOCK_CACHE"), default_limit);
    if (limit == 0) return;
    auto* cache = new CpuBlockCache(c10::GetCPUAllocator(), limit);
    c10::SetCPUAllocator(cache, /*priority=*/1);  // above LibTorch's default (0)
    g_installed = cache;
  });
  return g_installed.load();
}

CpuBlockCache* installed_cpu_block_cache() {
  return g_installed.load();
}

}  // namespace mtbench::neural
