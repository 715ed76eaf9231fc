#include "systems/neural/threads.h"

#include <torch/torch.h>

#include "base/error.h"

namespace mtbench::neural {

void set_torch_threads(int threads) {
  if (threads <= 0) return;
  torch::set_num_threads(threads);
  // Inter-op threads can only be set once per process, before any parallel work.
  static bool inter_op_set = false;
  if (!inter_op_set) {
    inter_op_set = true;
    try {
      torch::set_num_interop_threads(threads);
    } catch (const std::exception&) {
      // Already started (e.g. a second call from a test): keep LibTorch's choice.
    }
  }
}

torch::Device resolve_device(const std::string& name) {
  if (name.empty() || name == "cpu") return torch::kCPU;
  if (name == "cuda") {
    if (!torch::cuda::is_available())
      fail<ConfigError>("--device cuda: this LibTorch build has no usable CUDA device (use --device cpu)");
    return torch::kCUDA;
  }
  fail<ConfigError>("unknown device '{}' (valid: cpu, cuda)", name);
}

}  // namespace mtbench::neural
