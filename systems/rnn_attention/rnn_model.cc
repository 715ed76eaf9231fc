#include "systems/rnn_attention/rnn_model.h"

#include "base/error.h"

namespace mtbench::rnn_attention {

RnnModelImpl::RnnModelImpl(const RnnModelOptions& o) : options_(o) {
  if (o.source_vocab < 4 || o.target_vocab < 4 || o.embedding_dim < 1 || o.encoder_dim < 1 || o.decoder_dim < 1 ||
      o.attention_dim < 1 || o.output_dim < 1)
    fail<ConfigError>("rnn-attention: vocabulary sizes must be >= 4 and every dimension >= 1");
  if (o.dropout < 0 || o.dropout >= 1) fail<ConfigError>("rnn-attention: dropout must be in [0, 1), got {}", o.dropout);
  const int memory = 2 * o.encoder_dim;
  const int pieces = o.deep_output ? 2 : 1;
  source_embedding_ = register_module(
      "source_embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.source_vocab, o.embedding_dim)));
  target_embedding_ = register_module(
      "target_embedding", torch::nn::Embedding(torch::nn::EmbeddingOptions(o.target_vocab, o.embedding_dim)));
  encoder_ = register_module(
      "encoder",
      torch::nn::GRU(torch::nn::GRUOptions(o.embedding_dim, o.encoder_dim).batch_first(true).bidirectional(true)));
  init_state_ = register_module("init_state", torch::nn::Linear(o.encoder_dim, o.decoder_dim));
  attention_ = register_module("attention", Attention(o.attention, o.decoder_dim, memory, o.attention_dim));
  gate_embedding_ = register_module("gate_embedding", torch::nn::Linear(o.embedding_dim, 3 * o.decoder_dim));
  gate_context_ = register_module("gate_context",
                                  torch::nn::Linear(torch::nn::LinearOptions(memory, 3 * o.decoder_dim).bias(false)));
  gate_state_ = register_module("gate_state", torch::nn::Linear(o.decoder_dim, 3 * o.decoder_dim));
  out_state_ = register_module("out_state", torch::nn::Linear(o.decoder_dim, pieces * o.output_dim));
  out_embedding_ = register_module(
      "out_embedding", torch::nn::Linear(torch::nn::LinearOptions(o.embedding_dim, pieces * o.output_dim).bias(false)));
  out_context_ = register_module(
      "out_context", torch::nn::Linear(torch::nn::LinearOptions(memory, pieces * o.output_dim).bias(false)));
  if (o.tie_output) {
    // Press & Wolf 2017: the readout t (size l) is scored against the target embeddings
    // themselves, so W_o has no parameters of its own but its bias.
    if (o.output_dim != o.embedding_dim)
      fail<ConfigError>("rnn-attention: tie_output needs output_dim = embedding_dim, got {} and {}", o.output_dim,
                        o.embedding_dim);
    out_bias_ = register_parameter("out_bias", torch::zeros({o.target_vocab}));
  } else {
    out_projection_ = register_module("out_projection", torch::nn::Linear(o.output_dim, o.target_vocab));
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout));
  // Initialisation after appendix B.1: recurrent matrices orthogonal, embeddings small
  // Gaussian (the paper's N(0, 0.01^2) for every weight trains slowly with Adam; we keep
  // PyTorch's uniform fan-in initialisation for the other matrices).
  torch::NoGradGuard no_grad;
  torch::nn::init::normal_(source_embedding_->weight, 0.0, 0.1);
  torch::nn::init::normal_(target_embedding_->weight, 0.0, 0.1);
  for (auto w : gate_state_->weight.chunk(3, 0)) torch::nn::init::orthogonal_(w);
}

RnnModelImpl::Encoded RnnModelImpl::encode(const torch::Tensor& source, const torch::Tensor& source_mask) {
  TORCH_CHECK(source.dim() == 2 && source_mask.sizes() == source.sizes(), "source and mask must be [batch, src_len]");
  const auto src_len = source.size(1);
  auto embedded = dropout_->forward(source_embedding_->forward(source));  // [batch, src_len, emb]
  const auto lengths = source_mask.sum(1).to(torch::kCPU).to(torch::kInt64).clamp_min(1);
  auto packed = torch::nn::utils::rnn::pack_padded_sequence(embedded, lengths, /*batch_first=*/true,
                                                            /*enforce_sorted=*/false);
  auto [packed_out, last] = encoder_->forward_with_packed_input(packed);  // last: [2, batch, enc]
  auto memory = std::get<0>(torch::nn::utils::rnn::pad_packed_sequence(packed_out, /*batch_first=*/true, 0.0, src_len));
  Encoded e;
  e.memory = memory;  // [batch, src_len, 2 enc]
  if (options_.attention == "none") {
    e.keys = torch::cat({last[0], last[1]}, 1).unsqueeze(1);  // c = [->h_Tx; <-h_1]: [batch, 1, 2 enc]
  } else {
    e.keys = attention_->keys(memory);  // [batch, src_len, key]
  }
  e.state = torch::tanh(init_state_->forward(last[1]));  // <-h_1: the backward GRU's final state
  return e;
}

std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> RnnModelImpl::cell(const torch::Tensor& input_gates,
                                                                           const torch::Tensor& previous_state,
                                                                           const torch::Tensor& keys,
                                                                           const torch::Tensor& memory,
                                                                           const torch::Tensor& mask) {
  torch::Tensor context, weights;
  if (options_.attention == "none") {
    context = keys.select(1, 0);                                           // the same c at every step: [batch, 2 enc]
    weights = torch::zeros({mask.size(0), mask.size(1)}, keys.options());  // nothing is attended
  } else {
    std::tie(context, weights) = attention_->forward(previous_state, keys, memory, mask);
  }
  auto gi = (input_gates + gate_context_->forward(context)).chunk(3, 1);  // r, z, n (PyTorch's GRU order)
  auto gh = gate_state_->forward(previous_state).chunk(3, 1);
  auto r = torch::sigmoid(gi[0] + gh[0]);
  auto z = torch::sigmoid(gi[1] + gh[1]);
  auto n = torch::tanh(gi[2] + r * gh[2]);
  auto state = (1 - z) * n + z * previous_state;  // [batch, dec]
  return {state, context, weights};
}

torch::Tensor RnnModelImpl::readout(const torch::Tensor& state, const torch::Tensor& embedded,
                                    const torch::Tensor& context) {
  auto t = out_state_->forward(state) + out_embedding_->forward(embedded) + out_context_->forward(context);
  if (options_.deep_output) {
    auto sizes = t.sizes().vec();
    sizes.back() = options_.output_dim;
    sizes.push_back(2);
    t = std::get<0>(t.view(sizes).max(-1));  // maxout over pairs of units
  } else {
    t = torch::tanh(t);
  }
  t = dropout_->forward(t);  // [..., output_dim]
  return options_.tie_output ? torch::nn::functional::linear(t, target_embedding_->weight, out_bias_)
                             : out_projection_->forward(t);  // [..., target_vocab]
}

std::pair<torch::Tensor, torch::Tensor> RnnModelImpl::forward_with_attention(const torch::Tensor& source,
                                                                             const torch::Tensor& source_mask,
                                                                             const torch::Tensor& target_in) {
  TORCH_CHECK(target_in.dim() == 2 && target_in.size(0) == source.size(0), "target_in must be [batch, tgt_len]");
  Encoded e = encode(source, source_mask);
  auto embedded = dropout_->forward(target_embedding_->forward(target_in));  // [batch, tgt_len, emb]
  auto input_gates = gate_embedding_->forward(embedded);                     // [batch, tgt_len, 3 dec]
  std::vector<torch::Tensor> states, contexts, weights;
  auto state = e.state;
  for (std::int64_t t = 0; t < target_in.size(1); ++t) {
    auto [s, c, w] = cell(input_gates.select(1, t), state, e.keys, e.memory, source_mask);
    state = s;
    states.push_back(s);
    contexts.push_back(c);
    weights.push_back(w);
  }
  auto logits = readout(torch::stack(states, 1), embedded, torch::stack(contexts, 1));  // [batch, tgt_len, vocab]
  return {logits, torch::stack(weights, 1)};
}

torch::Tensor RnnModelImpl::forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                                    const torch::Tensor& target_in) {
  return forward_with_attention(source, source_mask, target_in).first;
}

neural::DecoderState RnnModelImpl::start(const torch::Tensor& source, const torch::Tensor& source_mask) {
  Encoded e = encode(source, source_mask);
  neural::DecoderState state;
  state.tensors = {e.state, e.memory, e.keys};
  state.source_mask = source_mask;
  return state;
}

neural::StepOutput RnnModelImpl::step(const torch::Tensor& previous, neural::DecoderState& state) {
  TORCH_CHECK(state.tensors.size() == 3, "rnn-attention: not a decoder state of this model");
  auto embedded = dropout_->forward(target_embedding_->forward(previous));  // [batch, emb]
  auto [s, c, w] =
      cell(gate_embedding_->forward(embedded), state.tensors[0], state.tensors[2], state.tensors[1], state.source_mask);
  state.tensors[0] = s;
  return {torch::log_softmax(readout(s, embedded, c), 1), w};
}

}  // namespace mtbench::rnn_attention
