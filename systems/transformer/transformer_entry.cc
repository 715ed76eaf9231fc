#include "systems/transformer/transformer_entry.h"

#include "systems/neural/neural_module.h"
#include "systems/transformer/transformer_options.h"

namespace mtbench::transformer {

SystemInfo transformer_info() {
  SystemInfo info;
  info.name = "transformer";
  info.title = "Transformer";
  info.era = "2017";
  info.year = 2017;
  info.paradigm = "neural";
  info.citation =
      "Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser & Polosukhin (2017), Attention Is All "
      "You Need, NeurIPS 2017";
  info.description =
      "Encoder-decoder built from multi-head self- and cross-attention with sinusoidal positional encodings, over a "
      "joint BPE vocabulary with shared embeddings; noam schedule, label smoothing, checkpoint averaging, beam search "
      "with cached incremental decoding.";
  return info;
}

TranslatorEntry transformer_translator_entry() {
  return neural::neural_entry(transformer_info(), transformer_option_table(), transformer_presets(),
                              parse_transformer_options, "transformer options");
}

}  // namespace mtbench::transformer
