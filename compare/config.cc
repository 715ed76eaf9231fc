#include "compare/config.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "base/text_file.h"
#include "corpus/datasets.h"
#include "corpus/test_sets.h"
#include "eval/metric_factory.h"

namespace mtbench::compare {
namespace {

// Walks a YAML document keeping the dotted key path and the file for error messages.
class Reader {
 public:
  explicit Reader(std::filesystem::path origin) : origin_(std::move(origin)) {}

  [[noreturn]] void error(const std::string& key, const YAML::Node& node, const std::string& what) const {
    const auto mark = node.Mark();
    const std::string where = mark.line >= 0 ? fmt::format(":{}", mark.line + 1) : "";
    fail<ConfigError>("{}{}: '{}' {}", origin_.string(), where, key, what);
  }

  void expect_keys(const YAML::Node& map, const std::string& path, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) error(path.empty() ? "<top level>" : path, map, "must be a mapping");
    for (const auto& item : map) {
      const auto key = item.first.as<std::string>();
      if (!allowed.count(key)) {
        error(join(path, key), item.first,
              fmt::format("is not a known key; expected one of: {}", fmt::join(allowed, ", ")));
      }
    }
  }

  template <typename T>
  T scalar(const YAML::Node& node, const std::string& key, const char* type_name) const {
    if (!node.IsScalar()) error(key, node, fmt::format("must be {}", type_name));
    try {
      return node.as<T>();
    } catch (const YAML::Exception&) {
      error(key, node, fmt::format("must be {}, got '{}'", type_name, node.Scalar()));
    }
  }

