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
  TranslatorEntry entry;
  entry.info = transformer_info();
  entry.origin = "built-in";
  entry.create = [] { return neural::create_neural_translator(transformer_info().name); };
  add_option_listing<TransformerOptions>(
      entry, transformer_option_table(), transformer_presets(),
      [](const std::string& preset) { return parse_transformer_options("", preset, "transformer options"); });
  entry.check_config = [](const TrainOptions& o) {
    parse_transformer_options(o.config_yaml, o.preset,
                              o.config_origin.empty() ? "transformer options" : o.config_origin);
  };
  return entry;
}

}  // namespace mtbench::transformer
