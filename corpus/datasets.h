#pragma once
// Dataset registry and downloader: named datasets with public files, SHA-256 checksums,
// a local cache ($MTBENCH_HOME, default ~/.cache/mtbench) and an offline mirror
// (MTBENCH_DATA_MIRROR=DIR holding DIR/<dataset>/<file>). The registry is data (a table in
// datasets.cc); adding a dataset means adding rows there, no code.

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mtbench {

// One file of a dataset.
struct DatasetFile {
  std::string name;                  // file name, e.g. "train.de.gz" (also its name in the mirror and cache)
  std::string url;                   // public download address
  std::string sha256;                // expected SHA-256 (hex, lowercase)
  std::string split;                 // split it belongs to, e.g. "train"
  std::string language;              // language code of its segments, e.g. "de"
  std::filesystem::path local_path;  // a local dataset's file, used in place (empty for downloads)
};

// A dataset: splits in several languages. Built-in datasets are downloaded into the cache;
// local ones (registered with `mtbench corpus add`) are read where they are.
struct Dataset {
  std::string name;                         // registry name, e.g. "multi30k"
  std::string description;                  // one line
  std::string citation;                     // paper(s) to cite
  std::vector<std::string> languages;       // e.g. {"de","en","fr","cs"}
  std::vector<std::string> splits;          // e.g. {"train","val","test_2016_flickr",...}
  std::vector<DatasetFile> files;           // every file (split x language where it exists)
  std::vector<std::string> default_splits;  // fetched by `corpus get NAME` without --split
  std::string train_split;                  // split used for training (`train --corpus`)
  std::string dev_split;                    // split used for validation/early stopping
  std::string test_split;                   // the default benchmark's test split
  std::filesystem::path definition;         // a local dataset's YAML file (empty for built-ins)

  // The file of `split` in `lang` (nullptr when that combination does not exist).
  const DatasetFile* file(const std::string& split, const std::string& lang) const;
  // Like file(), but an unknown split or language, or a missing combination, is a
  // ConfigError naming the dataset and listing what exists.
  const DatasetFile& require_file(const std::string& split, const std::string& lang) const;
  // The languages `split` exists in, in registry order.
  std::vector<std::string> split_languages(const std::string& split) const;
  bool has_split(const std::string& split) const;
  bool has_language(const std::string& lang) const;
};

// Which files of a dataset to fetch (`mtbench corpus get`).
struct DatasetSelection {
  std::vector<std::string> splits;     // empty: the dataset's default splits
  std::vector<std::string> languages;  // empty: every language
  bool all = false;                    // every file; splits and languages must then be empty
};

// The files `selection` picks, in registry order of splits and languages. Combinations that do
// not exist are left out, unless both split and language were named explicitly. An unknown split
// or language, or an empty result, is a ConfigError listing what exists.
std::vector<const DatasetFile*> select_files(const Dataset& dataset, const DatasetSelection& selection);

// The built-in datasets.
const std::vector<Dataset>& dataset_registry();
// The built-in datasets, then the local ones ($MTBENCH_HOME/datasets/*.yaml,
// corpus/local_datasets.h).
std::vector<Dataset> all_datasets();
// The dataset called `name`, built-in or local; an unknown name is a ConfigError listing the
// valid names. The reference stays valid for the life of the process (a local definition
// edited meanwhile is read again into a new object).
const Dataset& find_dataset(const std::string& name);

// The cache directory ($MTBENCH_HOME or ~/.cache/mtbench) for a dataset.
std::filesystem::path dataset_cache_dir(const std::string& dataset);

// Ensures the files of `split` for `source_lang` and `target_lang` are cached (download or
// mirror copy, checksum verified) and returns their paths (source, target).
std::pair<std::filesystem::path, std::filesystem::path> dataset_split_paths(const std::string& dataset,
                                                                            const std::string& source_lang,
                                                                            const std::string& target_lang,
                                                                            const std::string& split);

}  // namespace mtbench