  std::vector<std::string> string_list(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (node.IsScalar()) return {node.Scalar()};
    if (!node.IsSequence()) error(key, node, "must be a list of strings");
    for (std::size_t i = 0; i < node.size(); ++i) {
      out.push_back(scalar<std::string>(node[i], fmt::format("{}[{}]", key, i), "a string"));
    }
    return out;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // Paths in the config are relative to the config file's directory.
  std::filesystem::path path_value(const YAML::Node& node, const std::string& key) const {
    std::filesystem::path p = scalar<std::string>(node, key, "a file path");
    if (p.is_relative() && origin_.has_parent_path() && origin_ != "<default>")
      p = (origin_.parent_path() / p).lexically_normal();
    return p;
  }

 private:
  std::filesystem::path origin_;
};

TestSetConfig parse_test_set(const Reader& r, const YAML::Node& node, const std::string& key) {
  TestSetConfig t;
  if (node.IsScalar()) {
    t.name = t.split = node.Scalar();
    return t;
  }
  r.expect_keys(node, key, {"name", "split", "source", "reference", "references", "tsv", "test_set", "join"});
  // A synthetic long-sentence set (Bahdanau et al. 2014 fig. 2 needs sentences longer than
  // Multi30k's): consecutive segments joined, source with source and reference with reference.
  if (node["join"]) {
    t.join = r.scalar<int>(node["join"], key + ".join", "an integer from 1 to 20");
    if (t.join < 1 || t.join > 20) r.error(key + ".join", node["join"], "must be an integer from 1 to 20");
    if (!node["name"]) r.error(key, node, "needs a 'name' when it joins segments (it is a different test set)");
  }
  if (node["test_set"]) {  // sacreBLEU's test sets (`mtbench score --list`)
    if (node["source"] || node["reference"] || node["references"] || node["split"] || node["tsv"])
      r.error(key + ".test_set", node["test_set"], "replaces 'source', 'reference(s)', 'split' and 'tsv'");
    t.sacrebleu = r.scalar<std::string>(node["test_set"], key + ".test_set", "a test set name like wmt17");
    t.name = node["name"] ? r.scalar<std::string>(node["name"], key + ".name", "a string") : t.sacrebleu;
    return t;
  }
  if (!node["name"] && !node["split"] && !node["test_set"]) r.error(key, node, "needs 'name' or 'split'");
  if (node["tsv"]) {
    if (node["source"] || node["reference"] || node["references"] || node["split"])
      r.error(key + ".tsv", node["tsv"], "replaces 'source', 'reference(s)' and 'split'; give only one of them");
    if (!node["name"]) r.error(key, node, "needs a 'name' for its TSV file");
    t.name = r.scalar<std::string>(node["name"], key + ".name", "a string");
    t.tsv = r.path_value(node["tsv"], key + ".tsv");
    return t;
  }
  if (node["split"]) t.split = r.scalar<std::string>(node["split"], key + ".split", "a string");
  t.name = node["name"] ? r.scalar<std::string>(node["name"], key + ".name", "a string") : t.split;
  if (node["source"]) t.source = r.path_value(node["source"], key + ".source");
  if (node["reference"]) t.references.push_back(r.path_value(node["reference"], key + ".reference"));
  if (node["references"]) {
    const auto& refs = node["references"];
    if (!refs.IsSequence()) r.error(key + ".references", refs, "must be a list of file paths");
    for (std::size_t i = 0; i < refs.size(); ++i) {
      t.references.push_back(r.path_value(refs[i], fmt::format("{}.references[{}]", key, i)));
    }
  }
  if (t.split.empty() && t.references.empty()) r.error(key, node, "needs a 'split' or 'reference' file");
  return t;
}

DataFilesConfig parse_data_files(const Reader& r, const YAML::Node& node, const std::string& key) {
  r.expect_keys(node, key, {"source", "target", "tsv"});
  DataFilesConfig d;
  if (node["tsv"]) {
    if (node["source"] || node["target"]) r.error(key + ".tsv", node["tsv"], "replaces 'source' and 'target'");
    d.tsv = r.path_value(node["tsv"], key + ".tsv");
    return d;
  }
  if (!node["source"] || !node["target"]) r.error(key, node, "needs 'source' and 'target' files (or one 'tsv' file)");
  d.source = r.path_value(node["source"], key + ".source");
  d.target = r.path_value(node["target"], key + ".target");
  return d;
}

SystemConfig parse_system(const Reader& r, const YAML::Node& node, const std::string& key) {
  SystemConfig s;
  if (node.IsScalar()) {
    s.system = s.label = node.Scalar();
    return s;
  }
  r.expect_keys(node, key, {"system", "label", "preset", "options", "outputs"});
  if (!node["system"]) r.error(key, node, "needs 'system' (a registered system name)");
  s.system = r.scalar<std::string>(node["system"], key + ".system", "a string");
  s.label = node["label"] ? r.scalar<std::string>(node["label"], key + ".label", "a string") : s.system;
  if (node["preset"]) s.preset = r.scalar<std::string>(node["preset"], key + ".preset", "a string");
  if (node["options"]) {
    if (!node["options"].IsMap()) r.error(key + ".options", node["options"], "must be a mapping");
    YAML::Emitter emitter;
    emitter << node["options"];
    s.options_yaml = emitter.c_str();
  }
  if (node["outputs"]) {
    const auto& outs = node["outputs"];
    if (!outs.IsMap()) r.error(key + ".outputs", outs, "must map test set names to files");
    for (const auto& item : outs) {
      const auto name = item.first.as<std::string>();
      s.outputs[name] = r.path_value(item.second, key + ".outputs." + name);
    }
  }
  return s;
}

}  // namespace

namespace {
CompareConfig parse_compare_config_yaml(const std::string& yaml_text, const std::filesystem::path& origin);
}  // namespace

CompareConfig parse_compare_config(const std::string& yaml_text, const std::filesystem::path& origin) {
  try {
    return parse_compare_config_yaml(yaml_text, origin);
  } catch (const YAML::Exception& e) {
    // A conversion the reader did not foresee (a mapping used as a key, ...): still one
    // message naming the file and the line (found by tests/fuzz/compare_config_fuzz.cc).
    fail<ConfigError>("{}:{}: {}", origin.string(), e.mark.line + 1, e.msg);
  }
}

namespace {
CompareConfig parse_compare_config_yaml(const std::string& yaml_text, const std::filesystem::path& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    fail<ConfigError>("{}:{}: invalid YAML: {}", origin.string(), e.mark.line + 1, e.msg);
  }
  Reader r(origin);
  CompareConfig c;
  c.origin = origin;
  c.test_sets.clear();
  if (root.IsNull()) fail<ConfigError>("{}: the config is empty", origin.string());
  r.expect_keys(
      root, "",
      {"corpus", "pair", "pairs", "train_split", "dev_split", "train", "dev", "preset", "test_sets", "systems",
       "metrics", "significance", "analyses", "train_sizes", "seed", "on_unsupported", "on_error"});
  if (root["corpus"])
    c.corpus = root["corpus"].IsNull() ? "" : r.scalar<std::string>(root["corpus"], "corpus", "a string");
  if (root["pair"]) {
    const auto pair = r.scalar<std::string>(root["pair"], "pair", "a language pair like de-en");
    if (!is_language_pair(pair))
      r.error("pair", root["pair"], fmt::format("must look like 'de-en' (letters only), got '{}'", pair.substr(0, 40)));
    const auto dash = pair.find('-');
    c.source_lang = pair.substr(0, dash);
    c.target_lang = pair.substr(dash + 1);
  }
  if (root["pairs"]) {
    c.pairs = r.string_list(root["pairs"], "pairs");
    for (std::size_t i = 0; i < c.pairs.size(); ++i) {
      if (!is_language_pair(c.pairs[i]))
        r.error(fmt::format("pairs[{}]", i), root["pairs"],
                fmt::format("must look like 'de-en' (letters only), got '{}'", c.pairs[i].substr(0, 40)));
    }
  }
  if (root["train_split"]) c.train_split = r.scalar<std::string>(root["train_split"], "train_split", "a string");
  if (root["dev_split"]) c.dev_split = r.scalar<std::string>(root["dev_split"], "dev_split", "a string");
  if (root["train"]) c.train_files = parse_data_files(r, root["train"], "train");
  if (root["dev"]) c.dev_files = parse_data_files(r, root["dev"], "dev");
  if (c.train_files.empty() != c.dev_files.empty())
    r.error(c.train_files.empty() ? "dev" : "train", root, "needs its partner: give both 'train' and 'dev' files");
  if (root["on_unsupported"]) {
    c.on_unsupported = r.scalar<std::string>(root["on_unsupported"], "on_unsupported", "error or skip");
    if (c.on_unsupported != "error" && c.on_unsupported != "skip")
      r.error("on_unsupported", root["on_unsupported"],
              fmt::format("must be error or skip, got '{}'", c.on_unsupported));
  }
  if (root["on_error"]) {
    c.on_error = r.scalar<std::string>(root["on_error"], "on_error", "stop or continue");
    if (c.on_error != "stop" && c.on_error != "continue")
      r.error("on_error", root["on_error"], fmt::format("must be stop or continue, got '{}'", c.on_error));
  }
  if (root["preset"]) c.preset = r.scalar<std::string>(root["preset"], "preset", "a string");
  if (root["seed"]) c.seed = r.scalar<std::uint64_t>(root["seed"], "seed", "a non-negative integer");
  if (root["test_sets"]) {
    const auto& ts = root["test_sets"];
    if (!ts.IsSequence()) r.error("test_sets", ts, "must be a list");
    for (std::size_t i = 0; i < ts.size(); ++i)
      c.test_sets.push_back(parse_test_set(r, ts[i], fmt::format("test_sets[{}]", i)));
  } else {
    c.test_sets.push_back({"test_2016_flickr", "test_2016_flickr", {}, {}, {}, {}});
  }
  // Splits not named: the dataset's own (a local dataset's dev split is "dev", Multi30k's "val").
  if (!c.corpus.empty() && (!root["train_split"] || !root["dev_split"] || !root["test_sets"])) {
    try {
      const Dataset d = find_dataset(c.corpus);
      if (!root["train_split"]) c.train_split = d.train_split;
      if (!root["dev_split"]) c.dev_split = d.dev_split;
      if (!root["test_sets"]) c.test_sets = {{d.test_split, d.test_split, {}, {}, {}, {}}};
    } catch (const ConfigError&) {
      // An unknown dataset: check_comparison() names it with the valid ones.
    }
  }
  if (!root["systems"]) r.error("systems", root, "is required: list the systems to compare");
  const auto& systems = root["systems"];
  if (!systems.IsSequence() || systems.size() == 0) r.error("systems", systems, "must be a non-empty list");
  std::set<std::string> labels;
  for (std::size_t i = 0; i < systems.size(); ++i) {
    const auto key = fmt::format("systems[{}]", i);
    auto s = parse_system(r, systems[i], key);
    if (!labels.insert(s.label).second) r.error(key + ".label", systems[i], fmt::format("'{}' is used twice", s.label));
    c.systems.push_back(std::move(s));
  }
  if (root["metrics"]) c.metrics = r.string_list(root["metrics"], "metrics");
  if (root["analyses"]) c.analyses = r.string_list(root["analyses"], "analyses");
  if (root["significance"]) {
    const auto& sig = root["significance"];
    r.expect_keys(sig, "significance", {"bootstrap_samples", "randomization_trials", "all_pairs"});
    if (sig["bootstrap_samples"])
      c.significance.bootstrap_samples =
          r.scalar<int>(sig["bootstrap_samples"], "significance.bootstrap_samples", "an integer");
    if (sig["randomization_trials"])
      c.significance.randomization_trials =
          r.scalar<int>(sig["randomization_trials"], "significance.randomization_trials", "an integer");
    if (sig["all_pairs"])
      c.significance.all_pairs = r.scalar<bool>(sig["all_pairs"], "significance.all_pairs", "true or false");
  }
  if (root["train_sizes"]) {
    const auto& sizes = root["train_sizes"];
    if (!sizes.IsSequence()) r.error("train_sizes", sizes, "must be a list of integers");
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      c.train_sizes.push_back(r.scalar<std::size_t>(sizes[i], fmt::format("train_sizes[{}]", i), "a positive integer"));
    }
  }
  return c;
}
}  // namespace

