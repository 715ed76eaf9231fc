#include "systems/registry.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"

namespace mtbench {

PairSupport supported_pair(const TranslatorEntry& entry, const std::string& source_lang,
                           const std::string& target_lang) {
  if (entry.supports_pair) return entry.supports_pair(source_lang, target_lang);
  return entry.create()->supports_pair(source_lang, target_lang);
}

TranslatorRegistry& TranslatorRegistry::instance() {
  static TranslatorRegistry registry;
  return registry;
}

void TranslatorRegistry::add(TranslatorEntry entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::string name = entry.info.name;
  if (name.empty()) fail("cannot register a system without a name (from {})", entry.origin);
  auto it = entries_.find(name);
  if (it != entries_.end()) {
    fail("system '{}' from {} is already registered from {}", name, entry.origin, it->second.origin);
  }
  entries_.emplace(name, std::move(entry));
}

bool TranslatorRegistry::contains(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_.count(name) > 0;
}

const TranslatorEntry& TranslatorRegistry::entry(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) {
    std::vector<std::string> valid;
    for (const auto& [key, value] : entries_) valid.push_back(key);
    fail("unknown system '{}'; valid systems: {}", name, fmt::join(valid, ", "));
  }
  return it->second;
}

std::unique_ptr<Translator> TranslatorRegistry::create(const std::string& name) const {
  const TranslatorEntry& e = entry(name);
  auto translator = e.create();
  if (!translator) fail("system '{}' ({}) failed to create an instance", name, e.origin);
  return translator;
}

std::vector<TranslatorEntry> TranslatorRegistry::entries() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<TranslatorEntry> out;
  for (const auto& [key, value] : entries_) out.push_back(value);
  std::stable_sort(out.begin(), out.end(),
                   [](const TranslatorEntry& a, const TranslatorEntry& b) { return a.info.year < b.info.year; });
  return out;
}

std::vector<std::string> TranslatorRegistry::names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [key, value] : entries_) out.push_back(key);
  return out;
}

}  // namespace mtbench
