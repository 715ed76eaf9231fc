#pragma once
// Attention of the RNN decoder over the encoder annotations h_j.
//
// "bahdanau": the additive score of Bahdanau et al. (2014), appendix A.1.2:
//   e_ij = v^T tanh(W s_{i-1} + U h_j); the key projection U h_j does not depend on the
//   decoder state, so keys() computes it once per batch and every step reuses it.
// "general" / "dot": the multiplicative scores of Luong et al. (2015), section 3.1:
//   s^T W_a h_j and s^T h_j. Deliberate difference: here they score the previous decoder
//   state s_{i-1} inside Bahdanau's decoder (Luong's model scores the current state and feeds
//   the attentional vector back), so that only the scoring function changes in comparisons.
// Padded source positions get a score of -inf, hence exactly zero weight.

#include <string>
#include <utility>

#include <torch/torch.h>

namespace mtbench::rnn_attention {

class AttentionImpl : public torch::nn::Module {
 public:
  // kind: "bahdanau", "general" or "dot"; "dot" needs query_dim == memory_dim.
  AttentionImpl(std::string kind, int query_dim, int memory_dim, int attention_dim);

  // Step-independent keys of the memory: [batch, src_len, memory_dim] -> [batch, src_len, key_dim].
  torch::Tensor keys(const torch::Tensor& memory);

  // Context and weights for one step.
  // query: [batch, query_dim]; keys: from keys(); memory: [batch, src_len, memory_dim];
  // mask: [batch, src_len] bool (true = real token).
  // Returns context [batch, memory_dim] and weights [batch, src_len] (rows sum to 1).
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& query, const torch::Tensor& keys,
                                                  const torch::Tensor& memory, const torch::Tensor& mask);

  const std::string& kind() const { return kind_; }

 private:
  std::string kind_;                  // scoring function
  torch::nn::Linear query_{nullptr};  // W (bahdanau; with the bias of the tanh layer)
  torch::nn::Linear key_{nullptr};    // U (bahdanau) or W_a (general); unused for dot
  torch::nn::Linear v_{nullptr};      // v (bahdanau)
};
TORCH_MODULE(Attention);

}  // namespace mtbench::rnn_attention
