#include "compare/data.h"

#include "corpus/datasets.h"
#include "base/error.h"
#include "corpus/parallel.h"
#include "base/sha256.h"
#include "base/text_file.h"

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

// Reads the JSON-lines training log a neural system leaves in its model directory.
std::vector<TrainingLogEntry> read_training_log(const std::filesystem::path& model_dir) {
  std::vector<TrainingLogEntry> log;
  const auto path = model_dir / "training_log.jsonl";
  if (!std::filesystem::exists(path)) return log;
  auto number = [](const nlohmann::json& j, std::initializer_list<const char*> keys) -> std::optional<double> {
    for (const char* k : keys) {
      if (j.contains(k) && j[k].is_number()) return j[k].get<double>();
    }
    return std::nullopt;
  };
  for (const auto& line : read_lines(path)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // a line cut by an interruption
    TrainingLogEntry e;
    e.step = static_cast<std::uint64_t>(number(j, {"step"}).value_or(0));
    e.epoch = number(j, {"epoch"}).value_or(0);
    e.loss = number(j, {"loss", "train_loss"});
    e.dev_loss = number(j, {"dev_loss", "val_loss"});
    e.dev_bleu = number(j, {"dev_bleu", "bleu"});
    e.learning_rate = number(j, {"lr", "learning_rate"});
    e.tokens_per_second = number(j, {"tokens_per_s", "tokens_per_second", "tok_per_s"});
    log.push_back(e);
  }
  return log;
}

std::string model_key(const CompareConfig& c, const SystemConfig& s, const std::string& preset,
                      const std::string& data_hash, std::size_t train_size) {
  nlohmann::json key = {{"system", s.system},          {"preset", preset},          {"options", s.options_yaml},
                        {"source_lang", c.source_lang}, {"target_lang", c.target_lang}, {"data", data_hash},
                        {"train_size", train_size},     {"seed", c.seed},            {"mtbench", MTBENCH_VERSION}};
  return sha256_hex(key.dump()).substr(0, 16);
}

}  // namespace mtbench::compare
