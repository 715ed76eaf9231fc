#pragma once
// The explicit registry of translation systems: built-ins are added by
// register_builtin_translators() (systems/builtin/builtin.h), plugins by the plugin loader.
// Never static self-registration.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/option_table.h"
#include "systems/translator.h"

namespace mtbench {

// How to make one system.
struct TranslatorEntry {
  SystemInfo info;                                      // metadata (info.name is the key)
  std::function<std::unique_ptr<Translator>()> create;  // factory
  std::string origin;                                   // "built-in" or the plugin's path
  std::vector<Preset> presets;                          // named presets ("quick", "full", ...); may be empty
  // The system's options with their values under a preset ("" = the default), for
  // `mtbench systems SYSTEM --options`; null when the system declares none (plugins).
  std::function<std::vector<OptionHelp>(const std::string& preset)> options;
  // Checks a training configuration (language pair, preset, options YAML; the other fields
  // are ignored) as train() would, without training: ConfigError on what train() would
  // reject. `compare` calls it for every system before the first training, `--dry-run`
  // included. Null when the system offers no check (plugins): then train() is the check.
  std::function<void(const TrainOptions& options)> check_config;
  // Translator::supports_pair without creating the translator (the neural systems' creation
  // loads LibTorch); null: supported_pair() asks a created translator.
  std::function<PairSupport(const std::string& source_lang, const std::string& target_lang)> supports_pair;
};

// Whether the system of `entry` supports a language pair: entry.supports_pair, or else the
// answer of a translator it creates.
PairSupport supported_pair(const TranslatorEntry& entry, const std::string& source_lang,
                           const std::string& target_lang);

// Gives `entry` the listing of a system's option table: its presets, and its options with
// the values `parse(preset)` yields.
template <typename S>
void add_option_listing(TranslatorEntry& entry, const OptionTable<S>& table, std::vector<Preset> presets,
                        std::function<S(const std::string& preset)> parse) {
  entry.presets = std::move(presets);
  entry.options = [&table, parse](const std::string& preset) { return table.help(parse(preset)); };
}

// The entry of a built-in system: a Translator type with a static static_info() and a
// default constructor.
template <typename T>
TranslatorEntry builtin_entry() {
  TranslatorEntry entry;
  entry.info = T::static_info();
  entry.origin = "built-in";
  entry.create = [] { return std::make_unique<T>(); };
  return entry;
}

class TranslatorRegistry {
 public:
  // The process-wide registry.
  static TranslatorRegistry& instance();

  // Adds a system; a second system with the same name is an Error naming both origins.
  void add(TranslatorEntry entry);
  // True when `name` is registered.
  bool contains(const std::string& name) const;
  // Creates a system; an unknown name is an Error listing the valid names.
  std::unique_ptr<Translator> create(const std::string& name) const;
  // The entry for `name` (Error if unknown, as create()).
  const TranslatorEntry& entry(const std::string& name) const;
  // All entries, ordered by year then name.
  std::vector<TranslatorEntry> entries() const;
  // Registered names, sorted.
  std::vector<std::string> names() const;

 private:
  mutable std::mutex mutex_;                        // guards entries_
  std::map<std::string, TranslatorEntry> entries_;  // by name
};

}  // namespace mtbench
