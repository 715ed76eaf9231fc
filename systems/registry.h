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

#include "systems/translator.h"

namespace mtbench {

// How to make one system.
struct TranslatorEntry {
  SystemInfo info;                                     // metadata (info.name is the key)
  std::function<std::unique_ptr<Translator>()> create;  // factory
  std::string origin;                                  // "built-in" or the plugin's path
};

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
  mutable std::mutex mutex_;                       // guards entries_
  std::map<std::string, TranslatorEntry> entries_;  // by name
};

}  // namespace mtbench
