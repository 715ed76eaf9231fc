#pragma once
// Every check `compare` performs before its first training, in one place, so that
// `--dry-run` rejects exactly the configurations the real run would reject (after hours of
// training, in the worst case).

#include "compare/config.h"
#include "systems/registry.h"

namespace mtbench::compare {

// validate_compare_config(), then the dataset (known name, languages, splits; nothing is
// downloaded) and every system's own check of its language pair, preset and options
// (TranslatorEntry::check_config). Throws ConfigError naming the config file and the key.
void check_comparison(const CompareConfig& config, const TranslatorRegistry& registry);

// Whether `system` trains (false for precomputed outputs).
inline bool needs_training(const SystemConfig& system) {
  return system.outputs.empty();
}

}  // namespace mtbench::compare
