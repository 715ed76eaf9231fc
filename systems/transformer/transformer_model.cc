#include "systems/transformer/transformer_model.h"

#include <algorithm>
#include <cmath>

#include "base/error.h"

namespace mtbench::transformer {

namespace F = torch::nn::functional;

torch::Tensor sinusoidal_encoding(std::int64_t length, std::int64_t dim) {
  auto position = torch::arange(length, torch::kFloat64).unsqueeze(1);                       // [length, 1]
  auto i2 = torch::arange(0, dim, 2, torch::kFloat64);                                       // 2i
  auto angle = position * torch::exp(i2 * (-std::log(10000.0) / static_cast<double>(dim)));  // pos / 10000^(2i/d)
  auto pe = torch::zeros({length, dim}, torch::kFloat64);
  pe.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, torch::indexing::None, 2)}, torch::sin(angle));
  pe.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None, 2)},
                torch::cos(angle).narrow(1, 0, dim / 2));
  return pe.to(torch::kFloat32);
}

TransformerModelImpl::TransformerModelImpl(const TransformerModelOptions& o) : options_(o) {
  if (o.source_vocab < 1 || o.target_vocab < 1)
    fail("transformer: vocabulary sizes must be set before building the model");
  if (o.share_embeddings && o.source_vocab != o.target_vocab)
    fail<ConfigError>("transformer: share_embeddings needs one joint vocabulary, got {} source and {} target pieces",
                      o.source_vocab, o.target_vocab);
  const double scale = 1.0 / std::sqrt(static_cast<double>(o.dim));
  auto make_embedding = [&](int vocab) {
    torch::nn::Embedding e(torch::nn::EmbeddingOptions(vocab, o.dim).padding_idx(o.pad_id));
    torch::NoGradGuard no_grad;
    e->weight.normal_(0, scale);
    e->weight[o.pad_id].zero_();
    return e;
  };
  source_embedding_ = register_module("source_embedding", make_embedding(o.source_vocab));
  target_embedding_ =
      o.share_embeddings ? source_embedding_ : register_module("target_embedding", make_embedding(o.target_vocab));
  if (o.positional == "learned") {
    learned_positions_ = register_parameter("positions", torch::empty({o.max_positions, o.dim}));
    torch::NoGradGuard no_grad;
    learned_positions_.normal_(0, scale);
  } else if (o.positional != "sinusoidal") {
    fail<ConfigError>("transformer: positional must be sinusoidal or learned, got '{}'", o.positional);
  }
  if (o.norm != "post" && o.norm != "pre") fail<ConfigError>("transformer: norm must be post or pre, got '{}'", o.norm);
  if (o.norm_type != "layer" && o.norm_type != "scale")
    fail<ConfigError>("transformer: norm_type must be layer or scale, got '{}'", o.norm_type);
  if (!(o.layer_drop >= 0 && o.layer_drop < 1))
    fail<ConfigError>("transformer: layer_drop must be in [0, 1), got {}", o.layer_drop);
  LayerOptions lo;
  lo.dim = o.dim;
  lo.heads = o.heads;
  lo.ffn_dim = o.ffn_dim;
  lo.dropout = o.dropout;
  lo.attention_dropout = o.attention_dropout;
  lo.relu_dropout = o.relu_dropout;
  lo.pre_norm = o.norm == "pre";
  lo.scale_norm = o.norm_type == "scale";
  encoder_layers_ = register_module("encoder_layers", torch::nn::ModuleList());
  decoder_layers_ = register_module("decoder_layers", torch::nn::ModuleList());
  for (int l = 0; l < o.encoder_layers; ++l) encoder_layers_->push_back(EncoderLayer(lo));
  for (int l = 0; l < o.decoder_layers; ++l) decoder_layers_->push_back(DecoderLayer(lo));
  if (lo.pre_norm) {
    encoder_norm_ = register_module("encoder_norm", Norm(o.dim, lo.scale_norm));
    decoder_norm_ = register_module("decoder_norm", Norm(o.dim, lo.scale_norm));
  }
  if (!o.tie_output) {
    output_ = register_module("output", torch::nn::Linear(torch::nn::LinearOptions(o.dim, o.target_vocab).bias(false)));
    torch::nn::init::normal_(output_->weight, 0, scale);
  }
  dropout_ = register_module("dropout", torch::nn::Dropout(o.dropout));
}

