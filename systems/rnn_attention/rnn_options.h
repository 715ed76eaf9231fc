#pragma once
// Options of the rnn-attention system: architecture keys plus the common neural keys
// (systems/neural/trainer_options.h), from YAML over a preset. Unknown keys are errors.
//
// Presets are budgets in updates (issue #16: the same config, seed and thread count train the
// same model on any machine): "quick" trains a small model for 920 updates (about 5.5 minutes
// on 2 CPU cores, capped at 6); "full" (the default) the larger one for 3,000 updates with early
// stopping on dev BLEU (about an hour).

#include <string>
#include <vector>

#include "base/option_table.h"

#include "systems/neural/trainer_options.h"
#include "systems/rnn_attention/rnn_model_options.h"

namespace mtbench::rnn_attention {

// Everything configurable.
struct RnnOptions {
  RnnModelOptions model;         // architecture (vocabulary sizes filled in after training BPE)
  neural::CommonOptions common;  // vocabulary, training loop, decoding
};

// Every option, declared once: key, member, help, validator (base/option_table.h).
const OptionTable<RnnOptions>& rnn_option_table();
// The presets: "full" (the default) and "quick" (over "full").
const std::vector<Preset>& rnn_presets();

// Parses `yaml` (may be empty) over `preset` ("", "full", "quick"); errors name `origin`.
RnnOptions parse_rnn_options(const std::string& yaml, const std::string& preset, const std::string& origin);
// rnn-encdec (Cho et al. 2014): the same table and presets with `attention: none`; any
// other attention is refused (that model is rnn-attention).
const std::vector<Preset>& rnn_encdec_presets();
RnnOptions parse_rnn_encdec_options(const std::string& yaml, const std::string& preset, const std::string& origin);
// YAML text of every option (round-trips through parse_rnn_options).
std::string rnn_options_yaml(const RnnOptions& options);

}  // namespace mtbench::rnn_attention
