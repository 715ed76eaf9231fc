#pragma once
// The abstract encoder-decoder every neural system implements (RNN with attention,
// Transformer), so that training, greedy decoding and beam search are written once.
//
// Incremental decoding keeps all per-hypothesis tensors batch-first in a DecoderState, so
// beam search can expand, reorder and prune hypotheses with one index_select per tensor
// without knowing what they are (RNN hidden states, attention keys, Transformer caches).

#include <vector>

#include <torch/torch.h>

namespace mtbench::neural {

// The decoder's incremental state for a batch of hypotheses.
struct DecoderState {
  std::vector<torch::Tensor> tensors;  // model-specific; every tensor has dim 0 = hypothesis
  torch::Tensor source_mask;           // [batch, src_len] bool, true at real source tokens

  // Keeps/repeats rows: row r of the new state is row index[r] of the old one.
  void select(const torch::Tensor& index) {
    for (auto& t : tensors)
      if (t.defined()) t = t.index_select(0, index);
    source_mask = source_mask.index_select(0, index);
  }
};

// What one decoder step returns.
struct StepOutput {
  torch::Tensor log_probs;  // [batch, vocab] log-probabilities of the next token
  torch::Tensor attention;  // [batch, src_len] attention over the source (undefined if none)
};

class EncoderDecoder {
 public:
  virtual ~EncoderDecoder() = default;

  // Encodes a padded source batch and returns the decoder's initial state.
  // source: [batch, src_len] int64; source_mask: [batch, src_len] bool.
  virtual DecoderState start(const torch::Tensor& source, const torch::Tensor& source_mask) = 0;

  // One decoder step: consumes the previous tokens [batch] and advances `state` in place.
  virtual StepOutput step(const torch::Tensor& previous, DecoderState& state) = 0;

  // Teacher-forced pass over whole targets: logits [batch, tgt_len, vocab] (unnormalized).
  // target_in: [batch, tgt_len] int64 (bos + target).
  virtual torch::Tensor forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                                const torch::Tensor& target_in) = 0;

  // The module holding every parameter (train/eval mode, device moves, serialization).
  virtual torch::nn::Module& module() = 0;
};

}  // namespace mtbench::neural
