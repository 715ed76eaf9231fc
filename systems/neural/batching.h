#pragma once
// Batching by token count with length bucketing (as fairseq/Marian do): examples are sorted
// by length inside large shuffled pools so that a batch holds similar lengths (little
// padding), then cut so that batch_size * padded_length stays under a token budget; the
// batch order is shuffled. The order of an epoch depends only on (seed, epoch), so a resumed
// run sees exactly the batches the interrupted one would have seen.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/batching_options.h"
#include "systems/neural/example_set.h"
#include "systems/neural/vocabulary.h"

namespace mtbench::neural {

// Indices of `examples` per batch for one epoch.
std::vector<std::vector<std::size_t>> make_batches(const ExampleSet& examples, const BatchingOptions& options,
                                                   std::uint64_t seed, std::int64_t epoch);

// Data parallelism: the share of the batch `indices` that rank `rank` of `world` trains on,
// contiguous and balanced by target tokens (the examples whose first target token falls in
// the rank's equal part of the batch's tokens). Deterministic; empty when the batch has fewer
// examples than ranks. The shares of all ranks partition `indices` in order.
std::vector<std::size_t> shard_batch(const ExampleSet& examples, const std::vector<std::size_t>& indices, int rank,
                                     int world);

// A padded batch on a device.
struct Batch {
  torch::Tensor source;            // [batch, src_len] int64, pad-filled
  torch::Tensor source_mask;       // [batch, src_len] bool, true at real tokens
  torch::Tensor target_in;         // [batch, tgt_len] bos + target (decoder input, teacher forcing)
  torch::Tensor target_out;        // [batch, tgt_len] target + eos (what is predicted), pad-filled
  std::int64_t source_tokens = 0;  // real source tokens
  std::int64_t target_tokens = 0;  // predicted tokens (target + eos)
};

// Pads the selected examples into tensors on `device`.
Batch collate(const ExampleSet& examples, const std::vector<std::size_t>& indices, const SpecialIds& ids,
              const torch::Device& device);

// Pads source sequences alone (for translation): [batch, max_len] ids and mask.
std::pair<torch::Tensor, torch::Tensor> pad_sources(const std::vector<const std::vector<std::int64_t>*>& sources,
                                                    const SpecialIds& ids, const torch::Device& device);

// [batch, max_len] bool mask, true where position < length.
torch::Tensor padding_mask(const torch::Tensor& lengths, std::int64_t max_len);

}  // namespace mtbench::neural
