#pragma once
// Encoder and decoder layers of the Transformer (Vaswani et al. 2017, sec. 3.1) with the two
// residual arrangements the report compares:
//  - post-norm (the paper): x = LayerNorm(x + Dropout(Sublayer(x)));
//  - pre-norm (Xiong et al. 2020, "On Layer Normalization in the Transformer Architecture"):
//    x = x + Dropout(Sublayer(LayerNorm(x))), with a final LayerNorm after the stack (the
//    model applies it), which trains stably without a long warmup.
// Either arrangement normalises with LayerNorm (the paper) or ScaleNorm (Nguyen & Salazar 2019,
// "Transformers without Tears", sec. 2.2), which they found better at low resource.
// The decoder layer runs either over a whole target prefix with a causal mask (training, and
// the recomputing decoder used as the benchmark baseline) or one position at a time with
// cached self-attention keys/values (incremental decoding).

#include <torch/torch.h>

#include "systems/transformer/attention.h"

namespace mtbench::transformer {

// Sizes shared by the layers.
struct LayerOptions {
  std::int64_t dim = 256;          // d_model
  std::int64_t heads = 4;          // h
  std::int64_t ffn_dim = 1024;     // d_ff
  double dropout = 0.1;            // P_drop on sublayer outputs (sec. 5.4)
  double attention_dropout = 0.0;  // dropout on attention probabilities (not in the paper)
  double relu_dropout = 0.0;       // dropout inside the feed-forward block (not in the paper)
  bool pre_norm = false;           // pre-norm instead of the paper's post-norm
  bool scale_norm = false;         // ScaleNorm instead of LayerNorm
};

// LayerNorm (Ba et al. 2016) or ScaleNorm: g * x / ||x|| with one learned scalar g
// initialised to sqrt(dim) (Nguyen & Salazar 2019, sec. 2.2: a single length replaces
// LayerNorm's per-dimension gain and bias). LayerNorm keeps torch::nn::LayerNorm's parameter
// names (weight, bias) and arithmetic, so models saved before ScaleNorm existed load unchanged.
class NormImpl : public torch::nn::Module {
 public:
  NormImpl(std::int64_t dim, bool scale);
  torch::Tensor forward(const torch::Tensor& x);  // [..., dim] -> same

 private:
  std::int64_t dim_;
  bool scale_;
  torch::Tensor weight_, bias_;  // LayerNorm: [dim] each
  torch::Tensor g_;              // ScaleNorm: [1]
};
TORCH_MODULE(Norm);

// Position-wise feed-forward network FFN(x) = max(0, x W1 + b1) W2 + b2 (sec. 3.3).
class FeedForwardImpl : public torch::nn::Module {
 public:
  explicit FeedForwardImpl(const LayerOptions& options);
  torch::Tensor forward(const torch::Tensor& x);  // [batch, len, dim] -> same

 private:
  torch::nn::Linear in_{nullptr}, out_{nullptr};
  double relu_dropout_;
};
TORCH_MODULE(FeedForward);

class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const LayerOptions& options);
  // x: [batch, src_len, dim]; bias: padding bias [batch, 1, 1, src_len]. When `weights` is not
  // null it receives the self-attention [batch, heads, src_len, src_len]; `queries`/`keys` the
  // projected q and k [batch, heads, src_len, head_dim].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& bias, torch::Tensor* weights = nullptr,
                        torch::Tensor* queries = nullptr, torch::Tensor* keys = nullptr);

 private:
  LayerOptions options_;
  MultiHeadAttention self_attention_{nullptr};
  FeedForward feed_forward_{nullptr};
  Norm norm1_{nullptr}, norm2_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(EncoderLayer);

// Cached self-attention keys and values of one decoder layer.
struct KeyValueCache {
  torch::Tensor keys;    // [batch, heads, steps so far, head_dim]
  torch::Tensor values;  // [batch, heads, steps so far, head_dim]
};

// Attention weights a decoder layer can report.
struct DecoderWeights {
  torch::Tensor self;   // [batch, heads, tgt_len, keys] decoder self-attention
  torch::Tensor cross;  // [batch, heads, tgt_len, src_len] encoder-decoder attention
};

class DecoderLayerImpl : public torch::nn::Module {
 public:
  explicit DecoderLayerImpl(const LayerOptions& options);
  // x: [batch, tgt_len, dim]. self_bias: causal bias [tgt_len, tgt_len] for a whole prefix, or
  // undefined with `cache` (x then holds only the new positions, which see every cached key).
  // memory_keys/values: [batch, heads, src_len, head_dim] (cross_key_value of the encoder
  // output); cross_bias: padding bias [batch, 1, 1, src_len].
  // With `group` > 1 the memory holds one entry per group of `group` consecutive rows of x (the
  // hypotheses of one sentence in beam search): each group's queries attend to it together,
  // so the encoder keys/values are never copied per hypothesis.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& self_bias, const torch::Tensor& memory_keys,
                        const torch::Tensor& memory_values, const torch::Tensor& cross_bias, KeyValueCache* cache,
                        DecoderWeights* weights, std::int64_t group = 1);
  // The cross-attention keys and values of an encoder output [batch, src_len, dim].
  std::pair<torch::Tensor, torch::Tensor> cross_key_value(const torch::Tensor& memory) {
    return cross_attention_->project_key_value(memory);
  }

 private:
  LayerOptions options_;
  MultiHeadAttention self_attention_{nullptr}, cross_attention_{nullptr};
  FeedForward feed_forward_{nullptr};
  Norm norm1_{nullptr}, norm2_{nullptr}, norm3_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(DecoderLayer);

}  // namespace mtbench::transformer
