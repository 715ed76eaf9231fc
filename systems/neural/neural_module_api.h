#pragma once
// The interface between mtbench and its neural module (libmtbench_neural.so), which holds the
// rnn-attention and Transformer systems and LibTorch. Loading LibTorch costs most of a
// second and ~280 shared libraries, so only commands that use a neural system pay for it:
// `score`, `lm`, `align`, `corpus` and `report` start without it. Built from the same
// sources as mtbench; the version guards against a stale module from another build.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace mtbench {
class Translator;
}

namespace mtbench::neural {

inline constexpr int kNeuralModuleVersion = 4;
inline constexpr const char* kNeuralModuleEntryPoint = "mtbench_neural_module";

// What the module exports through its entry point.
struct NeuralModuleApi {
  int version;                                     // kNeuralModuleVersion of the module's build
  Translator* (*create)(const char* system_name);  // a new neural system (nullptr for other names)
  // Averages checkpoint files into DIR/model.pt of a model of the named neural system
  // (NeuralTranslator::average_checkpoints); returns how many.
  std::size_t (*average)(const char* system_name, const std::filesystem::path& dir,
                         const std::vector<std::filesystem::path>& checkpoints);
  // Makes `first` (a neural system the module created) decode as an ensemble with `members`
  // (NeuralTranslator::ensemble_with; `names` label the models in errors). Errors are thrown.
  void (*ensemble)(Translator& first, std::vector<std::unique_ptr<Translator>>& members,
                   const std::vector<std::string>& names);
  void (*set_threads)(int threads);  // LibTorch's intra-op thread count
  // "" when `device` ("cpu", "cuda") is usable by this LibTorch, else why not.
  const char* (*check_device)(const char* device);
};

}  // namespace mtbench::neural
