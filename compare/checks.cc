#include "compare/checks.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"
#include "compare/data.h"
#include "corpus/datasets.h"

namespace mtbench::compare {
namespace {

void check_dataset(const CompareConfig& c, bool training) {
  const std::string origin = c.origin.string();
  std::vector<std::string> splits;
  if (training && c.train_files.empty()) splits.push_back(c.train_split);
  if (training && c.dev_files.empty()) splits.push_back(c.dev_split);
  for (const auto& t : c.test_sets)
    if (t.references.empty() && !t.split.empty()) splits.push_back(t.split);
  if (splits.empty()) return;  // file-only comparison: no dataset needed
  const auto registry = all_datasets();
  const auto dataset =
      std::find_if(registry.begin(), registry.end(), [&](const Dataset& d) { return d.name == c.corpus; });
  if (dataset == registry.end()) {
    std::vector<std::string> names;
    for (const auto& d : registry) names.push_back(d.name);
    fail<ConfigError>("{}: corpus: unknown dataset '{}'; known: {} (register your own with `mtbench corpus add`)",
                      origin, c.corpus, fmt::join(names, ", "));
  }
  for (const auto& lang : {c.source_lang, c.target_lang}) {
    if (!dataset->has_language(lang))
      fail<ConfigError>("{}: pair: dataset '{}' has no language '{}'; it has {}", origin, c.corpus, lang,
                        fmt::join(dataset->languages, ", "));
  }
  for (const auto& split : splits) {
    if (!dataset->has_split(split))
      fail<ConfigError>("{}: dataset '{}' has no split '{}'; it has {}", origin, c.corpus, split,
                        fmt::join(dataset->splits, ", "));
    const auto langs = dataset->split_languages(split);
    for (const auto& lang : {c.source_lang, c.target_lang}) {
      if (std::find(langs.begin(), langs.end(), lang) == langs.end())
        fail<ConfigError>("{}: split '{}' of dataset '{}' has no '{}' side; it has {}", origin, split, c.corpus, lang,
                          fmt::join(langs, ", "));
    }
  }
}

}  // namespace

std::vector<LeftOutSystem> check_comparison(const CompareConfig& c, const TranslatorRegistry& registry) {
  validate_compare_config(c, registry.names());
  std::vector<LeftOutSystem> left_out;
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    const auto& s = c.systems[i];
    if (!needs_training(s)) continue;  // precomputed outputs: any pair
    const PairSupport support = supported_pair(registry.entry(s.system), c.source_lang, c.target_lang);
    if (support.supported) continue;
    const std::string reason =
        fmt::format("{} does not support {}-{}{}{}; it supports {}", s.system, c.source_lang, c.target_lang,
                    support.reason.empty() ? "" : ": ", support.reason, support.supports);
    if (c.on_unsupported != "skip")
      fail<ConfigError>("{}: systems[{}] '{}': {} (set 'on_unsupported: skip' to leave it out)", c.origin.string(), i,
                        s.label, reason);
    left_out.push_back({s.label, s.system, "plan", reason});
  }
  if (left_out.size() == c.systems.size())
    fail<ConfigError>("{}: no system supports {}-{}: {}", c.origin.string(), c.source_lang, c.target_lang,
                      left_out.front().reason);
  const CompareConfig kept = without_systems(c, left_out);
  const bool training = std::any_of(kept.systems.begin(), kept.systems.end(), needs_training);
  check_dataset(kept, training);
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    const auto& s = c.systems[i];
    if (!needs_training(s)) continue;
    if (std::any_of(left_out.begin(), left_out.end(), [&](const LeftOutSystem& l) { return l.label == s.label; }))
      continue;
    const auto& entry = registry.entry(s.system);
    if (!entry.check_config) continue;
    TrainOptions options;
    options.source_lang = c.source_lang;
    options.target_lang = c.target_lang;
    options.preset = s.preset.empty() ? c.preset : s.preset;
    options.config_yaml = s.options_yaml;
    options.config_origin = fmt::format("{} (systems[{}], '{}')", c.origin.string(), i, s.label);
    entry.check_config(options);
  }
  return left_out;
}

CompareConfig without_systems(CompareConfig config, const std::vector<LeftOutSystem>& left_out) {
  auto& systems = config.systems;
  systems.erase(std::remove_if(systems.begin(), systems.end(),
                               [&](const SystemConfig& s) {
                                 return std::any_of(left_out.begin(), left_out.end(),
                                                    [&](const LeftOutSystem& l) { return l.label == s.label; });
                               }),
                systems.end());
  return config;
}

void check_data_files(const CompareConfig& c) {
  if (std::any_of(c.systems.begin(), c.systems.end(), needs_training) && !c.train_files.empty()) load_training_data(c);
  for (const auto& t : c.test_sets)
    if (!t.tsv.empty() || !t.references.empty()) load_test_set(c, t);
}

}  // namespace mtbench::compare