CompareConfig load_compare_config(const std::filesystem::path& path) {
  return parse_compare_config(read_file(path), path);
}

CompareConfig default_compare_config() {
  // configs/default.yaml itself, embedded at build time: one spelling of the default benchmark.
  return parse_compare_config(std::string(default_config_yaml()), "<default: configs/default.yaml>");
}

bool is_language_pair(const std::string& pair) {
  const auto dash = pair.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == pair.size() || pair.size() > 17) return false;
  for (std::size_t i = 0; i < pair.size(); ++i)
    if (i != dash && !std::isalpha(static_cast<unsigned char>(pair[i]))) return false;
  return true;
}

std::vector<CompareConfig> configs_per_pair(const CompareConfig& config) {
  if (config.pairs.empty()) return {config};
  std::vector<CompareConfig> out;
  std::set<std::string> seen;
  for (const auto& pair : config.pairs) {
    const auto dash = pair.find('-');
    if (!is_language_pair(pair))
      fail<ConfigError>("{}: pairs: '{}' must look like 'de-en' (letters only)", config.origin.string(),
                        pair.substr(0, 40));
    if (!seen.insert(pair).second) fail<ConfigError>("{}: pairs: '{}' is listed twice", config.origin.string(), pair);
    CompareConfig c = config;
    c.pairs.clear();
    c.source_lang = pair.substr(0, dash);
    c.target_lang = pair.substr(dash + 1);
    out.push_back(std::move(c));
  }
  if (out.size() > 1) {
    if (!config.train_files.empty() || !config.dev_files.empty())
      fail<ConfigError>("{}: 'pairs' runs several language pairs, but 'train'/'dev' files hold one; use a dataset",
                        config.origin.string());
    for (const auto& t : config.test_sets)
      if (!t.tsv.empty() || !t.references.empty())
        fail<ConfigError>("{}: 'pairs' runs several language pairs, but test set '{}' is files of one pair",
                          config.origin.string(), t.name);
  }
  return out;
}