torch::Tensor TransformerModelImpl::positional_encoding(std::int64_t length) {
  const auto device = source_embedding_->weight.device();
  if (options_.positional == "learned") {
    // Positions past the table reuse its last row (only reachable by inputs longer than any
    // training sentence; documented in the options).
    auto index = torch::arange(length, torch::TensorOptions().dtype(torch::kLong).device(device))
                     .clamp_max(options_.max_positions - 1);
    return learned_positions_.index_select(0, index);
  }
  if (!sinusoid_.defined() || sinusoid_.size(0) < length || sinusoid_.device() != device)
    sinusoid_ = sinusoidal_encoding(std::max<std::int64_t>(length, 256), options_.dim).to(device);
  return sinusoid_.narrow(0, 0, length);
}

torch::Tensor TransformerModelImpl::embed(torch::nn::Embedding& table, const torch::Tensor& ids,
                                          std::int64_t first_position) {
  // ids: [batch, len] -> [batch, len, dim]
  // With fix_norm every row has unit length, and sqrt(d) scales it as the paper's N(0, 1/d)
  // initialisation would (so FixNorm changes the lengths' freedom, not their scale).
  auto x = (options_.fix_norm ? F::embedding(ids, used_weight(table->weight)) : table(ids)) *
           std::sqrt(static_cast<double>(options_.dim));
  auto positions = positional_encoding(first_position + ids.size(1)).narrow(0, first_position, ids.size(1));
  return dropout_(x + positions.unsqueeze(0));
}

torch::Tensor TransformerModelImpl::encode(const torch::Tensor& source, const torch::Tensor& source_bias,
                                           std::vector<torch::Tensor>* weights, std::vector<torch::Tensor>* queries,
                                           std::vector<torch::Tensor>* keys) {
  auto x = embed(source_embedding_, source, 0);  // [batch, src_len, dim]
  for (const auto& layer : *encoder_layers_) {
    if (drop_layer()) continue;
    torch::Tensor w, q, k;
    x = layer->as<EncoderLayer>()->forward(x, source_bias, weights ? &w : nullptr, queries ? &q : nullptr,
                                           keys ? &k : nullptr);
    if (weights) weights->push_back(w);  // [batch, heads, src_len, src_len]
    if (queries) queries->push_back(q);  // [batch, heads, src_len, head_dim]
    if (keys) keys->push_back(k);        // [batch, heads, src_len, head_dim]
  }
  return encoder_norm_ ? encoder_norm_(x) : x;
}

torch::Tensor TransformerModelImpl::logits(const torch::Tensor& hidden) {
  const auto& weight = options_.tie_output ? target_embedding_->weight : output_->weight;  // [target_vocab, dim]
  return F::linear(hidden, options_.fix_norm ? used_weight(weight) : weight);
}

torch::Tensor TransformerModelImpl::used_weight(const torch::Tensor& weight) {
  const auto unit = [](const torch::Tensor& w) { return F::normalize(w, F::NormalizeFuncOptions().dim(-1)); };
  if (torch::GradMode::is_enabled()) return unit(weight);  // training: gradients flow through the normalisation
  auto found =
      std::find_if(unit_rows_.begin(), unit_rows_.end(), [&](const UnitRows& u) { return u.weight.is_same(weight); });
  if (found == unit_rows_.end()) found = unit_rows_.insert(unit_rows_.end(), UnitRows{weight, {}, -1});
  if (found->version != static_cast<std::int64_t>(weight._version())) {
    found->unit = unit(weight);
    found->version = static_cast<std::int64_t>(weight._version());
  }
  return found->unit;
}

bool TransformerModelImpl::drop_layer() {
  return is_training() && options_.layer_drop > 0 && torch::rand({1}).item<double>() < options_.layer_drop;
}

