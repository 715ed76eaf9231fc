#pragma once
// Every check `compare` performs before its first training, in one place, so that
// `--dry-run` rejects exactly the configurations the real run would reject (after hours of
// training, in the worst case).

#include <vector>

#include "compare/config.h"
#include "compare/results.h"
#include "systems/registry.h"

namespace mtbench::compare {

// validate_compare_config(), then the dataset (known name, languages, splits; nothing is
// downloaded), which systems support the language pair (Translator::supports_pair) and every
// system's own check of its language pair, preset and options (TranslatorEntry::check_config).
// Throws ConfigError naming the config file and the key. With `on_unsupported: skip` a system
// that does not support the pair is not an error: it is returned (stage "plan"), and the run
// leaves it out; when that leaves no system, it is an error again.
std::vector<LeftOutSystem> check_comparison(const CompareConfig& config, const TranslatorRegistry& registry);

// The data given as files (train, dev, test sets), read as the run would read it: UTF-8,
// equal line counts, no empty file. Dataset splits are checked by checksum when fetched.
// For `--dry-run`; the run itself reads all data before its first training.
void check_data_files(const CompareConfig& config);

// `config` without the systems in `left_out`.
CompareConfig without_systems(CompareConfig config, const std::vector<LeftOutSystem>& left_out);

// Whether `system` trains (false for precomputed outputs).
inline bool needs_training(const SystemConfig& system) {
  return system.outputs.empty();
}

}  // namespace mtbench::compare
