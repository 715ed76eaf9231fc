#pragma once
// The built-in "transformer" system (Vaswani et al. 2017, see transformer_model.h) over a
// joint SentencePiece BPE vocabulary, trained with the shared neural loop (noam schedule,
// label smoothing, checkpoint averaging) and decoded by batched beam search with cached
// incremental state (systems/neural/neural_translator.h does both). Model directory: subword model, transformer.yaml
// (every option), model.pt (weights), plus checkpoints/ and training_log.jsonl from training.

#include <filesystem>
#include <string>
#include <vector>

#include "systems/neural/neural_system.h"
#include "systems/registry.h"
#include "systems/transformer/transformer_entry.h"
#include "systems/transformer/transformer_explanation.h"
#include "systems/transformer/transformer_model.h"
#include "systems/transformer/transformer_options.h"

namespace mtbench::transformer {

class TransformerTranslator : public neural::NeuralSystem<TransformerOptions, TransformerModel,
                                                          parse_transformer_options, transformer_options_yaml> {
 public:
  TransformerTranslator() : NeuralSystem("transformer.yaml") {}
  static SystemInfo static_info() { return transformer_info(); }
  SystemInfo info() const override { return static_info(); }

 protected:
  std::string describe_network() const override;
  // Every layer's and head's encoder self-, decoder self- and cross-attention, recorded by the
  // decoding pass itself, and the positional encodings (transformer_explanation.h).
  void begin_explaining(const std::vector<std::vector<std::int64_t>>& sources, const neural::DecodeOptions& decode,
                        int& batch_size, neural::BatchDone& batch_done) override;
  void end_explaining() override;
  Explanation explain(std::size_t index, const std::string& source, const neural::Hypothesis& best) override;

 private:
  std::vector<RecordedAttention> recorded_;  // per sentence of the call being explained
};

}  // namespace mtbench::transformer
