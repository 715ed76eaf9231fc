#include "corpus/local_datasets.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "corpus/download.h"
#include "corpus/parallel.h"

namespace mtbench {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 100 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(),
                     [](unsigned char c) { return std::isalnum(c) != 0 || c == '.' || c == '_' || c == '-'; });
}

bool is_builtin(const std::string& name) {
  const auto& builtins = dataset_registry();
  return std::any_of(builtins.begin(), builtins.end(), [&](const Dataset& d) { return d.name == name; });
}

std::string text_at(const YAML::Node& node, const std::string& key, const std::filesystem::path& origin,
                    const std::string& fallback, bool required) {
  const YAML::Node value = node[key];
  if (!value) {
    if (required) fail<ConfigError>("{}: '{}' is required", origin.string(), key);
    return fallback;
  }
  if (!value.IsScalar()) fail<ConfigError>("{}:{}: '{}' must be a string", origin.string(), value.Mark().line + 1, key);
  return value.Scalar();
}

}  // namespace

std::filesystem::path local_datasets_dir() {
  return mtbench_home() / "datasets";
}

Dataset parse_local_dataset(const std::string& yaml_text, const std::filesystem::path& origin,
                            const std::filesystem::path& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    fail<ConfigError>("{}:{}: invalid YAML: {}", origin.string(), e.mark.line + 1, e.msg);
  }
  if (!root.IsMap()) fail<ConfigError>("{}: a local dataset must be a YAML mapping", origin.string());
  static const std::vector<std::string> kKeys = {"name",      "description", "languages", "train_split",
                                                 "dev_split", "test_split",  "files",     "citation"};
  for (const auto& item : root) {
    const std::string key = item.first.IsScalar() ? item.first.Scalar() : "?";
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      fail<ConfigError>("{}:{}: unknown key '{}'; expected one of: {}", origin.string(), item.first.Mark().line + 1,
                        key, fmt::join(kKeys, ", "));
  }
  Dataset d;
  d.definition = origin;
  d.name = text_at(root, "name", origin, "", true);
  if (!valid_name(d.name))
    fail<ConfigError>("{}: dataset name '{}' may only hold letters, digits, '.', '_' and '-'", origin.string(), d.name);
  d.description = text_at(root, "description", origin, "local corpus " + d.name, false);
  d.citation = text_at(root, "citation", origin, "", false);
  d.train_split = text_at(root, "train_split", origin, "train", false);
  d.dev_split = text_at(root, "dev_split", origin, "dev", false);
  d.test_split = text_at(root, "test_split", origin, "test", false);
  const YAML::Node languages = root["languages"];
  if (!languages || !languages.IsSequence() || languages.size() == 0)
    fail<ConfigError>("{}: 'languages' must be a non-empty list of language codes", origin.string());
  for (const auto& l : languages) {
    if (!l.IsScalar() || l.Scalar().empty())
      fail<ConfigError>("{}:{}: a language code must be a non-empty string", origin.string(), l.Mark().line + 1);
    d.languages.push_back(l.Scalar());
  }
  const YAML::Node files = root["files"];
  if (!files || !files.IsSequence() || files.size() == 0)
    fail<ConfigError>("{}: 'files' must be a non-empty list of {{split, language, path, sha256}}", origin.string());
  for (const auto& f : files) {
    const std::string where = fmt::format("{}:{}", origin.string(), f.Mark().line + 1);
    if (!f.IsMap()) fail<ConfigError>("{}: each file must be a mapping {{split, language, path, sha256}}", where);
    DatasetFile file;
    file.split = text_at(f, "split", where, "", true);
    file.language = text_at(f, "language", where, "", true);
    std::filesystem::path path = text_at(f, "path", where, "", true);
    file.local_path = path.is_relative() ? (base_dir / path).lexically_normal() : path;
    file.sha256 = text_at(f, "sha256", where, "", false);
    if (!file.sha256.empty() &&
        (file.sha256.size() != 64 || file.sha256.find_first_not_of("0123456789abcdef") != std::string::npos))
      fail<ConfigError>("{}: sha256 must be 64 lowercase hex digits, got '{}'", where, file.sha256);
    if (std::find(d.languages.begin(), d.languages.end(), file.language) == d.languages.end())
      fail<ConfigError>("{}: language '{}' is not in 'languages' ({})", where, file.language,
                        fmt::join(d.languages, ", "));
    if (d.file(file.split, file.language) != nullptr)
      fail<ConfigError>("{}: a second '{}' file for split '{}'", where, file.language, file.split);
    file.name = file.local_path.filename().string();
    file.url = "file://" + file.local_path.string();
    if (std::find(d.splits.begin(), d.splits.end(), file.split) == d.splits.end()) d.splits.push_back(file.split);
    d.files.push_back(std::move(file));
  }
  d.default_splits = d.splits;
  return d;
}