torch::Tensor TransformerModelImpl::forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                                            const torch::Tensor& target_in) {
  if (source.dim() != 2 || source_mask.sizes() != source.sizes() || target_in.dim() != 2 ||
      target_in.size(0) != source.size(0))
    fail(
        "transformer: forward needs source [batch, src_len], mask of the same shape and target [batch, tgt_len]; got "
        "{}, {}, {}",
        shape_of(source), shape_of(source_mask), shape_of(target_in));
  const auto source_bias = padding_bias(source_mask);                      // [batch, 1, 1, src_len]
  const auto memory = encode(source, source_bias, nullptr);                // [batch, src_len, dim]
  auto x = embed(target_embedding_, target_in, 0);                         // [batch, tgt_len, dim]
  const auto causal = causal_bias(target_in.size(1), target_in.device());  // [tgt_len, tgt_len]
  for (const auto& module : *decoder_layers_) {
    if (drop_layer()) continue;
    auto layer = module->as<DecoderLayer>();
    auto [keys, values] = layer->cross_key_value(memory);
    x = layer->forward(x, causal, keys, values, source_bias, nullptr, nullptr);
  }
  if (decoder_norm_) x = decoder_norm_(x);
  return logits(x);  // [batch, tgt_len, target_vocab]
}

neural::DecoderState TransformerModelImpl::start(const torch::Tensor& source, const torch::Tensor& source_mask) {
  if (source.dim() != 2 || source_mask.sizes() != source.sizes())
    fail("transformer: start needs source [batch, src_len] and a mask of the same shape; got {}, {}", shape_of(source),
         shape_of(source_mask));
  const auto batch = source.size(0);
  const auto bias = padding_bias(source_mask);
  std::vector<torch::Tensor> weights, queries, keys;
  const auto memory = encode(source, bias, recording_ ? &weights : nullptr, recording_ ? &queries : nullptr,
                             recording_ ? &keys : nullptr);
  encoder_attention_ = recording_ ? torch::stack(weights, 1) : torch::Tensor();  // [batch, layers, heads, src, src]
  encoder_queries_ = recording_ ? torch::stack(queries, 1) : torch::Tensor();    // [batch, layers, heads, src, hd]
  encoder_keys_ = recording_ ? torch::stack(keys, 1) : torch::Tensor();          // [batch, layers, heads, src, hd]
  memory_keys_.clear();
  memory_values_.clear();
  for (const auto& module : *decoder_layers_) {
    auto [keys, values] = module->as<DecoderLayer>()->cross_key_value(memory);  // [batch, heads, src_len, head_dim]
    memory_keys_.push_back(keys);
    memory_values_.push_back(values);
  }
  memory_mask_ = source_mask;
  selected_sentences_.clear();
  neural::DecoderState state;
  state.source_mask = source_mask;
  const auto ids = torch::TensorOptions().dtype(torch::kLong).device(source.device());
  state.tensors.push_back(torch::empty({batch, 0}, ids));  // prefix tokens
  state.tensors.push_back(torch::arange(batch, ids));      // sentence of each row
  const std::int64_t head_dim = options_.dim / options_.heads;
  auto empty = torch::empty({batch, options_.heads, 0, head_dim}, memory.options());
  for (int l = 0; l < options_.decoder_layers; ++l) state.tensors.insert(state.tensors.end(), {empty, empty});
  return state;
}

