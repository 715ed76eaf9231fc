#pragma once
// Dataset registry and downloader: named datasets with public files, SHA-256 checksums,
// a local cache ($MTBENCH_HOME, default ~/.cache/mtbench) and an offline mirror
// (MTBENCH_DATA_MIRROR=DIR holding the same file names).

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mtbench {

// One file of a dataset.
struct DatasetFile {
  std::string name;    // file name, e.g. "train.de.gz" (also its name in the mirror and cache)
  std::string url;     // public download address
  std::string sha256;  // expected SHA-256 (hex, lowercase)
};

// A dataset: splits in several languages.
struct Dataset {
  std::string name;                  // registry name, e.g. "multi30k"
  std::string description;           // one line
  std::string citation;              // paper(s) to cite
  std::vector<std::string> languages;  // e.g. {"de","en","fr","cs"}
  std::vector<std::string> splits;     // e.g. {"train","val","test_2016_flickr",...}
  std::vector<DatasetFile> files;      // every file (split x language where it exists)

  // The file of `split` in `lang` (nullptr when that combination does not exist).
  const DatasetFile* file(const std::string& split, const std::string& lang) const;
};

// All registered datasets.
const std::vector<Dataset>& dataset_registry();
// The dataset called `name`; an unknown name is an Error listing the valid names.
const Dataset& find_dataset(const std::string& name);

// The cache directory ($MTBENCH_HOME or ~/.cache/mtbench) for a dataset.
std::filesystem::path dataset_cache_dir(const std::string& dataset);

// Ensures the files of `split` for `source_lang` and `target_lang` are cached (download or
// mirror copy, checksum verified) and returns their paths (source, target).
std::pair<std::filesystem::path, std::filesystem::path> dataset_split_paths(
    const std::string& dataset, const std::string& source_lang, const std::string& target_lang,
    const std::string& split);

}  // namespace mtbench
