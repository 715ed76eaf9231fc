#pragma once
// The options-and-network half every neural system shares, on top of NeuralTranslator: a
// system names its options struct (with `model` and `common` members), its parse and YAML
// functions (its option table) and its network (a TORCH_MODULE holder built from
// `Options::model`); what is left to it is its metadata, one line describing the network
// and its explanations.

#include <cstdint>
#include <string>
#include <utility>

#include "systems/neural/neural_translator.h"

namespace mtbench::neural {

template <typename Options, typename Network,
          Options (*parse)(const std::string&, const std::string&, const std::string&),
          std::string (*to_yaml)(const Options&)>
class NeuralSystem : public NeuralTranslator {
 public:
  // `options_file`: the options' file name inside a model directory, e.g. "rnn.yaml".
  explicit NeuralSystem(std::string options_file) : options_file_(std::move(options_file)) {}

  // The network (null before train/load), for benchmarks, tests and checkpoint averaging.
  Network network() const { return network_; }

 protected:
  std::string options_file() const final { return options_file_; }
  void set_options(const std::string& yaml, const std::string& preset, const std::string& origin) final {
    options_ = parse(yaml, preset, origin);
  }
  std::string options_yaml() const final { return to_yaml(options_); }
  const CommonOptions& common_options() const final { return options_.common; }
  // The vocabulary sizes are known only after the subword models are trained.
  EncoderDecoder& build_network(std::int64_t source_vocab, std::int64_t target_vocab, std::int64_t pad_id) final {
    options_.model.source_vocab = static_cast<int>(source_vocab);
    options_.model.target_vocab = static_cast<int>(target_vocab);
    options_.model.pad_id = pad_id;
    network_ = Network(options_.model);
    return *network_;
  }

  Options options_;           // as trained or loaded
  Network network_{nullptr};  // the network (null before train/load)

 private:
  std::string options_file_;  // e.g. "rnn.yaml"
};

}  // namespace mtbench::neural
