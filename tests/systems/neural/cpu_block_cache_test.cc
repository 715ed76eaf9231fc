// The CPU block cache under LibTorch's tensors: size classes, reuse, the limit, the raw
// interface, threads, and training that is bit-identical with and without it.
#ifdef MTBENCH_HAVE_TORCH

#include "systems/neural/cpu_block_cache.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <thread>

#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "base/error.h"

namespace mtbench::neural {
namespace {

constexpr std::size_t kKiB = 1024, kMiB = 1024 * 1024;

// Counts what reaches LibTorch's default allocator.
struct CountingAllocator final : c10::Allocator {
  mutable std::atomic<int> calls{0};
  c10::DataPtr allocate(std::size_t n) const override {
    ++calls;
    return c10::GetDefaultCPUAllocator()->allocate(n);
  }
};

TEST(CpuBlockCache, SizeClassesAreFourPerPowerOfTwo) {
  EXPECT_EQ(CpuBlockCache::block_size(256 * kKiB), 256 * kKiB);
  EXPECT_EQ(CpuBlockCache::block_size(256 * kKiB + 1), 320 * kKiB);
  EXPECT_EQ(CpuBlockCache::block_size(384 * kKiB), 384 * kKiB);
  EXPECT_EQ(CpuBlockCache::block_size(449 * kKiB), 512 * kKiB);
  EXPECT_EQ(CpuBlockCache::block_size(kMiB - 1), kMiB);
  EXPECT_EQ(CpuBlockCache::block_size(96 * kMiB), 96 * kMiB);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::size_t> size(CpuBlockCache::kMinBlock, std::size_t{1} << 34);
  for (int i = 0; i < 10000; ++i) {
    const std::size_t n = size(rng);
    const std::size_t b = CpuBlockCache::block_size(n);
    ASSERT_GE(b, n);
    ASSERT_LT(static_cast<double>(b), 1.25 * static_cast<double>(n) + 1) << n;
    ASSERT_EQ(CpuBlockCache::block_size(b), b) << "a class is its own class: " << n;
    ASSERT_EQ(b % CpuBlockCache::kAlignment, 0u);
  }
  EXPECT_THROW(CpuBlockCache::block_size(CpuBlockCache::kMinBlock - 1), Error);
  EXPECT_THROW(CpuBlockCache::block_size(std::numeric_limits<std::size_t>::max()), Error);
}

TEST(CpuBlockCache, ReusesAFreedBlockForARequestOfItsClass) {
  CountingAllocator fallback;
  CpuBlockCache cache(&fallback, 64 * kMiB);
  void* first = nullptr;
  {
    c10::DataPtr a = cache.allocate(kMiB);
    first = a.get();
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % CpuBlockCache::kAlignment, 0u);
    std::memset(first, 1, kMiB);  // the whole block is writable
    EXPECT_EQ(cache.stats().in_use_bytes, kMiB);
  }
  EXPECT_EQ(cache.stats().cached_bytes, kMiB);
  EXPECT_EQ(cache.stats().in_use_bytes, 0u);
  {
    c10::DataPtr same_class = cache.allocate(kMiB - 1000);
    EXPECT_EQ(same_class.get(), first);
    c10::DataPtr other_class = cache.allocate(2 * kMiB);  // the cache has none: a new block
    EXPECT_NE(other_class.get(), first);
    EXPECT_EQ(cache.stats().peak_in_use_bytes, 3 * kMiB);
  }
  const auto s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.cached_bytes, 3 * kMiB);
  EXPECT_EQ(fallback.calls.load(), 0);
  cache.release_cached();
  EXPECT_EQ(cache.stats().cached_bytes, 0u);
  c10::DataPtr fresh = cache.allocate(kMiB);
  EXPECT_EQ(cache.stats().misses, 3u);
}

TEST(CpuBlockCache, SmallBlocksGoToTheFallbackAllocator) {
  CountingAllocator fallback;
  CpuBlockCache cache(&fallback, 64 * kMiB);
  {
    c10::DataPtr small = cache.allocate(CpuBlockCache::kMinBlock - 1);
    c10::DataPtr empty = cache.allocate(0);
    EXPECT_NE(small.get(), nullptr);
  }
  EXPECT_EQ(fallback.calls.load(), 2);
  EXPECT_EQ(cache.stats().hits + cache.stats().misses, 0u);
  EXPECT_EQ(cache.stats().cached_bytes, 0u);
}

