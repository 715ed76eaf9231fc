#include "systems/rnn_attention/rnn_translator.h"

#include <fmt/format.h>

#include "systems/rnn_attention/word_attention.h"

namespace mtbench::rnn_attention {

SystemInfo RnnAttentionTranslator::static_info() {
  SystemInfo info;
  info.name = "rnn-attention";
  info.title = "RNN encoder-decoder with attention";
  info.era = "2014";
  info.year = 2014;
  info.paradigm = "neural";
  info.citation =
      "Bahdanau, Cho & Bengio (2014), Neural Machine Translation by Jointly Learning to Align and Translate, ICLR 2015";
  info.description =
      "RNNsearch: bidirectional GRU encoder, additive attention, GRU decoder with maxout deep output, over BPE "
      "subwords; Adam training with early stopping on dev BLEU, beam search with length normalization.";
  return info;
}

TranslatorEntry rnn_attention_translator_entry() {
  TranslatorEntry entry = builtin_entry<RnnAttentionTranslator>();
  add_option_listing<RnnOptions>(entry, rnn_option_table(), rnn_presets(), [](const std::string& preset) {
    return parse_rnn_options("", preset, "rnn-attention options");
  });
  entry.check_config = [](const TrainOptions& o) {
    parse_rnn_options(o.config_yaml, o.preset, o.config_origin.empty() ? "rnn-attention options" : o.config_origin);
  };
  return entry;
}

std::string RnnAttentionTranslator::describe_network() const {
  return fmt::format("{} attention", options_.model.attention);
}

Explanation RnnAttentionTranslator::explain(std::size_t, const std::string& source, const neural::Hypothesis& best) {
  return attention_explanation(vocabulary().source_pieces(source), vocabulary().target_pieces(best.tokens),
                               best.attention, best.attention_columns);
}

}  // namespace mtbench::rnn_attention
