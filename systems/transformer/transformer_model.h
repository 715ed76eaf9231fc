#pragma once
// The Transformer encoder-decoder of Vaswani et al. (2017), "Attention Is All You Need":
//  - token embeddings scaled by sqrt(d_model) plus positional encodings, then dropout (3.4, 3.5);
//    sinusoidal encodings by default, learned ones as an option (the paper found both equal);
//  - N encoder and N decoder layers (layers.h), post-norm as in the paper or pre-norm;
//  - optional shared source/target embeddings (needs a joint vocabulary) and an output
//    projection tied to the target embedding (3.4, Press & Wolf 2017).
// Low-resource options, all off by default (the paper has none of them): ScaleNorm for every
// normalisation and FixNorm for the embeddings (Nguyen & Salazar 2019, "Transformers without
// Tears", sec. 2.2-2.3), and LayerDrop (Fan et al. 2020: each layer skipped with probability
// layer_drop while training; every layer runs when translating, unscaled, as in fairseq).
// Deliberate differences from the paper: embeddings are initialised N(0, d^-1/2) as in fairseq
// (the tied output then starts with unit-scale logits), and attention/ReLU dropout exist as
// options (default 0, as in the paper).
//
// Incremental decoding: start() encodes the source and projects the cross-attention keys and
// values of every decoder layer once per sentence; step() embeds only the newest token and
// appends its self-attention keys/values to per-layer caches in the DecoderState, so step t
// costs O(t) rather than O(t^2). The hypotheses of a sentence attend to its encoder memory as
// one group (no per-hypothesis copies). set_incremental(false) recomputes the whole prefix at every step (the
// baseline of the decoding benchmark; both give the same outputs, see the tests).

#include <string>
#include <vector>

#include <torch/torch.h>

#include "systems/transformer/transformer_model_options.h"

#include "systems/neural/encoder_decoder.h"
#include "systems/transformer/layers.h"

namespace mtbench::transformer {

// Sinusoidal encodings PE(pos, 2i) = sin(pos / 10000^(2i/d)), PE(pos, 2i+1) = cos(...): [length, dim].
torch::Tensor sinusoidal_encoding(std::int64_t length, std::int64_t dim);

class TransformerModelImpl : public torch::nn::Module, public neural::EncoderDecoder {
 public:
  explicit TransformerModelImpl(const TransformerModelOptions& options);

  neural::DecoderState start(const torch::Tensor& source, const torch::Tensor& source_mask) override;
  neural::StepOutput step(const torch::Tensor& previous, neural::DecoderState& state) override;
  torch::Tensor forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                        const torch::Tensor& target_in) override;
  torch::nn::Module& module() override { return *this; }

  // Cached (true, default) or recomputing (false) decoding.
  void set_incremental(bool incremental) { incremental_ = incremental; }
  // Explanations: when on, start() keeps the encoder self-attention (encoder_attention()) and
  // every step returns as StepOutput::attention one row per hypothesis holding, flattened,
  // cross-attention [layers, heads, src_len] then decoder self-attention [layers, heads,
  // self_columns] (keys beyond the current step are 0). self_columns must cover the longest
  // hypothesis (the decoder's maximum length + 1).
  void set_recording(bool on, std::int64_t self_columns = 0) {
    recording_ = on;
    self_columns_ = self_columns;
  }
  // [batch, layers, heads, src_len, src_len] of the last start() while recording.
  const torch::Tensor& encoder_attention() const { return encoder_attention_; }
  // The encoder's self-attention queries and keys of the last start() while recording (the
  // neuron view, Vig 2019): each [batch, layers, heads, src_len, head_dim].
  const torch::Tensor& encoder_queries() const { return encoder_queries_; }
  const torch::Tensor& encoder_keys() const { return encoder_keys_; }

  // Positional encodings added at positions 0..length-1: [length, dim].
  torch::Tensor positional_encoding(std::int64_t length);
  const TransformerModelOptions& options() const { return options_; }

 private:
  torch::Tensor embed(torch::nn::Embedding& table, const torch::Tensor& ids, std::int64_t first_position);
  // Encoder output [batch, src_len, dim]; fills `weights`, `queries` and `keys` (one per
  // layer) when not null.
  torch::Tensor encode(const torch::Tensor& source, const torch::Tensor& source_bias,
                       std::vector<torch::Tensor>* weights, std::vector<torch::Tensor>* queries = nullptr,
                       std::vector<torch::Tensor>* keys = nullptr);
  torch::Tensor logits(const torch::Tensor& hidden);  // [..., dim] -> [..., target_vocab]
  // An embedding or output matrix as used: its rows at unit length with fix_norm (cached
  // while the weights are unchanged, so decoding does not renormalise at every step).
  torch::Tensor used_weight(const torch::Tensor& weight);
  // Training with layer_drop: whether to skip the next layer (the torch generator, so that a
  // seed and a resumed checkpoint give the same draws).
  bool drop_layer();
  // Cross-attention memory for the rows of a step: keys/values per layer and padding bias with
  // one entry per group of `*group` consecutive rows. `sentence` [rows] holds each row's
  // sentence of the last start() (beam search keeps a sentence's hypotheses consecutive).
  void cross_memory(const torch::Tensor& sentence, std::int64_t* group);

  TransformerModelOptions options_;
  torch::nn::Embedding source_embedding_{nullptr};
  torch::nn::Embedding target_embedding_{nullptr};  // the same module when embeddings are shared
  torch::Tensor learned_positions_;                 // [max_positions, dim] (learned encodings only)
  torch::Tensor sinusoid_;                          // buffer [cached length, dim] (sinusoidal only)
  torch::nn::ModuleList encoder_layers_{nullptr}, decoder_layers_{nullptr};
  Norm encoder_norm_{nullptr}, decoder_norm_{nullptr};  // pre-norm only
  torch::nn::Linear output_{nullptr};                   // untied output only
  // fix_norm outside training: the unit-row matrix of a weight and the weight's version it was
  // computed from (every in-place update, an optimizer step or a load, bumps the version).
  struct UnitRows {
    torch::Tensor weight, unit;
    std::int64_t version = -1;
  };
  std::vector<UnitRows> unit_rows_;
  torch::nn::Dropout dropout_{nullptr};
  bool incremental_ = true;
  bool recording_ = false;
  std::int64_t self_columns_ = 0;
  torch::Tensor encoder_attention_, encoder_queries_, encoder_keys_;
  // Per sentence of the last start(): encoder keys/values of every decoder layer
  // ([batch, heads, src_len, head_dim]) and the source mask; kept out of the DecoderState so
  // that beam search does not copy them for every hypothesis at every step.
  std::vector<torch::Tensor> memory_keys_, memory_values_;
  torch::Tensor memory_mask_;
  // The selection of the memory for the current groups of rows (reused while unchanged).
  std::vector<std::int64_t> selected_sentences_;
  std::vector<torch::Tensor> selected_keys_, selected_values_;
  torch::Tensor selected_bias_;
};
TORCH_MODULE(TransformerModel);

}  // namespace mtbench::transformer
