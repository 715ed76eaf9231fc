#pragma once

namespace mtbench::neural {

// Sets LibTorch's intra-op (and inter-op, once) thread counts. Debian's LibTorch defaults
// to a single intra-op thread, which wastes every other core.
void set_torch_threads(int threads);

}  // namespace mtbench::neural
