#include "systems/rnn_attention/rnn_translator.h"

#include <fmt/format.h>

#include "systems/rnn_attention/word_attention.h"

namespace mtbench::rnn_attention {

std::string RnnAttentionTranslator::describe_network() const {
  const auto& m = options_.model;
  return fmt::format("bidirectional GRU encoder 2x{}, GRU decoder {}, embeddings {}, {} attention{}", m.encoder_dim,
                     m.decoder_dim, m.embedding_dim, m.attention,
                     m.deep_output ? fmt::format(", maxout output {}", m.output_dim) : "");
}

Explanation RnnAttentionTranslator::explain(std::size_t, const std::string& source, const neural::Hypothesis& best) {
  return attention_explanation(vocabulary().source_pieces(source), vocabulary().target_pieces(best.tokens),
                               best.attention, best.attention_columns);
}

Explanation RnnEncDecTranslator::explain(std::size_t, const std::string& source, const neural::Hypothesis& best) {
  Explanation e;
  e.source_tokens = vocabulary().source_pieces(source);
  e.target_tokens = vocabulary().target_pieces(best.tokens);
  return e;
}

}  // namespace mtbench::rnn_attention