void TransformerModelImpl::cross_memory(const torch::Tensor& sentence, std::int64_t* group) {
  const auto rows = sentence.size(0);
  const auto cpu = sentence.to(torch::kCPU);
  const auto* s = cpu.data_ptr<std::int64_t>();
  // Group size: the length of the first run of equal sentence ids, if every run has it.
  std::int64_t g = 1;
  while (g < rows && s[g] == s[0]) ++g;
  bool grouped = rows % g == 0;
  for (std::int64_t r = 0; grouped && r < rows; ++r) grouped = s[r] == s[r - r % g];
  if (!grouped) g = 1;
  std::vector<std::int64_t> wanted;
  for (std::int64_t r = 0; r < rows; r += g) wanted.push_back(s[r]);
  *group = g;
  if (wanted == selected_sentences_) return;
  selected_sentences_ = wanted;
  const auto index = torch::tensor(wanted, torch::kLong).to(sentence.device());
  const bool identity = static_cast<std::int64_t>(wanted.size()) == memory_mask_.size(0) &&
                        torch::equal(index, torch::arange(memory_mask_.size(0), index.options()));
  selected_keys_.clear();
  selected_values_.clear();
  for (std::size_t l = 0; l < memory_keys_.size(); ++l) {
    selected_keys_.push_back(identity ? memory_keys_[l] : memory_keys_[l].index_select(0, index));
    selected_values_.push_back(identity ? memory_values_[l] : memory_values_[l].index_select(0, index));
  }
  selected_bias_ = padding_bias(identity ? memory_mask_ : memory_mask_.index_select(0, index));
}

neural::StepOutput TransformerModelImpl::step(const torch::Tensor& previous, neural::DecoderState& state) {
  const auto layers = static_cast<std::size_t>(options_.decoder_layers);
  if (previous.dim() != 1 || state.tensors.size() != 2 + 2 * layers || previous.size(0) != state.tensors[0].size(0) ||
      memory_keys_.size() != layers)
    fail("transformer: step got previous tokens {} for a state of {} tensors and batch {} (start() first)",
         shape_of(previous), state.tensors.size(), state.tensors.empty() ? 0 : state.tensors[0].size(0));
  auto& prefix = state.tensors[0];  // [rows, t] tokens fed so far
  const std::int64_t t = prefix.size(1);
  prefix = torch::cat({prefix, previous.unsqueeze(1)}, 1);
  std::int64_t group = 1;
  cross_memory(state.tensors[1], &group);
  std::vector<DecoderWeights> weights(recording_ ? layers : 0);
  torch::Tensor x;
  if (incremental_) {
    x = embed(target_embedding_, previous.unsqueeze(1), t);  // [rows, 1, dim]
    for (std::size_t l = 0; l < layers; ++l) {
      KeyValueCache cache{state.tensors[2 + 2 * l], state.tensors[3 + 2 * l]};
      x = (*decoder_layers_)[l]->as<DecoderLayer>()->forward(x, torch::Tensor(), selected_keys_[l], selected_values_[l],
                                                             selected_bias_, &cache, recording_ ? &weights[l] : nullptr,
                                                             group);
      state.tensors[2 + 2 * l] = cache.keys;
      state.tensors[3 + 2 * l] = cache.values;
    }
  } else {
    x = embed(target_embedding_, prefix, 0);  // [rows, t + 1, dim]
    const auto causal = causal_bias(t + 1, prefix.device());
    for (std::size_t l = 0; l < layers; ++l)
      x = (*decoder_layers_)[l]->as<DecoderLayer>()->forward(x, causal, selected_keys_[l], selected_values_[l],
                                                             selected_bias_, nullptr,
                                                             recording_ ? &weights[l] : nullptr, group);
    x = x.narrow(1, t, 1);
    for (auto& w : weights) {
      w.self = w.self.narrow(2, t, 1);
      w.cross = w.cross.narrow(2, t, 1);
    }
  }
  if (decoder_norm_) x = decoder_norm_(x);
  neural::StepOutput out;
  out.log_probs = torch::log_softmax(logits(x.squeeze(1)), -1);  // [rows, target_vocab]
  if (recording_) {
    const auto batch = previous.size(0);
    if (self_columns_ < t + 1) fail("transformer: recording needs self_columns >= {} (got {})", t + 1, self_columns_);
    std::vector<torch::Tensor> parts;
    for (auto& w : weights) parts.push_back(w.cross.reshape({batch, -1}));  // [rows, heads * src_len]
    for (auto& w : weights)  // [rows, heads, 1, t + 1] -> [rows, heads * self_columns]
      parts.push_back(F::pad(w.self.squeeze(2), F::PadFuncOptions({0, self_columns_ - (t + 1)})).reshape({batch, -1}));
    out.attention = torch::cat(parts, 1);
  }
  return out;
}

}  // namespace mtbench::transformer
