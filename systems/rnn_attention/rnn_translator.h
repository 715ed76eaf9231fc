#pragma once
// The built-in "rnn-attention" system: RNNsearch (Bahdanau et al. 2014, see rnn_model.h)
// over SentencePiece BPE, trained with the shared neural loop and decoded by beam search
// (systems/neural/neural_translator.h does both). Model directory: subword model(s), rnn.yaml
// (every option), model.pt (weights), plus checkpoints/ and training_log.jsonl from training.

#include <string>

#include "systems/neural/neural_translator.h"
#include "systems/neural/threads.h"
#include "systems/registry.h"
#include "systems/rnn_attention/rnn_model.h"
#include "systems/rnn_attention/rnn_options.h"

namespace mtbench::rnn {

class RnnAttentionTranslator : public neural::NeuralTranslator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }

 protected:
  std::string options_file() const override { return "rnn.yaml"; }
  void set_options(const std::string& yaml, const std::string& preset, const std::string& origin) override;
  std::string options_yaml() const override;
  const neural::CommonOptions& common_options() const override { return options_.common; }
  neural::EncoderDecoder& build_network(std::int64_t source_vocab, std::int64_t target_vocab,
                                        std::int64_t pad_id) override;
  std::string describe_network() const override;
  // Section 3.1's alignment model weights, per subword and summed to words.
  Explanation explain(std::size_t index, const std::string& source, const neural::Hypothesis& best) override;

 private:
  RnnOptions options_;       // as trained
  RnnModel model_{nullptr};  // the network (null before train/load)
};

// Registry entry of "rnn-attention".
TranslatorEntry rnn_attention_translator_entry();

using neural::resolve_device;

}  // namespace mtbench::rnn
