#pragma once

#include <string>

#include <torch/torch.h>

namespace mtbench::neural {

// Sets LibTorch's intra-op (and inter-op, once) thread counts. Debian's LibTorch defaults
// to a single intra-op thread, which wastes every other core.
void set_torch_threads(int threads);

// "cpu" (or empty) or "cuda" as a torch device; ConfigError when CUDA is asked for but this
// LibTorch build has no usable CUDA device, or for any other name.
torch::Device resolve_device(const std::string& name);

}  // namespace mtbench::neural
