#include "systems/rnn_attention/rnn_entry.h"

#include "systems/neural/neural_module.h"
#include "systems/rnn_attention/rnn_options.h"

namespace mtbench::rnn_attention {

SystemInfo rnn_attention_info() {
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
  return neural::neural_entry(rnn_attention_info(), rnn_option_table(), rnn_presets(), parse_rnn_options,
                              "rnn-attention options");
}

SystemInfo rnn_encdec_info() {
  SystemInfo info;
  info.name = "rnn-encdec";
  info.title = "RNN encoder-decoder without attention";
  info.era = "2014";
  info.year = 2014;
  info.paradigm = "neural";
  info.citation =
      "Cho et al. (2014), Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine "
      "Translation, EMNLP 2014; Sutskever, Vinyals & Le (2014), Sequence to Sequence Learning with Neural Networks";
  info.description =
      "RNNencdec: the rnn-attention network with its attention removed; the encoder's final states are the only "
      "context of every decoder step, the fixed-length bottleneck that attention was invented to remove "
      "(Bahdanau et al. 2014, fig. 2).";
  return info;
}

TranslatorEntry rnn_encdec_translator_entry() {
  return neural::neural_entry(rnn_encdec_info(), rnn_option_table(), rnn_encdec_presets(), parse_rnn_encdec_options,
                              "rnn-encdec options");
}

}  // namespace mtbench::rnn_attention
