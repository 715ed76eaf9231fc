#pragma once
// Loads the neural module (neural_module_api.h) on first use. Everything here is free of
// LibTorch: it is what the mtbench executable links.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/option_table.h"
#include "systems/registry.h"
#include "systems/translator.h"

namespace mtbench::neural {

// A new rnn-attention or Transformer system from the module (loaded now if needed). Error
// naming every place looked at when the module cannot be loaded.
std::unique_ptr<Translator> create_neural_translator(const std::string& system_name);

// `mtbench average`: NeuralTranslator::average_checkpoints of a model of `system_name` (Error
// when the module has no such system).
std::size_t average_checkpoints(const std::string& system_name, const std::filesystem::path& dir,
                                const std::vector<std::filesystem::path>& checkpoints);

// `mtbench translate --model A --model B ...`: makes `first` decode as an ensemble with
// `members` (NeuralTranslator::ensemble_with); all must be neural models loaded from the
// module, `names` label them in errors (first, then one per member).
void ensemble_translators(Translator& first, std::vector<std::unique_ptr<Translator>> members,
                          const std::vector<std::string>& names);

// Sets LibTorch's thread count now if the module is loaded, else when it loads.
void set_neural_threads(int threads);

// Loads the module and throws ConfigError when `device` is not usable by its LibTorch (e.g.
// "cuda" on a CPU build), before any work is started.
void check_neural_device(const std::string& device);

// True once the module (and so LibTorch) is loaded in this process.
bool neural_module_loaded();

// The registry entry of a built-in neural system: metadata, option listing and the
// pre-training check come from the executable; the system itself from the module. `parse` is
// the system's parser (yaml, preset, origin), `what` names its options in messages.
template <typename Options>
TranslatorEntry neural_entry(SystemInfo info, const OptionTable<Options>& table, std::vector<Preset> presets,
                             Options (*parse)(const std::string&, const std::string&, const std::string&),
                             std::string what) {
  TranslatorEntry entry;
  entry.info = std::move(info);
  entry.origin = "built-in";
  entry.create = [name = entry.info.name] { return create_neural_translator(name); };
  add_option_listing<Options>(entry, table, std::move(presets),
                              [parse, what](const std::string& preset) { return parse("", preset, what); });
  entry.check_config = [parse, what](const TrainOptions& o) {
    parse(o.config_yaml, o.preset, o.config_origin.empty() ? what : o.config_origin);
  };
  // Every pair, answered without loading the module (Translator's default).
  entry.supports_pair = [](const std::string&, const std::string&) {
    return PairSupport{true, "any pair it is trained on", ""};
  };
  return entry;
}

}  // namespace mtbench::neural
