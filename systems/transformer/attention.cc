#include "systems/transformer/attention.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "base/error.h"

namespace mtbench::transformer {

namespace F = torch::nn::functional;

std::string shape_of(const torch::Tensor& t) {
  std::ostringstream out;
  out << t.sizes();
  return out.str();
}

torch::Tensor padding_bias(const torch::Tensor& key_mask) {
  // [batch, key_len] bool -> [batch, 1, 1, key_len] float
  // A row without any real key (an empty source) would give 0/0 weights: let it see its
  // first position instead, so an empty input yields a (meaningless) translation, not NaN.
  auto first = torch::zeros_like(key_mask);
  first.narrow(1, 0, std::min<std::int64_t>(1, key_mask.size(1))).fill_(true);
  const auto visible = key_mask.logical_or(first.logical_and(key_mask.any(1, true).logical_not()));
  auto bias = torch::zeros(key_mask.sizes(), torch::TensorOptions().dtype(torch::kFloat32).device(key_mask.device()));
  bias.masked_fill_(visible.logical_not(), -std::numeric_limits<float>::infinity());
  return bias.unsqueeze(1).unsqueeze(1);
}

torch::Tensor causal_bias(std::int64_t length, const torch::Device& device) {
  auto ones = torch::ones({length, length}, torch::TensorOptions().dtype(torch::kBool).device(device));
  auto bias = torch::zeros({length, length}, torch::TensorOptions().dtype(torch::kFloat32).device(device));
  return bias.masked_fill_(ones.triu(1), -std::numeric_limits<float>::infinity());  // [len, len]
}

MultiHeadAttentionImpl::MultiHeadAttentionImpl(std::int64_t dim, std::int64_t heads, double dropout)
    : dim_(dim), heads_(heads), head_dim_(heads > 0 ? dim / heads : 0), dropout_(dropout) {
  if (heads < 1 || dim % heads != 0)
    fail<ConfigError>("attention: model dimension {} is not divisible by {} heads", dim, heads);
  in_weight_ = register_parameter("in_weight", torch::empty({3 * dim, dim}));
  in_bias_ = register_parameter("in_bias", torch::zeros({3 * dim}));
  torch::nn::init::xavier_uniform_(in_weight_);
  out_ = register_module("out", torch::nn::Linear(dim, dim));
  torch::nn::init::xavier_uniform_(out_->weight);
  torch::nn::init::zeros_(out_->bias);
}

torch::Tensor MultiHeadAttentionImpl::split_heads(const torch::Tensor& x) const {
  return x.view({x.size(0), x.size(1), heads_, head_dim_}).transpose(1, 2);
}

torch::Tensor MultiHeadAttentionImpl::project_query(const torch::Tensor& x) {
  return split_heads(F::linear(x, in_weight_.narrow(0, 0, dim_), in_bias_.narrow(0, 0, dim_)));
}

std::pair<torch::Tensor, torch::Tensor> MultiHeadAttentionImpl::project_key_value(const torch::Tensor& x) {
  auto kv = F::linear(x, in_weight_.narrow(0, dim_, 2 * dim_), in_bias_.narrow(0, dim_, 2 * dim_)).chunk(2, -1);
  return {split_heads(kv[0]), split_heads(kv[1])};
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> MultiHeadAttentionImpl::project_qkv(const torch::Tensor& x) {
  auto qkv = F::linear(x, in_weight_, in_bias_).chunk(3, -1);  // 3 x [batch, len, dim]
  return {split_heads(qkv[0]), split_heads(qkv[1]), split_heads(qkv[2])};
}

torch::Tensor MultiHeadAttentionImpl::attend(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                                             const torch::Tensor& bias, torch::Tensor* weights) {
  if (q.dim() != 4 || k.dim() != 4 || q.size(1) != heads_ || k.size(2) != v.size(2))
    fail("attention: bad shapes q {} k {} v {}", shape_of(q), shape_of(k), shape_of(v));
  // Scale folded into q (a [b,h,q,d] product is cheaper than one over [b,h,q,k]).
  auto scores = torch::matmul(q * (1.0 / std::sqrt(static_cast<double>(head_dim_))), k.transpose(-2, -1));
  if (bias.defined()) scores = scores + bias;  // [batch, heads, q_len, k_len]
  auto probs = torch::softmax(scores, -1);
  if (weights) *weights = probs;
  auto dropped =
      is_training() && dropout_ > 0 ? F::dropout(probs, F::DropoutFuncOptions().p(dropout_).training(true)) : probs;
  auto context = torch::matmul(dropped, v);  // [batch, heads, q_len, head_dim]
  context = context.transpose(1, 2).reshape({q.size(0), q.size(2), dim_});
  return out_(context);  // [batch, q_len, dim]
}

}  // namespace mtbench::transformer
