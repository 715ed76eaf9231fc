#include "corpus/datasets.h"

#include <algorithm>
#include <list>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"
#include "corpus/download.h"
#include "corpus/local_datasets.h"

namespace mtbench {
namespace {

// One row of the registry table: a file of a dataset and its published checksum.
struct FileRow {
  const char* split;     // split name
  const char* language;  // language code
  const char* sha256;    // SHA-256 of the published file
};

// A dataset as data. Files are named "<split>.<language><suffix>" and published at
// "<base_url>/<file name>".
struct DatasetRow {
  const char* name;                         // registry name
  const char* description;                  // one line
  const char* citation;                     // what to cite
  const char* base_url;                     // where the public files live
  const char* suffix;                       // file name suffix, e.g. ".gz"
  std::vector<std::string> languages;       // display order of languages
  std::vector<std::string> splits;          // display order of splits
  std::vector<std::string> default_splits;  // fetched by default
  const char* train_split;                  // training split
  const char* dev_split;                    // validation split
  const char* test_split;                   // default test split
  std::vector<FileRow> files;               // every published file
};

// Multi30k task 1, raw (untokenized, original casing) files of the multi30k/dataset GitHub
// repository, data/task1/raw. Checksums: SHA256SUMS of that directory (the same files as in
// ../shared/corpora/multi30k). Czech was added for WMT 2018 (train, val, test_2016_flickr and
// test_2018_flickr), so it has no 2017 test sets.
std::vector<DatasetRow> registry_rows() {
  return {
      {"multi30k",
       "Multi30k task 1: image descriptions in English with German, French and Czech translations",
       "Elliott et al. 2016, Multi30K: Multilingual English-German Image Descriptions (VL@ACL); "
       "Elliott et al. 2017 (WMT); Barrault et al. 2018 (WMT)",
       "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw",
       ".gz",
       {"de", "en", "fr", "cs"},
       {"train", "val", "test_2016_flickr", "test_2017_flickr", "test_2017_mscoco", "test_2018_flickr"},
       {"train", "val", "test_2016_flickr"},
       "train",
       "val",
       "test_2016_flickr",
       {
           {"train", "de", "726e39b2fa9eb9ffb6dc763fb35a179f80fae06ffc5d28b6ace5faa883de28a6"},
           {"train", "en", "d79cfa999dd4c51d2cb42499b6796d5a882c3a8a961923c25a898c90f8bbd56f"},
           {"train", "fr", "622e75069e9f4c577425c4f277116ce66e63a2401c0a2312d90073cb12379a3c"},
           {"train", "cs", "a65adb8b32e3bc664f21ecba7a6e7f6950fd1f405e135f7c312faabdb6255077"},
           {"val", "de", "f0cba2f995189cf5770f29a8a9a537a3ad3f51657ad873405082ff6863a5e75a"},
           {"val", "en", "14f7d25ddd868909a9213e361768460edcacdd6ab9d1e77b92560dc10c10dc28"},
           {"val", "fr", "ca3106f1a72390591d25f6c45cb4cd39dec4cd3f123e099748a3ce5256c160e9"},
           {"val", "cs", "b63226e05c4bd5dd6a42897d74b86a1b9d2c31498252c572b1ea7f7996927fcc"},
           {"test_2016_flickr", "de", "9204244e408ccb38d2a55cfcd344df15005fc42a07a6e55ca6c52b6ababb8cc8"},
           {"test_2016_flickr", "en", "611d361c6334bc7246101d48097c13cf5c4413c5befc793cc629934359d532d9"},
           {"test_2016_flickr", "fr", "6d326e188d259fb1d04ac19eae3af956559b3a0b93d7635e56c90987c40c8b90"},
           {"test_2016_flickr", "cs", "200a4a74cc9560f051924abb9803be008d1908d77f747e9141aeb86dfd2797f1"},
           {"test_2017_flickr", "de", "a2c89666db00c495cd8513b9d708d5a3acc205d7de312ef2bf5fb7ebc1540aee"},
           {"test_2017_flickr", "en", "76a444ee25172e72695cddb13ae4a3bda59430617be88e0bb46b60504f054074"},
           {"test_2017_flickr", "fr", "3ba671ceb2299f3304ffafefea7a833d08632fbaf0ba18546f8a2ec2391af496"},
           {"test_2017_mscoco", "de", "799e4854c25d601cb6cb6be29eabe5667734c61ace2f495e03e429031a0bc338"},
           {"test_2017_mscoco", "en", "aab300bfb4427697987e02cd0aacd44bfe8aa50456231b6474c08038bbed2b58"},
           {"test_2017_mscoco", "fr", "754f3072ba9f124569ba5258b32730fc1d214bbf8e0c6dfb2b74401676220db0"},
           {"test_2018_flickr", "de", "ddd0130c7d97482dc5197a02141dae8dd79f20f03586c480d675c09a32daf608"},
           {"test_2018_flickr", "en", "ef4f4844037d4c5dea75c9a8ed5fd78905967a26f67c255e230cc9780032654d"},
           {"test_2018_flickr", "fr", "fb2b83fcceb937a4f7e3e93c1c51c22aba92f1e342391e6b5ba392b16a920501"},
           {"test_2018_flickr", "cs", "7d0a9db904f94c554a8c58049a9f3a5357c27f46cc3d710d70cb0b4a2585b8c2"},
       }},
  };
}

Dataset build_dataset(const DatasetRow& row) {
  Dataset dataset;
  dataset.name = row.name;
  dataset.description = row.description;
  dataset.citation = row.citation;
  dataset.languages = row.languages;
  dataset.splits = row.splits;
  dataset.default_splits = row.default_splits;
  dataset.train_split = row.train_split;
  dataset.dev_split = row.dev_split;
  dataset.test_split = row.test_split;
  for (const FileRow& f : row.files) {
    DatasetFile file;
    file.split = f.split;
    file.language = f.language;
    file.name = fmt::format("{}.{}{}", f.split, f.language, row.suffix);
    file.url = fmt::format("{}/{}", row.base_url, file.name);
    file.sha256 = f.sha256;
    dataset.files.push_back(std::move(file));
  }
  return dataset;
}

bool contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

}  // namespace

const DatasetFile* Dataset::file(const std::string& split, const std::string& lang) const {
  for (const auto& f : files) {
    if (f.split == split && f.language == lang) return &f;
  }
  return nullptr;
}

bool Dataset::has_split(const std::string& split) const {
  return contains(splits, split);
}
bool Dataset::has_language(const std::string& lang) const {
  return contains(languages, lang);
}

std::vector<std::string> Dataset::split_languages(const std::string& split) const {
  std::vector<std::string> out;
  for (const auto& lang : languages) {
    if (file(split, lang) != nullptr) out.push_back(lang);
  }
  return out;
}

const DatasetFile& Dataset::require_file(const std::string& split, const std::string& lang) const {
  if (!has_split(split)) {
    fail<ConfigError>("dataset {} has no split '{}' (splits: {})", name, split, fmt::join(splits, ", "));
  }
  if (!has_language(lang)) {
    fail<ConfigError>("dataset {} has no language '{}' (languages: {})", name, lang, fmt::join(languages, ", "));
  }
  const DatasetFile* found = file(split, lang);
  if (found == nullptr) {
    fail<ConfigError>("dataset {} has no '{}' file for split {} (that split exists in: {})", name, lang, split,
                      fmt::join(split_languages(split), ", "));
  }
  return *found;
}

const std::vector<Dataset>& dataset_registry() {
  static const std::vector<Dataset> registry = [] {
    std::vector<Dataset> out;
    for (const auto& row : registry_rows()) out.push_back(build_dataset(row));
    return out;
  }();
  return registry;
}

std::vector<const DatasetFile*> select_files(const Dataset& d, const DatasetSelection& selection) {
  const bool explicit_splits = !selection.splits.empty();
  const bool explicit_languages = !selection.languages.empty();
  if (selection.all && (explicit_splits || explicit_languages)) {
    fail<ConfigError>("selecting all files of {} excludes naming splits or languages", d.name);
  }
  const auto& splits = selection.all ? d.splits : explicit_splits ? selection.splits : d.default_splits;
  const auto& languages = explicit_languages ? selection.languages : d.languages;
  for (const auto& split : splits) {
    if (!d.has_split(split)) {
      fail<ConfigError>("dataset {} has no split '{}' (splits: {})", d.name, split, fmt::join(d.splits, ", "));
    }
  }
  for (const auto& lang : languages) {
    if (!d.has_language(lang)) {
      fail<ConfigError>("dataset {} has no language '{}' (languages: {})", d.name, lang, fmt::join(d.languages, ", "));
    }
  }
  std::vector<const DatasetFile*> files;
  for (const auto& split : splits) {
    for (const auto& lang : languages) {
      const DatasetFile* f = d.file(split, lang);
      // Naming both and getting nothing is a mistake worth reporting; otherwise a split simply
      // does not exist in every language (multi30k has no Czech 2017 test sets).
      if (f == nullptr && explicit_splits && explicit_languages) f = &d.require_file(split, lang);
      if (f != nullptr) files.push_back(f);
    }
  }
  if (files.empty()) {
    fail<ConfigError>("dataset {} has no file for that selection of splits and languages", d.name);
  }
  return files;
}

std::vector<Dataset> all_datasets() {
  std::vector<Dataset> out = dataset_registry();
  for (auto& d : local_datasets()) out.push_back(std::move(d));
  return out;
}

const Dataset& find_dataset(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& dataset : dataset_registry()) {
    if (dataset.name == name) return dataset;
    names.push_back(dataset.name);
  }
  if (auto local = find_local_dataset(name)) {
    // Local datasets are read from their YAML on every lookup; the parsed objects live on
    // (one per distinct content) so that references handed out stay valid.
    static std::mutex mutex;
    static std::list<Dataset> kept;
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& d : kept) {
      if (d.name == local->name && d.definition == local->definition && d.files.size() == local->files.size() &&
          std::equal(d.files.begin(), d.files.end(), local->files.begin(),
                     [](const DatasetFile& a, const DatasetFile& b) {
                       return a.split == b.split && a.language == b.language && a.local_path == b.local_path &&
                              a.sha256 == b.sha256;
                     }) &&
          d.splits == local->splits && d.languages == local->languages && d.train_split == local->train_split &&
          d.dev_split == local->dev_split && d.test_split == local->test_split && d.description == local->description)
        return d;
    }
    kept.push_back(std::move(*local));
    return kept.back();
  }
  for (const auto& d : local_datasets()) names.push_back(d.name);
  fail<ConfigError>("unknown dataset '{}' (datasets: {}; register your own with `mtbench corpus add`)", name,
                    fmt::join(names, ", "));
}

std::filesystem::path dataset_cache_dir(const std::string& dataset) {
  return mtbench_home() / "datasets" / dataset;
}

std::pair<std::filesystem::path, std::filesystem::path> dataset_split_paths(const std::string& dataset,
                                                                            const std::string& source_lang,
                                                                            const std::string& target_lang,
                                                                            const std::string& split) {
  const Dataset& d = find_dataset(dataset);
  const DatasetFile& source = d.require_file(split, source_lang);
  const DatasetFile& target = d.require_file(split, target_lang);
  auto source_path = fetch_dataset_file(d, source).path;
  auto target_path = fetch_dataset_file(d, target).path;
  return {std::move(source_path), std::move(target_path)};
}

}  // namespace mtbench
