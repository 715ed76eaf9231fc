#include "compare/data.h"

#include <yaml-cpp/yaml.h>

#include "systems/training_log.h"

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "corpus/datasets.h"
#include "corpus/parallel.h"

namespace mtbench::compare {

TrainingData load_training_data(const CompareConfig& c) {
  if (c.corpus.empty()) fail<ConfigError>("{}: systems need training but no 'corpus' is configured", c.origin.string());
  TrainingData t;
  const auto train = dataset_split_paths(c.corpus, c.source_lang, c.target_lang, c.train_split);
  const auto dev = dataset_split_paths(c.corpus, c.source_lang, c.target_lang, c.dev_split);
  auto train_corpus = load_parallel(train.first, train.second);
  auto dev_corpus = load_parallel(dev.first, dev.second);
  const std::pair<const char*, std::filesystem::path> files[] = {
      {"train-src", train.first}, {"train-tgt", train.second}, {"dev-src", dev.first}, {"dev-tgt", dev.second}};
  std::string hashes;
  for (const auto& [role, path] : files) {
    const std::size_t n = std::string(role).rfind("train", 0) == 0 ? train_corpus.size() : dev_corpus.size();
    t.files.push_back({role, path.string(), sha256_file(path), n});
    hashes += t.files.back().sha256;
  }
  t.hash = sha256_hex(hashes);
  t.data.train_source = std::move(train_corpus.source);
  t.data.train_target = std::move(train_corpus.target);
  t.data.dev_source = std::move(dev_corpus.source);
  t.data.dev_target = std::move(dev_corpus.target);
  return t;
}

TestData load_test_set(const CompareConfig& c, const TestSetConfig& t) {
  TestData d;
  d.config = t;
  if (!t.references.empty()) {
    for (const auto& ref : t.references) {
      d.refs.push_back(read_lines(ref));
      d.files[ref.string()] = sha256_file(ref);
      if (d.refs.back().size() != d.refs.front().size()) {
        fail<DataError>("test set '{}': reference {} has {} lines but {} has {}", t.name, ref.string(),
                        d.refs.back().size(), t.references.front().string(), d.refs.front().size());
      }
    }
    if (!t.source.empty()) {
      d.source = read_lines(t.source);
      d.files[t.source.string()] = sha256_file(t.source);
    }
  } else {
    const auto paths = dataset_split_paths(c.corpus, c.source_lang, c.target_lang, t.split);
    auto corpus = load_parallel(paths.first, paths.second);
    d.files[paths.first.string()] = sha256_file(paths.first);
    d.files[paths.second.string()] = sha256_file(paths.second);
    d.source = std::move(corpus.source);
    d.refs.push_back(std::move(corpus.target));
  }
  if (!d.source.empty() && d.source.size() != d.refs.front().size()) {
    fail<DataError>("test set '{}': the source has {} lines but the reference has {}", t.name, d.source.size(),
                    d.refs.front().size());
  }
  return d;
}

std::vector<TrainingLogEntry> training_log_of(const std::filesystem::path& model_dir) {
  std::vector<TrainingLogEntry> out;
  for (const auto& p : read_training_log(model_dir))
    out.push_back({p.step, p.epoch, p.loss, p.dev_loss, p.dev_bleu, p.learning_rate, p.tokens_per_second});
  return out;
}

namespace {

// SHA-256 of every file a string value of the options names, resolved as the systems resolve
// them (working directory, then beside the config file).
void hash_named_files(const YAML::Node& node, const std::filesystem::path& config_dir, nlohmann::json& out) {
  if (node.IsMap()) {
    for (const auto& item : node) hash_named_files(item.second, config_dir, out);
  } else if (node.IsSequence()) {
    for (const auto& item : node) hash_named_files(item, config_dir, out);
  } else if (node.IsScalar()) {
    const std::string& value = node.Scalar();
    if (value.empty() || value.size() > 4096) return;
    std::error_code ec;
    for (const auto& path : {std::filesystem::path(value), config_dir / value}) {
      if (std::filesystem::is_regular_file(path, ec)) {
        out[value] = sha256_file(path);
        return;
      }
    }
  }
}

}  // namespace

std::string model_key(const CompareConfig& c, const SystemConfig& s, const std::string& preset,
                      const std::string& data_hash, std::size_t train_size) {
  nlohmann::json files = nlohmann::json::object();
  if (!s.options_yaml.empty()) {
    try {
      hash_named_files(YAML::Load(s.options_yaml), c.origin.parent_path(), files);
    } catch (const YAML::Exception&) {
      // Checked and reported by the system's own parser.
    }
  }
  nlohmann::json key = {{"files", files},
                        {"system", s.system},
                        {"preset", preset},
                        {"options", s.options_yaml},
                        {"source_lang", c.source_lang},
                        {"target_lang", c.target_lang},
                        {"data", data_hash},
                        {"train_size", train_size},
                        {"seed", c.seed},
                        {"mtbench", MTBENCH_VERSION}};
  return sha256_hex(key.dump()).substr(0, 16);
}

}  // namespace mtbench::compare
