#include "systems/transformer/layers.h"

#include <cmath>

#include "base/error.h"

namespace mtbench::transformer {

namespace F = torch::nn::functional;

NormImpl::NormImpl(std::int64_t dim, bool scale) : dim_(dim), scale_(scale) {
  if (scale) {
    g_ = register_parameter("g", torch::full({1}, std::sqrt(static_cast<double>(dim))));
  } else {
    weight_ = register_parameter("weight", torch::ones({dim}));
    bias_ = register_parameter("bias", torch::zeros({dim}));
  }
}

torch::Tensor NormImpl::forward(const torch::Tensor& x) {
  if (x.size(-1) != dim_) fail("transformer: normalisation of dimension {} got {}", dim_, shape_of(x));
  if (!scale_) return torch::layer_norm(x, {dim_}, weight_, bias_, 1e-5);
  // The same epsilon as the reference implementation's clamp of the norm.
  return x * (g_ / torch::linalg_vector_norm(x, 2, {-1}, true).clamp_min(1e-5));
}

FeedForwardImpl::FeedForwardImpl(const LayerOptions& o) : relu_dropout_(o.relu_dropout) {
  in_ = register_module("w1", torch::nn::Linear(o.dim, o.ffn_dim));
  out_ = register_module("w2", torch::nn::Linear(o.ffn_dim, o.dim));
  torch::nn::init::xavier_uniform_(in_->weight);
  torch::nn::init::xavier_uniform_(out_->weight);
  torch::nn::init::zeros_(in_->bias);
  torch::nn::init::zeros_(out_->bias);
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x) {
  auto h = torch::relu(in_(x));  // [batch, len, ffn_dim]
  if (is_training() && relu_dropout_ > 0) h = F::dropout(h, F::DropoutFuncOptions().p(relu_dropout_).training(true));
  return out_(h);
}

EncoderLayerImpl::EncoderLayerImpl(const LayerOptions& o) : options_(o) {
  self_attention_ = register_module("self_attention", MultiHeadAttention(o.dim, o.heads, o.attention_dropout));
  feed_forward_ = register_module("feed_forward", FeedForward(o));
  norm1_ = register_module("norm1", Norm(o.dim, o.scale_norm));
  norm2_ = register_module("norm2", Norm(o.dim, o.scale_norm));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& bias, torch::Tensor* weights,
                                        torch::Tensor* queries, torch::Tensor* keys) {
  if (options_.pre_norm) {
    auto h = x + dropout_(self_attention_->self_attention(norm1_(x), bias, weights, queries, keys));
    return h + dropout_(feed_forward_(norm2_(h)));
  }
  auto h = norm1_(x + dropout_(self_attention_->self_attention(x, bias, weights, queries, keys)));
  return norm2_(h + dropout_(feed_forward_(h)));
}

DecoderLayerImpl::DecoderLayerImpl(const LayerOptions& o) : options_(o) {
  self_attention_ = register_module("self_attention", MultiHeadAttention(o.dim, o.heads, o.attention_dropout));
  cross_attention_ = register_module("cross_attention", MultiHeadAttention(o.dim, o.heads, o.attention_dropout));
  feed_forward_ = register_module("feed_forward", FeedForward(o));
  norm1_ = register_module("norm1", Norm(o.dim, o.scale_norm));
  norm2_ = register_module("norm2", Norm(o.dim, o.scale_norm));
  norm3_ = register_module("norm3", Norm(o.dim, o.scale_norm));
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout));
}

torch::Tensor DecoderLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& self_bias,
                                        const torch::Tensor& memory_keys, const torch::Tensor& memory_values,
                                        const torch::Tensor& cross_bias, KeyValueCache* cache, DecoderWeights* weights,
                                        std::int64_t group) {
  auto self_block = [&](const torch::Tensor& in) {
    auto [q, k, v] = self_attention_->project_qkv(in);  // [batch, heads, new, head_dim]
    if (cache) {
      if (cache->keys.defined() && cache->keys.size(2) > 0) {
        k = torch::cat({cache->keys, k}, 2);
        v = torch::cat({cache->values, v}, 2);
      }
      cache->keys = k;
      cache->values = v;
    }
    return self_attention_->attend(q, k, v, self_bias, weights ? &weights->self : nullptr);
  };
  auto cross_block = [&](const torch::Tensor& in) {
    auto q = cross_attention_->project_query(in);  // [rows, heads, len, head_dim]
    if (group == 1)
      return cross_attention_->attend(q, memory_keys, memory_values, cross_bias, weights ? &weights->cross : nullptr);
    const auto rows = q.size(0), heads = q.size(1), len = q.size(2), head_dim = q.size(3), groups = rows / group;
    // [groups, group, heads, len, hd] -> [groups, heads, group * len, hd]: a group's rows become query positions.
    q = q.view({groups, group, heads, len, head_dim})
            .permute({0, 2, 1, 3, 4})
            .reshape({groups, heads, group * len, head_dim});
    auto out = cross_attention_->attend(q, memory_keys, memory_values, cross_bias, weights ? &weights->cross : nullptr);
    if (weights)  // [groups, heads, group * len, src] -> [rows, heads, len, src]
      weights->cross =
          weights->cross.view({groups, heads, group, len, -1}).permute({0, 2, 1, 3, 4}).reshape({rows, heads, len, -1});
    return out.view({groups, group, len, out.size(-1)}).reshape({rows, len, out.size(-1)});  // [rows, len, dim]
  };
  if (options_.pre_norm) {
    auto h = x + dropout_(self_block(norm1_(x)));
    h = h + dropout_(cross_block(norm2_(h)));
    return h + dropout_(feed_forward_(norm3_(h)));
  }
  auto h = norm1_(x + dropout_(self_block(x)));
  h = norm2_(h + dropout_(cross_block(h)));
  return norm3_(h + dropout_(feed_forward_(h)));
}

}  // namespace mtbench::transformer
