#pragma once
// Loads the neural module (neural_module_api.h) on first use. Everything here is free of
// LibTorch: it is what the mtbench executable links.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "systems/translator.h"

namespace mtbench::neural {

// A new rnn-attention or Transformer system from the module (loaded now if needed). Error
// naming every place looked at when the module cannot be loaded.
std::unique_ptr<Translator> create_neural_translator(const std::string& system_name);

// `mtbench average`: see transformer::average_transformer_checkpoints.
std::size_t average_transformer_checkpoints(const std::filesystem::path& dir,
                                            const std::vector<std::filesystem::path>& checkpoints);

// Sets LibTorch's thread count now if the module is loaded, else when it loads.
void set_neural_threads(int threads);

// True once the module (and so LibTorch) is loaded in this process.
bool neural_module_loaded();

}  // namespace mtbench::neural
