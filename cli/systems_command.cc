// `mtbench systems`: every registered system (built-in and plugins) with era, year, paradigm,
// origin and the landmark paper it stands for.

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "systems/registry.h"

namespace mtbench::cli {
namespace {

// Chronological, with systems that have no landmark year (external) last.
std::vector<TranslatorEntry> ordered_entries() {
  auto entries = TranslatorRegistry::instance().entries();
  std::stable_partition(entries.begin(), entries.end(),
                        [](const TranslatorEntry& e) { return e.info.year > 0; });
  return entries;
}

void print_text(const std::vector<TranslatorEntry>& entries) {
  std::size_t name_width = 4, era_width = 3, paradigm_width = 8;
  for (const auto& e : entries) {
    name_width = std::max(name_width, e.info.name.size());
    era_width = std::max(era_width, e.info.era.size());
    paradigm_width = std::max(paradigm_width, e.info.paradigm.size());
  }
  std::cout << fmt::format("{:<{}}  {:<{}}  {:>4}  {:<{}}  {}\n", "NAME", name_width, "ERA",
                           era_width, "YEAR", "PARADIGM", paradigm_width, "ORIGIN");
  for (const auto& e : entries) {
    const std::string year = e.info.year > 0 ? std::to_string(e.info.year) : "-";
    std::cout << fmt::format("{:<{}}  {:<{}}  {:>4}  {:<{}}  {}\n", e.info.name, name_width,
                             e.info.era, era_width, year, e.info.paradigm, paradigm_width,
                             e.origin);
    if (!e.info.title.empty()) std::cout << "    " << e.info.title << "\n";
    if (!e.info.citation.empty() && e.info.citation != "-")
      std::cout << "    paper: " << e.info.citation << "\n";
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

}  // namespace

void add_systems_command(CLI::App& app, GlobalOptions& global) {
  auto* sub = app.add_subcommand("systems", "List the translation systems (built-in and plugins)");
  sub->footer(
      "Plugins are loaded from every --plugin-dir DIR (before the subcommand) and from each "
      "directory "
      "of MTBENCH_PLUGIN_PATH (colon-separated).");
  auto json = std::make_shared<bool>(false);
  sub->add_flag("--json", *json, "Print a JSON array instead of a table");
  sub->callback([&global, json] {
    apply_global_options(global);
    const auto entries = ordered_entries();
    if (*json) {
      print_json(entries);
    } else {
      print_text(entries);
    }
  });
}

}  // namespace mtbench::cli
