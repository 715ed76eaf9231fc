#pragma once
// The built-in "rnn-attention" system: RNNsearch (Bahdanau et al. 2014, see rnn_model.h)
// over SentencePiece BPE, trained with the shared neural loop and decoded by beam search
// (systems/neural/neural_translator.h does both). Model directory: subword model(s), rnn.yaml
// (every option), model.pt (weights), plus checkpoints/ and training_log.jsonl from training.

#include <string>

#include "systems/neural/neural_system.h"
#include "systems/neural/threads.h"
#include "systems/registry.h"
#include "systems/rnn_attention/rnn_entry.h"
#include "systems/rnn_attention/rnn_model.h"
#include "systems/rnn_attention/rnn_options.h"

namespace mtbench::rnn_attention {

class RnnAttentionTranslator : public neural::NeuralSystem<RnnOptions, RnnModel, parse_rnn_options, rnn_options_yaml> {
 public:
  RnnAttentionTranslator() : NeuralSystem("rnn.yaml") {}
  static SystemInfo static_info() { return rnn_attention_info(); }
  SystemInfo info() const override { return static_info(); }

 protected:
  std::string describe_network() const override;
  // Section 3.1's alignment model weights, per subword and summed to words.
  Explanation explain(std::size_t index, const std::string& source, const neural::Hypothesis& best) override;
};

// "rnn-encdec": the same network with `attention: none` (rnn_model.h). No alignment to
// explain: its explanation is the subword segmentation of source and output.
class RnnEncDecTranslator
    : public neural::NeuralSystem<RnnOptions, RnnModel, parse_rnn_encdec_options, rnn_options_yaml> {
 public:
  RnnEncDecTranslator() : NeuralSystem("rnn.yaml") {}
  static SystemInfo static_info() { return rnn_encdec_info(); }
  SystemInfo info() const override { return static_info(); }

 protected:
  std::string describe_network() const override { return "no attention (fixed-length context)"; }
  Explanation explain(std::size_t index, const std::string& source, const neural::Hypothesis& best) override;
};

using neural::resolve_device;

}  // namespace mtbench::rnn_attention
