#pragma once
// The built-in "rnn-attention" system: RNNsearch (Bahdanau et al. 2014, see rnn_model.h)
// over SentencePiece BPE, trained with the shared neural loop and decoded by beam search.
// Model directory: subword model(s), rnn.yaml (every option), model.pt (weights), plus
// checkpoints/ and training_log.jsonl from training.

#include <filesystem>
#include <string>
#include <vector>

#include "systems/neural/threads.h"
#include "systems/neural/vocabulary.h"
#include "systems/registry.h"
#include "systems/rnn_attention/rnn_model.h"
#include "systems/rnn_attention/rnn_options.h"
#include "systems/translator.h"

namespace mtbench::rnn {

class RnnAttentionTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

 private:
  // Decodes sentences already split into ids (greedy when beam_size is 1 and nbest 1).
  std::vector<std::vector<neural::Hypothesis>> decode(const std::vector<std::vector<std::int64_t>>& sources,
                                                      const neural::DecodeOptions& options, Progress* progress);
  void build_model(const torch::Device& device);

  RnnOptions options_;          // as trained
  neural::Vocabulary vocab_;    // subword models
  RnnModel model_{nullptr};     // the network (null before train/load)
  torch::Device device_{torch::kCPU};  // where model_ lives
};

// Registry entry of "rnn-attention".
TranslatorEntry rnn_attention_translator_entry();

using neural::resolve_device;

}  // namespace mtbench::rnn
