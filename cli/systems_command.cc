// `mtbench systems`: every registered system (built-in and plugins) with era, year, paradigm,
// origin and the landmark paper it stands for; `mtbench systems SYSTEM --options` lists one
// system's presets and options from its option table.

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cli/app.h"
#include "systems/registry.h"

namespace mtbench::cli {
namespace {

// Chronological, with systems that have no landmark year (external) last.
std::vector<TranslatorEntry> ordered_entries() {
  auto entries = TranslatorRegistry::instance().entries();
  std::stable_partition(entries.begin(), entries.end(), [](const TranslatorEntry& e) { return e.info.year > 0; });
  return entries;
}

void print_text(const std::vector<TranslatorEntry>& entries) {
  std::size_t name_width = 4, era_width = 3, paradigm_width = 8;
  for (const auto& e : entries) {
    name_width = std::max(name_width, e.info.name.size());
    era_width = std::max(era_width, e.info.era.size());
    paradigm_width = std::max(paradigm_width, e.info.paradigm.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {:>4}  {:<{}}  {}\n", "NAME", name_width, "ERA", era_width, "YEAR",
                           "PARADIGM", paradigm_width, "ORIGIN");
  for (const auto& e : entries) {
    const std::string year = e.info.year > 0 ? std::to_string(e.info.year) : "-";
    std::cout << fmt::format("{:<{}}  {:<{}}  {:>4}  {:<{}}  {}\n", e.info.name, name_width, e.info.era, era_width,
                             year, e.info.paradigm, paradigm_width, e.origin);
    if (!e.info.title.empty()) std::cout << "    " << e.info.title << "\n";
    if (!e.info.citation.empty() && e.info.citation != "-") std::cout << "    paper: " << e.info.citation << "\n";
  }
}

void print_json(const std::vector<TranslatorEntry>& entries) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : entries) {
    out.push_back({{"name", e.info.name},
                   {"title", e.info.title},
                   {"era", e.info.era},
                   {"year", e.info.year},
                   {"paradigm", e.info.paradigm},
                   {"citation", e.info.citation},
                   {"description", e.info.description},
                   {"origin", e.origin}});
  }
  std::cout << out.dump(2) << "\n";
}

// `mtbench systems SYSTEM --options [--preset P]`: the system's presets and every option with
// its value under the preset and its help, from the system's option table.
void print_options(const TranslatorEntry& e, const std::string& preset, bool json) {
  if (!e.options) fail<ConfigError>("system '{}' declares no option table (its options are its own)", e.info.name);
  const auto options = e.options(preset);
  if (json) {
    nlohmann::json out = {{"system", e.info.name},
                          {"preset", preset},
                          {"presets", nlohmann::json::array()},
                          {"options", nlohmann::json::array()}};
    for (const auto& p : e.presets)
      if (!p.help.empty()) out["presets"].push_back({{"name", p.name}, {"help", p.help}});
    for (const auto& o : options) out["options"].push_back({{"key", o.key}, {"value", o.value}, {"help", o.help}});
    std::cout << out.dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("{} options{}\n", e.info.name, preset.empty() ? "" : " (preset " + preset + ")");
  bool any_preset = false;
  for (const auto& p : e.presets) {
    if (p.help.empty()) continue;
    if (!any_preset) std::cout << "presets:\n";
    any_preset = true;
    std::cout << fmt::format("  {:<10} {}\n", p.name, p.help);
  }
  std::size_t key_width = 3, value_width = 5;
  for (const auto& o : options) {
    key_width = std::max(key_width, o.key.size());
    value_width = std::max(value_width, o.value.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {}\n", "KEY", key_width, "VALUE", value_width, "MEANING");
  for (const auto& o : options)
    std::cout << fmt::format("{:<{}}  {:<{}}  {}\n", o.key, key_width, o.value, value_width, o.help);
}

}  // namespace

void add_systems_command(CLI::App& app, GlobalOptions& global) {
  auto* sub = app.add_subcommand("systems", "List the translation systems (built-in and plugins)");
  sub->footer(
      "Plugins are loaded from every --plugin-dir DIR (before the subcommand) and from each "
      "directory "
      "of MTBENCH_PLUGIN_PATH (colon-separated).");
  auto json = std::make_shared<bool>(false);
  auto system = std::make_shared<std::string>();
  auto options = std::make_shared<bool>(false);
  auto preset = std::make_shared<std::string>();
  sub->add_option("system", *system, "With --options: the system to describe");
  sub->add_flag("--json", *json, "Print JSON instead of a table");
  sub->add_flag("--options", *options, "List SYSTEM's presets and options (key, value, meaning)");
  sub->add_option("--preset", *preset, "With --options: the values under this preset (default: the system's)");
  sub->callback([&global, json, system, options, preset] {
    apply_global_options(global);
    if (*options || !system->empty() || !preset->empty()) {
      if (system->empty() || !*options) fail<ConfigError>("use `mtbench systems SYSTEM --options [--preset P]`");
      print_options(TranslatorRegistry::instance().entry(*system), *preset, *json);
      return;
    }
    const auto entries = ordered_entries();
    if (*json) {
      print_json(entries);
    } else {
      print_text(entries);
    }
  });
}

}  // namespace mtbench::cli
