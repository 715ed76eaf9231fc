// All-reduce bandwidth of the data-parallel group (systems/neural/distributed.h) between
// processes of this host: run as every rank of a group (bench/data_parallel.sh starts two),
// it sums float32 tensors of growing size over the ranks and prints, per size, the time per
// all-reduce and two bandwidths as nccl-tests define them: algorithm bandwidth (bytes / time)
// and bus bandwidth (algbw * 2 (n-1) / n, what each link carries in a ring all-reduce).

#include <chrono>
#include <cstdio>

#include <torch/torch.h>

#include "systems/neural/distributed.h"

int main() {
  using namespace mtbench;
  try {
    auto group = neural::join_data_parallel_group(torch::kCPU);
    if (!group) {
      std::fprintf(stderr,
                   "allreduce_bench: run it as a rank of a group (WORLD_SIZE > 1; see bench/data_parallel.sh)\n");
      return 2;
    }
    const int n = group->world_size();
    for (const std::int64_t mib : {1, 4, 16, 64}) {
      std::vector<torch::Tensor> tensors{torch::ones({mib * (1 << 20) / 4})};
      group->allreduce_sum(tensors, 256 << 20);  // warm-up: connections, buffers
      const int reps = mib >= 64 ? 5 : 20;
      group->barrier();
      const auto start = std::chrono::steady_clock::now();
      for (int r = 0; r < reps; ++r) group->allreduce_sum(tensors, 256 << 20);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / reps;
      const double bytes = static_cast<double>(mib) * (1 << 20);
      if (group->writer())
        std::printf("allreduce_mib=%lld ms=%.2f algbw_gbps=%.2f busbw_gbps=%.2f\n", static_cast<long long>(mib),
                    1000 * seconds, bytes / seconds / 1e9, bytes / seconds / 1e9 * 2.0 * (n - 1) / n);
    }
    group->finish();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "allreduce_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
