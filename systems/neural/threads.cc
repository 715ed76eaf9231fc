#include "systems/neural/threads.h"

#include <torch/torch.h>

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

}  // namespace mtbench::neural
