// The entry point of the neural module (systems/neural/neural_module_api.h): the rnn-attention
// and Transformer systems with LibTorch, loaded by mtbench on first use.

#include <memory>
#include <string>
#include <vector>

#include "base/error.h"
#include "systems/neural/cpu_block_cache.h"
#include "systems/neural/neural_module_api.h"
#include "systems/neural/threads.h"
#include "systems/rnn_attention/rnn_translator.h"
#include "systems/transformer/transformer_translator.h"

namespace {

mtbench::Translator* create(const char* name) {
  const std::string system = name;
  if (system == mtbench::rnn_attention::rnn_attention_info().name)
    return new mtbench::rnn_attention::RnnAttentionTranslator();
  if (system == mtbench::rnn_attention::rnn_encdec_info().name)
    return new mtbench::rnn_attention::RnnEncDecTranslator();
  if (system == mtbench::transformer::transformer_info().name) return new mtbench::transformer::TransformerTranslator();
  return nullptr;
}

std::size_t average(const char* name, const std::filesystem::path& dir,
                    const std::vector<std::filesystem::path>& checkpoints) {
  std::unique_ptr<mtbench::Translator> translator(create(name));
  auto* neural = dynamic_cast<mtbench::neural::NeuralTranslator*>(translator.get());
  if (!neural) mtbench::fail<mtbench::ConfigError>("the neural module has no system '{}' to average", name);
  return neural->average_checkpoints(dir, checkpoints);
}

void ensemble(mtbench::Translator& first, std::vector<std::unique_ptr<mtbench::Translator>>& members,
              const std::vector<std::string>& names) {
  auto* neural = dynamic_cast<mtbench::neural::NeuralTranslator*>(&first);
  if (!neural)
    mtbench::fail<mtbench::ConfigError>("{}: not a neural model; an ensemble decodes neural models only",
                                        names.empty() ? std::string("the first model") : names.front());
  neural->ensemble_with(std::move(members), names);
}

void set_threads(int threads) {
  mtbench::neural::set_torch_threads(threads);
}

const char* check_device(const char* device) {
  static thread_local std::string message;
  try {
    mtbench::neural::resolve_device(device);
    message.clear();
  } catch (const std::exception& e) {
    message = e.what();
  }
  return message.c_str();
}

const mtbench::neural::NeuralModuleApi kApi = {
    mtbench::neural::kNeuralModuleVersion, create, average, ensemble, set_threads, check_device};

}  // namespace

extern "C" __attribute__((visibility("default"))) const mtbench::neural::NeuralModuleApi* mtbench_neural_module() {
  // Before any tensor of this process: LibTorch's CPU tensors come from the block cache.
  mtbench::neural::install_cpu_block_cache();
  return &kApi;
}