std::optional<Dataset> find_local_dataset(const std::string& name) {
  if (!valid_name(name)) return std::nullopt;
  const auto path = local_datasets_dir() / (name + ".yaml");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  Dataset d = parse_local_dataset(read_file(path), path, path.parent_path());
  if (d.name != name)
    fail<ConfigError>("{}: defines dataset '{}', but its file name says '{}'", path.string(), d.name, name);
  return d;
}

std::vector<Dataset> local_datasets() {
  std::vector<Dataset> out;
  std::error_code ec;
  const auto dir = local_datasets_dir();
  if (!std::filesystem::is_directory(dir, ec)) return out;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec))
    if (entry.path().extension() == ".yaml" && entry.is_regular_file(ec)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    if (auto d = find_local_dataset(f.stem().string())) out.push_back(std::move(*d));
  return out;
}

std::filesystem::path add_local_dataset(const LocalDatasetSpec& spec) {
  if (!valid_name(spec.name))
    fail<ConfigError>("corpus add: dataset name '{}' may only hold letters, digits, '.', '_' and '-'", spec.name);
  if (is_builtin(spec.name))
    fail<ConfigError>("corpus add: '{}' is a built-in dataset; choose another name", spec.name);
  if (spec.source_lang.empty() || spec.target_lang.empty() || spec.source_lang == spec.target_lang)
    fail<ConfigError>("corpus add: give two different languages (--src-lang, --tgt-lang), got '{}' and '{}'",
                      spec.source_lang, spec.target_lang);
  if (spec.tests.empty()) fail<ConfigError>("corpus add: give at least one test set (--test-src, --test-tgt)");
  const auto path = local_datasets_dir() / (spec.name + ".yaml");
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && !spec.force)
    fail<ConfigError>("corpus add: {} already exists; use --force to replace it", path.string());

  std::vector<std::pair<std::string, std::pair<std::filesystem::path, std::filesystem::path>>> splits = {
      {"train", {spec.train_src, spec.train_tgt}}, {"dev", {spec.dev_src, spec.dev_tgt}}};
  for (const auto& t : spec.tests) {
    if (t.first == "train" || t.first == "dev")
      fail<ConfigError>("corpus add: a test split may not be called '{}'", t.first);
    splits.push_back(t);
  }
  YAML::Emitter out;
  out << YAML::Comment("mtbench local dataset, written by `mtbench corpus add`") << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << spec.name;
  out << YAML::Key << "description" << YAML::Value
      << (spec.description.empty() ? "local corpus " + spec.name : spec.description);
  out << YAML::Key << "languages" << YAML::Value << YAML::Flow << YAML::BeginSeq << spec.source_lang << spec.target_lang
      << YAML::EndSeq;
  out << YAML::Key << "train_split" << YAML::Value << "train";
  out << YAML::Key << "dev_split" << YAML::Value << "dev";
  out << YAML::Key << "test_split" << YAML::Value << spec.tests.front().first;
  out << YAML::Key << "files" << YAML::Value << YAML::BeginSeq;
  for (const auto& [split, files] : splits) {
    if (files.first.empty() || files.second.empty())
      fail<ConfigError>("corpus add: split '{}' needs both a source and a target file", split);
    // Read as every command will: UTF-8, equal line counts; and not empty.
    const ParallelCorpus corpus = load_parallel(files.first, files.second);
    if (corpus.empty()) fail<DataError>("corpus add: {} (split '{}') is empty", files.first.string(), split);
    for (const auto& [lang, file] :
         {std::pair{spec.source_lang, files.first}, std::pair{spec.target_lang, files.second}}) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "split" << YAML::Value << split << YAML::Key << "language"
          << YAML::Value << lang << YAML::Key << "path" << YAML::Value << std::filesystem::absolute(file).string()
          << YAML::Key << "sha256" << YAML::Value << sha256_file(file) << YAML::EndMap;
    }
  }
  out << YAML::EndSeq << YAML::EndMap;
  std::filesystem::create_directories(path.parent_path());
  write_file_atomic(path, std::string(out.c_str()) + "\n");
  return path;
}

}  // namespace mtbench
