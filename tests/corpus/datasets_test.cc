// Dataset registry: contents of multi30k checked against the published SHA256SUMS, lookups
// and the errors for unknown names, splits, languages and missing combinations.

#include "corpus/datasets.h"

#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;

TEST(Datasets, Multi30kHasEveryRawTask1File) {
  const Dataset& d = find_dataset("multi30k");
  EXPECT_EQ(d.files.size(), 22u);
  EXPECT_EQ(d.languages, (std::vector<std::string>{"de", "en", "fr", "cs"}));
  EXPECT_EQ(d.splits.size(), 6u);
  EXPECT_EQ(d.default_splits, (std::vector<std::string>{"train", "val", "test_2016_flickr"}));
  EXPECT_EQ(d.train_split, "train");
  EXPECT_EQ(d.dev_split, "val");
  EXPECT_EQ(d.test_split, "test_2016_flickr");
  const DatasetFile* f = d.file("train", "de");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->name, "train.de.gz");
  EXPECT_EQ(f->url, "https://raw.githubusercontent.com/multi30k/dataset/master/data/task1/raw/train.de.gz");
  EXPECT_EQ(f->split, "train");
  EXPECT_EQ(f->language, "de");
  // Czech has no 2017 test sets; every other split x language exists.
  EXPECT_EQ(d.file("test_2017_flickr", "cs"), nullptr);
  EXPECT_EQ(d.file("test_2017_mscoco", "cs"), nullptr);
  EXPECT_NE(d.file("test_2018_flickr", "cs"), nullptr);
  EXPECT_EQ(d.split_languages("test_2017_mscoco"), (std::vector<std::string>{"de", "en", "fr"}));
  for (const auto& file : d.files) {
    EXPECT_EQ(file.sha256.size(), 64u) << file.name;
    EXPECT_TRUE(d.has_split(file.split)) << file.name;
    EXPECT_TRUE(d.has_language(file.language)) << file.name;
  }
}

TEST(Datasets, ChecksumsMatchPublishedSha256Sums) {
  MTBENCH_REQUIRE_SHARED(sums, "corpora/multi30k/SHA256SUMS");
  std::map<std::string, std::string> published;
  std::ifstream in(sums);
  std::string hash, name;
  while (in >> hash >> name) published[name] = hash;
  const Dataset& d = find_dataset("multi30k");
  ASSERT_EQ(published.size(), d.files.size());
  for (const auto& file : d.files) {
    ASSERT_TRUE(published.count(file.name)) << file.name;
    EXPECT_EQ(published[file.name], file.sha256) << file.name;
  }
}

TEST(Datasets, UnknownNameListsValidNames) {
  const std::string message = error_of([] { find_dataset("multi31k"); });
  EXPECT_NE(message.find("multi31k"), std::string::npos) << message;
  EXPECT_NE(message.find("multi30k"), std::string::npos) << message;
  EXPECT_THROW(find_dataset(""), ConfigError);
}

TEST(Datasets, RequireFileNamesWhatExists) {
  const Dataset& d = find_dataset("multi30k");
  EXPECT_EQ(&d.require_file("val", "fr"), d.file("val", "fr"));
  std::string message = error_of([&] { d.require_file("dev", "de"); });
  EXPECT_NE(message.find("'dev'"), std::string::npos) << message;
  EXPECT_NE(message.find("test_2018_flickr"), std::string::npos) << message;
  message = error_of([&] { d.require_file("val", "es"); });
  EXPECT_NE(message.find("'es'"), std::string::npos) << message;
  EXPECT_NE(message.find("de, en, fr, cs"), std::string::npos) << message;
  message = error_of([&] { d.require_file("test_2017_flickr", "cs"); });
  EXPECT_NE(message.find("cs"), std::string::npos) << message;
  EXPECT_NE(message.find("test_2017_flickr"), std::string::npos) << message;
  EXPECT_NE(message.find("de, en, fr"), std::string::npos) << message;
}

std::vector<std::string> names(const std::vector<const DatasetFile*>& files) {
  std::vector<std::string> out;
  for (const auto* f : files) out.push_back(f->name);
  return out;
}

TEST(Datasets, SelectFiles) {
  const Dataset& d = find_dataset("multi30k");
  // Default: the benchmark's splits in every language.
  const auto defaults = select_files(d, {});
  ASSERT_EQ(defaults.size(), 12u);
  EXPECT_EQ(defaults.front()->name, "train.de.gz");
  EXPECT_EQ(defaults.back()->name, "test_2016_flickr.cs.gz");
  EXPECT_EQ(select_files(d, {{}, {}, true}).size(), 22u);
  // A split missing in one language is skipped when the language was not named...
  EXPECT_EQ(names(select_files(d, {{"test_2017_flickr"}, {}, false})),
            (std::vector<std::string>{"test_2017_flickr.de.gz", "test_2017_flickr.en.gz", "test_2017_flickr.fr.gz"}));
  EXPECT_EQ(names(select_files(d, {{}, {"cs"}, false})),
            (std::vector<std::string>{"train.cs.gz", "val.cs.gz", "test_2016_flickr.cs.gz"}));
  // ...but an error when both were named.
  EXPECT_THROW(select_files(d, {{"test_2017_flickr"}, {"en", "cs"}, false}), ConfigError);
  EXPECT_THROW(select_files(d, {{"test_2017_mscoco"}, {"cs"}, false}), ConfigError);
  EXPECT_THROW(select_files(d, {{"dev"}, {}, false}), ConfigError);
  EXPECT_THROW(select_files(d, {{}, {"es"}, false}), ConfigError);
  EXPECT_THROW(select_files(d, {{"val"}, {}, true}), ConfigError);
}

TEST(Datasets, CacheDirFollowsMtbenchHome) {
  testing::ScratchDir dir;
  const char* old = std::getenv("MTBENCH_HOME");
  const std::string saved = old ? old : "";
  ::setenv("MTBENCH_HOME", dir.path().c_str(), 1);
  EXPECT_EQ(dataset_cache_dir("multi30k"), dir.path() / "datasets" / "multi30k");
  if (old)
    ::setenv("MTBENCH_HOME", saved.c_str(), 1);
  else
    ::unsetenv("MTBENCH_HOME");
}

TEST(Datasets, SplitPathsFromMirrorAreCachedAndAligned) {
  MTBENCH_REQUIRE_SHARED(mirror_file, "corpora/multi30k/val.de.gz");
  testing::ScratchDir dir;
  ::setenv("MTBENCH_HOME", dir.path().c_str(), 1);
  ::setenv("MTBENCH_DATA_MIRROR", mirror_file.parent_path().parent_path().c_str(), 1);
  const auto [src, tgt] = dataset_split_paths("multi30k", "de", "en", "val");
  ::unsetenv("MTBENCH_HOME");
  ::unsetenv("MTBENCH_DATA_MIRROR");
  EXPECT_EQ(src, dir.path() / "datasets" / "multi30k" / "val.de.gz");
  EXPECT_EQ(tgt, dir.path() / "datasets" / "multi30k" / "val.en.gz");
  EXPECT_TRUE(std::filesystem::exists(src));
  EXPECT_TRUE(std::filesystem::exists(tgt));
  EXPECT_THROW(dataset_split_paths("multi30k", "cs", "en", "test_2017_flickr"), ConfigError);
}

}  // namespace
}  // namespace mtbench