std::string label_file_name(const std::string& label) {
  std::string out;
  for (char c : label)
    out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_') ? c : '_';
  if (out.empty() || out == "." || out == "..") out = "_" + out;
  return out;
}

namespace {

// Two names that become the same file (compared case-insensitively, for case-insensitive file
// systems) would share one output file: the second would silently reuse the first's.
void check_file_names(const std::vector<std::string>& names, const std::string& what, const std::string& origin) {
  std::map<std::string, std::string> seen;
  for (const auto& name : names) {
    std::string file = label_file_name(name);
    std::transform(file.begin(), file.end(), file.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto [it, inserted] = seen.emplace(file, name);
    if (!inserted) {
      fail<ConfigError>("{}: {} '{}' and '{}' would share the output file name '{}'; rename one", origin, what,
                        it->second, name, label_file_name(name));
    }
  }
}

}  // namespace

void validate_compare_config(const CompareConfig& c, const std::vector<std::string>& known_systems) {
  const std::string origin = c.origin.string();
  if (c.metrics.empty())
    fail<ConfigError>("{}: 'metrics' is empty; name at least one of {}", origin, fmt::join(eval::metric_names(), ", "));
  if (c.test_sets.empty()) fail<ConfigError>("{}: 'test_sets' is empty; name at least one test set", origin);
  if (c.systems.empty()) fail<ConfigError>("{}: 'systems' is empty; name at least one system", origin);
  std::vector<std::string> labels, test_names_list;
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    if (c.systems[i].label.empty()) fail<ConfigError>("{}: systems[{}].label is empty", origin, i);
    labels.push_back(c.systems[i].label);
  }
  for (std::size_t i = 0; i < c.test_sets.size(); ++i) {
    if (c.test_sets[i].name.empty()) fail<ConfigError>("{}: test_sets[{}].name is empty", origin, i);
    test_names_list.push_back(c.test_sets[i].name);
  }
  check_file_names(labels, "system labels", origin);
  check_file_names(test_names_list, "test set names", origin);
  for (std::size_t size : c.train_sizes)
    if (size == 0) fail<ConfigError>("{}: 'train_sizes' must be positive, got 0", origin);
  for (const auto& m : c.metrics) {
    if (!eval::is_metric_name(m))
      fail<ConfigError>("{}: 'metrics' has unknown metric '{}'; valid: {}", origin, m,
                        fmt::join(eval::metric_names(), ", "));
  }
  static const std::set<std::string> kAnalyses = {"length", "frequency", "ngrams", "examples"};
  for (const auto& a : c.analyses) {
    if (!kAnalyses.count(a)) {
      fail<ConfigError>("{}: 'analyses' has unknown analysis '{}'; valid: {}", origin, a, fmt::join(kAnalyses, ", "));
    }
  }
  for (const auto& [key, value] : {std::pair<const char*, int>{"bootstrap_samples", c.significance.bootstrap_samples},
                                   {"randomization_trials", c.significance.randomization_trials}}) {
    if (value < 0 || value > kMaxSignificanceSamples)
      fail<ConfigError>("{}: 'significance.{}' must be from 0 to {}, got {}", origin, key, kMaxSignificanceSamples,
                        value);
  }
  for (const auto& [key, files] :
       {std::pair<const char*, const DataFilesConfig*>{"train", &c.train_files}, {"dev", &c.dev_files}}) {
    for (const auto& [field, path] : {std::pair<const char*, std::filesystem::path>{"source", files->source},
                                      {"target", files->target},
                                      {"tsv", files->tsv}}) {
      if (!path.empty() && !is_file(path))
        fail<ConfigError>("{}: {}.{}: file not found: {}", origin, key, field, path.string());
    }
  }
  std::set<std::string> test_names;
  for (std::size_t i = 0; i < c.test_sets.size(); ++i) {
    const auto& t = c.test_sets[i];
    if (!test_names.insert(t.name).second)
      fail<ConfigError>("{}: test_sets[{}]: name '{}' is used twice", origin, i, t.name);
    if (t.split.empty() || !t.references.empty()) {
      for (const auto& ref : t.references) {
        if (!path_exists(ref))
          fail<ConfigError>("{}: test_sets[{}].reference: file not found: {}", origin, i, ref.string());
      }
      if (!t.source.empty() && !path_exists(t.source)) {
        fail<ConfigError>("{}: test_sets[{}].source: file not found: {}", origin, i, t.source.string());
      }
    }
    if (!t.sacrebleu.empty()) {
      try {
        require_test_set_pair(find_test_set(t.sacrebleu), c.source_lang + "-" + c.target_lang);
      } catch (const ConfigError& e) {
        fail<ConfigError>("{}: test_sets[{}].test_set: {}", origin, i, e.what());
      }
    }
    if (!t.tsv.empty() && !path_exists(t.tsv))
      fail<ConfigError>("{}: test_sets[{}].tsv: file not found: {}", origin, i, t.tsv.string());
    if (!t.split.empty() && t.references.empty() && c.corpus.empty()) {
      fail<ConfigError>("{}: test_sets[{}] names split '{}' but no 'corpus' is configured", origin, i, t.split);
    }
  }
  for (std::size_t i = 0; i < c.systems.size(); ++i) {
    const auto& s = c.systems[i];
    if (std::find(known_systems.begin(), known_systems.end(), s.system) == known_systems.end()) {
      fail<ConfigError>("{}: systems[{}].system: unknown system '{}'; valid systems: {}", origin, i, s.system,
                        fmt::join(known_systems, ", "));
    }
    for (const auto& [name, file] : s.outputs) {
      if (!test_names.count(name)) {
        fail<ConfigError>("{}: systems[{}].outputs.{}: no test set called '{}'", origin, i, name, name);
      }
      if (!path_exists(file)) {
        fail<ConfigError>("{}: systems[{}].outputs.{}: file not found: {}", origin, i, name, file.string());
      }
    }
  }
}

}  // namespace mtbench::compare
