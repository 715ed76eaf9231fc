#pragma once
// How training examples are grouped into batches (systems/neural/batching.h), free of LibTorch.

namespace mtbench::neural {

// How batches are formed.
struct BatchingOptions {
  int max_tokens = 4000;    // budget: sentences * max(padded source, padded target + 1) per batch
  int max_sentences = 512;  // cap on sentences per batch
  int pool_batches = 100;   // length sorting happens inside pools of this many batches
  bool shuffle = true;      // shuffle pools and batch order (false: input order, for evaluation)
};

}  // namespace mtbench::neural
