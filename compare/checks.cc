#include "compare/checks.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"
#include "corpus/datasets.h"

namespace mtbench::compare {
namespace {

void check_dataset(const CompareConfig& c, bool training) {
  const std::string origin = c.origin.string();
  std::vector<std::string> splits;
  if (training) splits = {c.train_split, c.dev_split};
  for (const auto& t : c.test_sets)
    if (t.references.empty() && !t.split.empty()) splits.push_back(t.split);
  if (splits.empty()) return;  // file-only comparison: no dataset needed
  const auto& registry = dataset_registry();
  const auto dataset =
      std::find_if(registry.begin(), registry.end(), [&](const Dataset& d) { return d.name == c.corpus; });
  if (dataset == registry.end()) {
    std::vector<std::string> names;
    for (const auto& d : registry) names.push_back(d.name);
    fail<ConfigError>("{}: corpus: unknown dataset '{}'; known: {}", origin, c.corpus, fmt::join(names, ", "));
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

void check_comparison(const CompareConfig& c, const TranslatorRegistry& registry) {
  validate_compare_config(c, registry.names());
  const bool training = std::any_of(c.systems.begin(), c.systems.end(), needs_training);
  check_dataset(c, training);
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    const auto& s = c.systems[i];
    if (!needs_training(s)) continue;
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
}

}  // namespace mtbench::compare
