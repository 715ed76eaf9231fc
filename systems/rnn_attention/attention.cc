#include "systems/rnn_attention/attention.h"

#include "base/error.h"

namespace mtbench::rnn_attention {

AttentionImpl::AttentionImpl(std::string kind, int query_dim, int memory_dim, int attention_dim)
    : kind_(std::move(kind)) {
  if (kind_ == "bahdanau") {
    query_ = register_module("query", torch::nn::Linear(torch::nn::LinearOptions(query_dim, attention_dim)));
    key_ = register_module("key", torch::nn::Linear(torch::nn::LinearOptions(memory_dim, attention_dim).bias(false)));
    v_ = register_module("v", torch::nn::Linear(torch::nn::LinearOptions(attention_dim, 1).bias(false)));
  } else if (kind_ == "general") {
    key_ = register_module("key", torch::nn::Linear(torch::nn::LinearOptions(memory_dim, query_dim).bias(false)));
  } else if (kind_ == "none") {
    // No alignment model: RnnModelImpl feeds the encoder's summary instead (rnn_model.h).
  } else if (kind_ == "dot") {
    if (query_dim != memory_dim)
      fail<ConfigError>("dot attention needs decoder size ({}) = 2 x encoder size ({})", query_dim, memory_dim);
  } else {
    fail<ConfigError>("attention must be bahdanau, general, dot or none, got '{}'", kind_);
  }
}

torch::Tensor AttentionImpl::keys(const torch::Tensor& memory) {
  if (kind_ == "dot" || kind_ == "none") return memory;
  return key_->forward(memory);  // [batch, src_len, key_dim]
}

std::pair<torch::Tensor, torch::Tensor> AttentionImpl::forward(const torch::Tensor& query, const torch::Tensor& keys,
                                                               const torch::Tensor& memory, const torch::Tensor& mask) {
  TORCH_CHECK(query.dim() == 2 && keys.dim() == 3 && memory.dim() == 3 && mask.dim() == 2,
              "attention: expected query [B, d], keys/memory [B, S, d], mask [B, S]");
  torch::Tensor scores;  // [batch, src_len]
  if (kind_ == "bahdanau") {
    scores = v_->forward(torch::tanh(keys + query_->forward(query).unsqueeze(1))).squeeze(2);
  } else {
    scores = torch::bmm(keys, query.unsqueeze(2)).squeeze(2);
  }
  scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
  auto weights = torch::softmax(scores, 1);                            // [batch, src_len]
  auto context = torch::bmm(weights.unsqueeze(1), memory).squeeze(1);  // [batch, memory_dim]
  return {context, weights};
}

}  // namespace mtbench::rnn_attention
