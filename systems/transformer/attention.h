#pragma once
// Multi-head scaled dot-product attention (Vaswani et al. 2017, sec. 3.2), written out rather
// than taken from torch::nn::MultiheadAttention so that (1) the weights of every head come
// back from the same pass that computes the output (the report draws them), (2) keys and
// values of a decoder prefix can be cached for incremental decoding, and (3) the encoder's
// keys/values for cross-attention are projected once per sentence.
//
// Masks are additive biases (0 or -inf) broadcast over heads: a key padding bias
// [batch, 1, 1, key_len] and/or a causal bias [query_len, key_len]; exp(-inf) = 0, so masked
// positions get exactly zero weight. Every query row must keep at least one key.

#include <string>
#include <tuple>

#include <torch/torch.h>

namespace mtbench::transformer {

// "[2, 3, 4]": a tensor's shape for error messages.
std::string shape_of(const torch::Tensor& t);

// Additive key padding bias [batch, 1, 1, key_len] from a mask [batch, key_len] (true = real).
torch::Tensor padding_bias(const torch::Tensor& key_mask);
// Additive causal bias [length, length]: query i sees keys 0..i.
torch::Tensor causal_bias(std::int64_t length, const torch::Device& device);

class MultiHeadAttentionImpl : public torch::nn::Module {
 public:
  MultiHeadAttentionImpl(std::int64_t dim, std::int64_t heads, double dropout);

  // Projections, usable separately so callers can cache keys/values.
  // x: [batch, len, dim] -> [batch, heads, len, head_dim]
  torch::Tensor project_query(const torch::Tensor& x);
  // x: [batch, len, dim] -> keys and values, each [batch, heads, len, head_dim]
  std::pair<torch::Tensor, torch::Tensor> project_key_value(const torch::Tensor& x);
  // Self-attention projections in one matrix product: q, k, v each [batch, heads, len, head_dim].
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> project_qkv(const torch::Tensor& x);

  // Attends projected queries q [batch, heads, q_len, head_dim] over k, v [batch, heads, k_len,
  // head_dim] with an additive `bias` broadcastable to [batch, heads, q_len, k_len] (undefined
  // = none). Returns the output [batch, q_len, dim] and, when `weights` is not null, stores the
  // attention probabilities [batch, heads, q_len, k_len] there (before dropout).
  torch::Tensor attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                       const torch::Tensor& bias, torch::Tensor* weights = nullptr);

  // Convenience: self-attention of x [batch, len, dim]. `queries`/`keys`, when not null,
  // receive the projected q and k [batch, heads, len, head_dim] (unscaled; the neuron view).
  torch::Tensor self_attention(const torch::Tensor& x, const torch::Tensor& bias, torch::Tensor* weights = nullptr,
                               torch::Tensor* queries = nullptr, torch::Tensor* keys = nullptr) {
    auto [q, k, v] = project_qkv(x);
    if (queries) *queries = q;
    if (keys) *keys = k;
    return attend(q, k, v, bias, weights);
  }

  std::int64_t heads() const { return heads_; }

 private:
  torch::Tensor split_heads(const torch::Tensor& x) const;  // [b, len, dim] -> [b, heads, len, head_dim]

  std::int64_t dim_, heads_, head_dim_;
  double dropout_;
  torch::Tensor in_weight_;         // [3 dim, dim]: W_Q, W_K, W_V stacked (as torch's MultiheadAttention)
  torch::Tensor in_bias_;           // [3 dim]
  torch::nn::Linear out_{nullptr};  // W_O
};
TORCH_MODULE(MultiHeadAttention);

}  // namespace mtbench::transformer
