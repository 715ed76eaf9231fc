#include "compare/data.h"

#include <yaml-cpp/yaml.h>

#include "systems/training_log.h"

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "corpus/datasets.h"
#include "corpus/parallel.h"
#include "corpus/test_sets.h"

#include <fmt/format.h>

namespace mtbench::compare {

namespace {

// An empty side would train nothing and score nothing: refused with its file named.
void check_not_empty(const ParallelCorpus& corpus, const std::string& what) {
  if (corpus.empty())
    fail<DataError>("{}: {} has no segments ({})", corpus.source_name, what,
                    corpus.source_name == corpus.target_name ? "an empty TSV file" : "an empty file");
}

// One side pair of training or dev data: its configured files, or else the dataset split.
struct LoadedSplit {
  ParallelCorpus corpus;
  std::filesystem::path source_file, target_file;  // equal for a TSV file
};

LoadedSplit load_split(const CompareConfig& c, const DataFilesConfig& files, const std::string& split,
                       const char* what) {
  LoadedSplit out;
  if (!files.tsv.empty()) {
    out.corpus = load_parallel_tsv(files.tsv);
    out.source_file = out.target_file = files.tsv;
  } else if (!files.empty()) {
    out.corpus = load_parallel(files.source, files.target);
    out.source_file = files.source;
    out.target_file = files.target;
  } else {
    if (c.corpus.empty())
      fail<ConfigError>("{}: systems need {} data but neither 'corpus' nor '{}' files are configured",
                        c.origin.string(), what, std::string(what) == "training" ? "train" : "dev");
    const auto paths = dataset_split_paths(c.corpus, c.source_lang, c.target_lang, split);
    out.corpus = load_parallel(paths.first, paths.second);
    out.source_file = paths.first;
    out.target_file = paths.second;
  }
  check_not_empty(out.corpus, what + std::string(" data"));
  return out;
}

// SHA-256 of segments, each followed by '\n'.
std::string segments_hash(const std::vector<std::string>& segments) {
  Sha256 hash;
  for (const auto& s : segments) {
    hash.update(s);
    hash.update("\n", 1);
  }
  return hash.hex_digest();
}

}  // namespace

TrainingData load_training_data(const CompareConfig& c) {
  TrainingData t;
  auto train = load_split(c, c.train_files, c.train_split, "training");
  auto dev = load_split(c, c.dev_files, c.dev_split, "dev");
  const std::pair<const char*, std::filesystem::path> files[] = {{"train-src", train.source_file},
                                                                 {"train-tgt", train.target_file},
                                                                 {"dev-src", dev.source_file},
                                                                 {"dev-tgt", dev.target_file}};
  for (const auto& [role, path] : files) {
    const std::size_t n = std::string(role).rfind("train", 0) == 0 ? train.corpus.size() : dev.corpus.size();
    t.files.push_back({role, path.string(), sha256_file(path), n});
  }
  // The data hash covers the segments, never the files' paths, names or compression: the
  // same corpus copied elsewhere, decompressed or joined into a TSV file is the same data
  // and finds the same cached models.
  t.hash = sha256_hex(segments_hash(train.corpus.source) + segments_hash(train.corpus.target) +
                      segments_hash(dev.corpus.source) + segments_hash(dev.corpus.target));
  t.data.train_source = std::move(train.corpus.source);
  t.data.train_target = std::move(train.corpus.target);
  t.data.dev_source = std::move(dev.corpus.source);
  t.data.dev_target = std::move(dev.corpus.target);
  return t;
}

TestData load_test_set(const CompareConfig& c, const TestSetConfig& t) {
  TestData d;
  d.config = t;
  if (!t.sacrebleu.empty()) {
    TestSetText text = load_test_set_text(t.sacrebleu, c.source_lang + "-" + c.target_lang);
    for (const auto& f : text.reference_files) d.files[f.string()] = sha256_file(f);
    if (!text.source_file.empty()) d.files[text.source_file.string()] = sha256_file(text.source_file);
    d.source = std::move(text.source);
    d.refs = std::move(text.references);
  } else if (!t.tsv.empty()) {
    auto corpus = load_parallel_tsv(t.tsv);
    check_not_empty(corpus, fmt::format("test set '{}'", t.name));
    d.files[t.tsv.string()] = sha256_file(t.tsv);
    d.source = std::move(corpus.source);
    d.refs.push_back(std::move(corpus.target));
  } else if (!t.references.empty()) {
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
  if (d.refs.front().empty())
    fail<DataError>("test set '{}': the reference has no segments ({})", t.name,
                    t.references.empty() ? "an empty dataset file" : t.references.front().string());
  if (!d.source.empty() && d.source.size() != d.refs.front().size()) {
    fail<DataError>("test set '{}': the source has {} lines but the reference has {}", t.name, d.source.size(),
                    d.refs.front().size());
  }
  if (t.join > 1) {
    // Every `join` consecutive segments become one (the last group may be shorter); the
    // references of a segment stay with its source.
    auto join_lines = [&](const std::vector<std::string>& lines) {
      std::vector<std::string> out;
      for (std::size_t i = 0; i < lines.size(); i += t.join) {
        std::string joined;
        for (std::size_t k = i; k < lines.size() && k < i + t.join; ++k)
          if (!lines[k].empty()) joined += (joined.empty() ? "" : " ") + lines[k];
        out.push_back(std::move(joined));
      }
      return out;
    };
    if (!d.source.empty()) d.source = join_lines(d.source);
    for (auto& ref : d.refs) ref = join_lines(ref);
  }
  return d;
}

std::vector<TrainingLogEntry> training_log_of(const std::filesystem::path& model_dir) {
  std::vector<TrainingLogEntry> out;
  for (const auto& p : read_training_log(model_dir))
    out.push_back({p.step, p.epoch, p.loss, p.dev_loss, p.dev_bleu, p.learning_rate, p.tokens_per_second, p.type,
                   p.note, p.grad_norms});
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
