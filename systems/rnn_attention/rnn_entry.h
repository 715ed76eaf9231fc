#pragma once
// The registry entry of "rnn-attention", free of LibTorch: metadata, presets, the option listing
// and the pre-training check come from here; the system itself is created in the neural
// module (systems/neural/neural_module.h), loaded on first use.

#include "systems/registry.h"

namespace mtbench::rnn_attention {

// What the system is (name, era, citation).
SystemInfo rnn_attention_info();

// Registry entry of "rnn-attention".
TranslatorEntry rnn_attention_translator_entry();

// "rnn-encdec": the same network without attention (Cho et al. 2014), same presets.
SystemInfo rnn_encdec_info();
TranslatorEntry rnn_encdec_translator_entry();

}  // namespace mtbench::rnn_attention
