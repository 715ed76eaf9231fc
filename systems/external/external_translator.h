#pragma once
// The `external` system: lets an outside MT system join a comparison without training, either
// as a line-filter command (stdin to stdout, one output line per input line) or as a file of
// pre-computed outputs. "Training" only validates and stores the configuration (and, for
// outputs, a copy of the file, so the model directory is self-contained).

#include <string>
#include <vector>

#include "systems/external/external_options.h"
#include "systems/registry.h"
#include "systems/translator.h"

namespace mtbench::external {

class ExternalTranslator final : public Translator {
 public:
  SystemInfo info() const override;
  // Parses options.config_yaml (ConfigError on bad keys); reads the outputs file if given.
  void train(const TrainData& data, const TrainOptions& options) override;
  // Writes external.yaml (and outputs.txt in outputs mode).
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  // Runs the command or returns the stored outputs; a line-count mismatch is a DataError
  // naming both counts and the command or file.
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  // Configures directly (what train() does with parsed YAML); for tests and the harness.
  void configure(const ExternalOptions& options, const std::string& origin);

 private:
  ExternalOptions options_;           // command or outputs
  std::vector<std::string> outputs_;  // pre-computed outputs (outputs mode)
  std::string outputs_origin_;        // where outputs_ came from, for messages
  std::size_t replay_offset_ = 0;     // outputs mode: first line the next translate() call replays
  bool configured_ = false;           // train(), configure() or load() was called
};

// The registry entry (name "external", origin "built-in").
TranslatorEntry external_translator_entry();

}  // namespace mtbench::external
