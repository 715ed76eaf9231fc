#pragma once
// Local datasets: a researcher's own parallel corpus registered under a name, so configs and
// `--corpus` can name it like a built-in dataset. Each is one YAML file,
// $MTBENCH_HOME/datasets/NAME.yaml, written by `mtbench corpus add` or by hand:
//
//   name: mycorpus                      # [A-Za-z0-9._-]+, not a built-in dataset's name
//   description: my news corpus         # optional
//   languages: [de, en]
//   train_split: train                  # optional, default "train"
//   dev_split: dev                      # optional, default "dev"
//   test_split: test                    # optional, default "test"
//   files:                              # one per split and language
//     - {split: train, language: de, path: /data/train.de.gz, sha256: 3f...}
//
// Paths are absolute or relative to the YAML file. The files stay where they are (nothing is
// copied); `corpus add` records their SHA-256, and a file whose content no longer matches is
// refused when used, naming it (a hand-written entry without sha256 is used unchecked).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "corpus/datasets.h"

namespace mtbench {

// Where local dataset definitions live: $MTBENCH_HOME/datasets.
std::filesystem::path local_datasets_dir();

// The local dataset called `name`, if $MTBENCH_HOME/datasets/NAME.yaml exists. A malformed
// file is a ConfigError naming it and the problem.
std::optional<Dataset> find_local_dataset(const std::string& name);

// Every local dataset, by name.
std::vector<Dataset> local_datasets();

// Parses a local dataset definition; `origin` names it in errors, relative paths are resolved
// against `base_dir`.
Dataset parse_local_dataset(const std::string& yaml_text, const std::filesystem::path& origin,
                            const std::filesystem::path& base_dir);

// What `mtbench corpus add` registers.
struct LocalDatasetSpec {
  std::string name;                 // dataset name
  std::string description;          // one line (default: "local corpus NAME")
  std::string source_lang;          // language of the source files
  std::string target_lang;          // language of the target files
  std::filesystem::path train_src;  // training data (required)
  std::filesystem::path train_tgt;
  std::filesystem::path dev_src;  // dev data (required: tuning and validation need it)
  std::filesystem::path dev_tgt;
  std::vector<std::pair<std::string, std::pair<std::filesystem::path, std::filesystem::path>>>
      tests;           // test splits: name -> (source, target); at least one
  bool force = false;  // replace an existing definition of the same name
};

// Validates every file as a parallel corpus (UTF-8, equal line counts, not empty), records
// absolute paths and SHA-256s, and writes $MTBENCH_HOME/datasets/NAME.yaml atomically.
// Returns the path written. ConfigError for a bad name, a built-in's name, or an existing
// definition without `force`; DataError naming file and line for bad data.
std::filesystem::path add_local_dataset(const LocalDatasetSpec& spec);

}  // namespace mtbench
