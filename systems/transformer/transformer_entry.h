#pragma once
// The registry entry of "transformer", free of LibTorch: metadata, presets, the option listing
// and the pre-training check come from here; the system itself is created in the neural
// module (systems/neural/neural_module.h), loaded on first use.

#include "systems/registry.h"

namespace mtbench::transformer {

// What the system is (name, era, citation).
SystemInfo transformer_info();

// Registry entry of "transformer".
TranslatorEntry transformer_translator_entry();

}  // namespace mtbench::transformer
