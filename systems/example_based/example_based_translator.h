#pragma once
// The 1984 era system: example-based MT, translation by analogy (Nagao 1984): the training
// pairs are kept as examples with their word alignment (the shared aligner, both directions,
// grow-diag-final-and); a sentence is translated by retrieving the most similar example,
// adapting its translation where the sentences differ, and filling the differences with
// fragments of other examples (systems/example_based/example_base.h). No probabilities are
// trained and no language model is used: the examples are the model.

#include <filesystem>
#include <string>
#include <vector>

#include "corpus/truecaser.h"
#include "systems/example_based/example_base.h"
#include "systems/example_based/options.h"
#include "systems/registry.h"
#include "systems/translator.h"

namespace mtbench::example_based {

class ExampleBasedTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  const ExampleBase& example_base() const { return base_; }

 private:
  std::vector<std::string> prepare(const std::string& raw) const;

  ExampleBasedOptions options_;     // system options (saved)
  std::string source_lang_ = "de";  // tokenizer language of the source
  std::string target_lang_ = "en";  // tokenizer language of the target
  Truecaser source_truecaser_;      // source-side casing model
  Truecaser target_truecaser_;      // target-side casing model
  ExampleBase base_;                // the examples and their index
  bool trained_ = false;            // train() or load() succeeded
};

// The registry entry of the built-in "example-based" system.
TranslatorEntry example_based_translator_entry();

}  // namespace mtbench::example_based
