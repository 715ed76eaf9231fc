#pragma once
// The built-in "transformer" system (Vaswani et al. 2017, see transformer_model.h) over a
// joint SentencePiece BPE vocabulary, trained with the shared neural loop (noam schedule,
// label smoothing, checkpoint averaging) and decoded by batched beam search with cached
// incremental state. Model directory: subword model, transformer.yaml (every option),
// model.pt (weights), plus checkpoints/ and training_log.jsonl from training.

#include <filesystem>
#include <string>
#include <vector>

#include "systems/neural/decoding.h"
#include "systems/neural/vocabulary.h"
#include "systems/registry.h"
#include "systems/transformer/transformer_model.h"
#include "systems/transformer/transformer_options.h"
#include "systems/translator.h"

namespace mtbench::transformer {

class TransformerTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  // The network (null before train/load), for benchmarks and tests.
  TransformerModel model() const { return model_; }

 private:
  void build_model(const torch::Device& device);

  TransformerOptions options_;          // as trained
  neural::Vocabulary vocab_;            // subword model(s)
  TransformerModel model_{nullptr};     // the network
  torch::Device device_{torch::kCPU};   // where model_ lives
};

// Registry entry of "transformer".
TranslatorEntry transformer_translator_entry();

// Replaces dir/model.pt with the element-wise mean of `checkpoints` (model files or training
// checkpoints of the model in `dir`); the previous model.pt is kept as model.pt.bak. Returns
// the number of files averaged.
std::size_t average_transformer_checkpoints(const std::filesystem::path& dir,
                                            const std::vector<std::filesystem::path>& checkpoints);

}  // namespace mtbench::transformer