TEST(CpuBlockCache, TheLimitSendsTheLargestBlocksBack) {
  CountingAllocator fallback;
  CpuBlockCache cache(&fallback, 3 * kMiB);
  {
    c10::DataPtr a = cache.allocate(2 * kMiB);
    c10::DataPtr b = cache.allocate(kMiB);
    c10::DataPtr c = cache.allocate(kMiB);
    c10::DataPtr huge = cache.allocate(4 * kMiB);  // larger than the limit: never cached
  }
  // Freed in reverse order: huge (above the limit) goes back; c and b are cached (2 MiB);
  // a (2 MiB) fits only after one of them goes (the largest cached class: 1 MiB).
  auto s = cache.stats();
  EXPECT_LE(s.cached_bytes, 3 * kMiB);
  EXPECT_EQ(s.in_use_bytes, 0u);
  EXPECT_EQ(s.released, 2u);  // huge, and one 1 MiB block to make room for a
  EXPECT_EQ(s.cached_bytes, 3 * kMiB);
  // What stayed is reused: a 2 MiB and a 1 MiB request are both hits.
  c10::DataPtr a = cache.allocate(2 * kMiB);
  c10::DataPtr b = cache.allocate(kMiB);
  EXPECT_EQ(cache.stats().hits, 2u);
}

TEST(CpuBlockCache, RawInterfaceRoundTrips) {
  CountingAllocator fallback;
  CpuBlockCache cache(&fallback, 64 * kMiB);
  ASSERT_NE(cache.raw_deleter(), nullptr);
  void* p = cache.raw_allocate(kMiB);
  std::memset(p, 0, kMiB);
  cache.raw_deallocate(p);
  EXPECT_EQ(cache.stats().cached_bytes, kMiB);
  void* q = cache.raw_allocate(kMiB);
  EXPECT_EQ(q, p);
  cache.raw_deallocate(q);
}

TEST(CpuBlockCache, ThreadsShareItSafely) {
  CountingAllocator fallback;
  CpuBlockCache cache(&fallback, 32 * kMiB);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      std::mt19937 rng(t);
      std::uniform_int_distribution<std::size_t> size(CpuBlockCache::kMinBlock, 4 * kMiB);
      std::vector<c10::DataPtr> held;
      for (int i = 0; i < 400; ++i) {
        held.push_back(cache.allocate(size(rng)));
        static_cast<char*>(held.back().get())[0] = static_cast<char>(i);
        if (held.size() > 3) held.erase(held.begin() + static_cast<std::ptrdiff_t>(rng() % held.size()));
      }
    });
  }
  for (auto& th : threads) th.join();
  const auto s = cache.stats();
  EXPECT_EQ(s.in_use_bytes, 0u);
  EXPECT_LE(s.cached_bytes, 32 * kMiB);
  EXPECT_EQ(s.hits + s.misses, 1600u);
  EXPECT_GT(s.hits, 0u);
}

TEST(CpuBlockCache, LimitFromTheEnvironment) {
  EXPECT_EQ(cpu_block_cache_limit(nullptr, 5), 5u);
  EXPECT_EQ(cpu_block_cache_limit("", 5), 5u);
  EXPECT_EQ(cpu_block_cache_limit("0", 5), 0u);
  EXPECT_EQ(cpu_block_cache_limit("2048", 5), 2048 * kMiB);
  for (const char* bad : {"lots", "12x", "-1", "99999999999999999999999"}) {
    try {
      cpu_block_cache_limit(bad, 5);
      ADD_FAILURE() << bad;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
}

// A few updates of a small network with dropout: the gradients and parameters are the
// same bits with LibTorch's own allocator and with the cache (memory reuse changes where
// tensors live, never what they hold), and the cache served LibTorch's tensors.
std::vector<torch::Tensor> train_small_network() {
  torch::manual_seed(3);
  torch::nn::Sequential net(torch::nn::Linear(256, 512), torch::nn::ReLU(), torch::nn::Dropout(0.3),
                            torch::nn::Linear(512, 300));
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(1e-3));
  for (int step = 0; step < 5; ++step) {
    auto x = torch::randn({400, 256});  // [batch, in]: 400 KB, a cached block
    auto target = torch::randint(0, 300, {400});
    auto loss = torch::nn::functional::cross_entropy(net->forward(x), target);
    adam.zero_grad();
    loss.backward();
    adam.step();
  }
  std::vector<torch::Tensor> out;
  for (const auto& p : net->parameters()) out.push_back(p.detach().clone());
  return out;
}

TEST(CpuBlockCache, TrainingIsBitIdenticalWithTheCacheInstalled) {
  const auto reference = train_small_network();
  // Installed for the rest of this test process (ctest runs each test in its own), with the
  // limit from the environment as mtbench does; set here because the cache is off by default
  // under AddressSanitizer and the environment could turn it off.
  setenv("MTBENCH_CPU_BLOCK_CACHE", "256", 1);
  CpuBlockCache* cache = install_cpu_block_cache();
  ASSERT_NE(cache, nullptr);
  ASSERT_EQ(c10::GetCPUAllocator(), cache);
  const auto with_cache = train_small_network();
  ASSERT_EQ(with_cache.size(), reference.size());
  for (std::size_t i = 0; i < reference.size(); ++i) EXPECT_TRUE(torch::equal(with_cache[i], reference[i])) << i;
  EXPECT_GT(cache->stats().hits, 0u);
  EXPECT_EQ(install_cpu_block_cache(), cache);  // once per process
  EXPECT_EQ(installed_cpu_block_cache(), cache);
}

}  // namespace
}  // namespace mtbench::neural

#endif  // MTBENCH_HAVE_TORCH
