#pragma once
// Typed options of the example-based system, parsed from the training YAML (unknown keys are a
// ConfigError) and saved with the model so that translation uses the same settings.

#include <string>
#include <vector>

#include "base/option_table.h"

namespace mtbench::example_based {

struct ExampleBasedOptions {
  int align_iterations = 5;      // EM iterations per direction of the word alignment
  int max_sentence_length = 80;  // training pairs longer than this (tokens) are not examples
  int retrieve_candidates = 50;  // examples ranked by the index before fuzzy matching
  int max_fragment_length = 4;   // longest source fragment looked up in other examples
  int fragment_examples = 40;    // examples inspected per fragment lookup
};

// Every option, declared once: key, member, help, validator (base/option_table.h).
const OptionTable<ExampleBasedOptions>& example_based_option_table();
// The presets: "full" (the default) and "quick".
const std::vector<Preset>& example_based_presets();

ExampleBasedOptions parse_example_based_options(const std::string& yaml, const std::string& preset,
                                                const std::string& origin);
std::string example_based_options_yaml(const ExampleBasedOptions& options);

}  // namespace mtbench::example_based
