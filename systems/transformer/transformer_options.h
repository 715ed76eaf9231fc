#pragma once
// Options of the transformer system: architecture keys plus the common neural keys
// (systems/neural/trainer_options.h), from YAML over a preset. Unknown keys are errors.
//
// Presets are budgets in updates, so the same config, seed and thread count train the same
// model on a fast or a busy machine (issue #16); a preset's max_minutes is a cap that is
// reported as the stop reason when it fires. "quick" (about 5 minutes on 2 CPU cores), "full"
// (the default: a small model for 29k sentence pairs, about an hour on 2 CPU cores) and
// "base" (the paper's base model, for a GPU). All use the paper's schedule ("noam": learning_rate is the schedule's
// factor, so the peak rate is learning_rate * d^-0.5 * warmup^-0.5), label smoothing 0.1 and Adam with beta2 = 0.98
// (sec. 5.3, 5.4).

#include <string>
#include <vector>

#include "base/option_table.h"

#include "systems/neural/trainer_options.h"
#include "systems/transformer/transformer_model_options.h"

namespace mtbench::transformer {

// Everything configurable.
struct TransformerOptions {
  TransformerModelOptions model;     // architecture (vocabulary sizes filled in after training BPE)
  neural::CommonOptions common;      // vocabulary, training loop, decoding
  int explain_max_values = 60000;    // explanations: attention values kept per sentence (the
                                     // layers nearest the output are kept first)
  int explain_neuron_sentences = 5;  // explanations: the first N sentences of a call also keep the
                                     // encoder's queries and keys of every layer and head (neuron view)
};

// Every option, declared once: key, member, help, validator (base/option_table.h).
const OptionTable<TransformerOptions>& transformer_option_table();
// The presets: "full" (the default), "quick", "base", each over the paper's training settings.
const std::vector<Preset>& transformer_presets();

// Parses `yaml` (may be empty) over `preset` ("", "full", "quick", "base"); errors name `origin`.
TransformerOptions parse_transformer_options(const std::string& yaml, const std::string& preset,
                                             const std::string& origin);
// YAML text of every option (round-trips through parse_transformer_options).
std::string transformer_options_yaml(const TransformerOptions& options);

}  // namespace mtbench::transformer
