#include "systems/transformer/transformer_translator.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "systems/neural/checkpoint.h"

namespace mtbench::transformer {

std::string TransformerTranslator::describe_network() const {
  const auto& m = options_.model;
  return fmt::format("d={} h={} ff={} layers {}+{}, {}-norm", m.dim, m.heads, m.ffn_dim, m.encoder_layers,
                     m.decoder_layers, m.norm);
}

void TransformerTranslator::begin_explaining(const std::vector<std::vector<std::int64_t>>& sources,
                                             const neural::DecodeOptions& decode, int& batch_size,
                                             neural::BatchDone& batch_done) {
  std::size_t longest = 1;
  for (const auto& s : sources) longest = std::max(longest, s.size());
  recorded_.assign(sources.size(), RecordedAttention());
  // Room for every decoder step of the longest hypothesis (decoding.h's maximum length).
  const auto columns = static_cast<std::int64_t>(std::ceil(decode.max_length_a * static_cast<double>(longest)) +
                                                 decode.max_length_b + 2);
  network_->set_recording(true, columns);
  batch_size = std::min(batch_size, 16);  // per-step attention of every hypothesis is kept: bound the memory
  batch_done = [this](const std::vector<std::size_t>& positions) {
    const auto& encoder = network_->encoder_attention();  // [batch, layers, heads, src, src]
    const auto& queries = network_->encoder_queries();    // [batch, layers, heads, src, head_dim]
    const auto& keys = network_->encoder_keys();
    for (std::size_t b = 0; b < positions.size(); ++b) {
      auto& r = recorded_[positions[b]];
      r.encoder = encoder[static_cast<std::int64_t>(b)];
      if (positions[b] < static_cast<std::size_t>(options_.explain_neuron_sentences) && queries.defined()) {
        r.encoder_queries = queries[static_cast<std::int64_t>(b)];
        r.encoder_keys = keys[static_cast<std::int64_t>(b)];
      }
    }
  };
}

void TransformerTranslator::end_explaining() {
  network_->set_recording(false);
}

Explanation TransformerTranslator::explain(std::size_t index, const std::string& source,
                                           const neural::Hypothesis& best) {
  auto& r = recorded_[index];
  r.source_pieces = vocabulary().source_pieces(source);
  r.target_pieces = vocabulary().target_pieces(best.tokens);
  const std::int64_t steps =
      best.attention_columns > 0 ? static_cast<std::int64_t>(best.attention.size()) / best.attention_columns : 0;
  r.ended = steps > static_cast<std::int64_t>(best.tokens.size());
  r.decoder_rows = best.attention;
  r.columns = best.attention_columns;
  r.layers = options_.model.decoder_layers;
  r.heads = options_.model.heads;
  r.self_columns = network_->options().decoder_layers > 0 && r.columns > 0
                       ? r.columns / (r.layers * r.heads) - (r.encoder.defined() ? r.encoder.size(-1) : 0)
                       : 0;
  r.source_columns = r.encoder.defined() ? r.encoder.size(-1) : 0;
  torch::NoGradGuard no_grad;
  r.positions =
      network_->positional_encoding(std::max<std::int64_t>(static_cast<std::int64_t>(r.source_pieces.size()), steps));
  Explanation explanation = transformer_explanation(r, options_.explain_max_values);
  r = RecordedAttention();  // free as we go
  return explanation;
}

}  // namespace mtbench::transformer
