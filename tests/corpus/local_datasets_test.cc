// Local datasets (`mtbench corpus add`): registered from files, found by name like a
// built-in, used in place, refused when a file changed; hand-written definitions and their
// errors.

#include "corpus/local_datasets.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "corpus/download.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;

using ::testing::HasSubstr;

class LocalDatasets : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("MTBENCH_HOME", (dir_ / "home").c_str(), 1);
    write_lines_atomic(dir_ / "train.de", {"ein Hund", "eine Katze", "zwei Hunde"});
    write_lines_atomic(dir_ / "train.en", {"a dog", "a cat", "two dogs"});
    write_lines_atomic(dir_ / "dev.de.gz", {"ein Mann"});
    write_lines_atomic(dir_ / "dev.en.gz", {"a man"});
    write_lines_atomic(dir_ / "test.de", {"eine Frau", "ein Kind"});
    write_lines_atomic(dir_ / "test.en", {"a woman", "a child"});
  }
  void TearDown() override { unsetenv("MTBENCH_HOME"); }

  LocalDatasetSpec spec(const std::string& name = "pets") const {
    LocalDatasetSpec s;
    s.name = name;
    s.source_lang = "de";
    s.target_lang = "en";
    s.train_src = dir_ / "train.de";
    s.train_tgt = dir_ / "train.en";
    s.dev_src = dir_ / "dev.de.gz";
    s.dev_tgt = dir_ / "dev.en.gz";
    s.tests = {{"test", {dir_ / "test.de", dir_ / "test.en"}}};
    return s;
  }

  testing::ScratchDir dir_;
};

TEST_F(LocalDatasets, AddedDatasetIsFoundAndUsedInPlace) {
  const auto written = add_local_dataset(spec());
  EXPECT_EQ(written, dir_ / "home" / "datasets" / "pets.yaml");
  const Dataset d = find_dataset("pets");
  EXPECT_EQ(d.languages, (std::vector<std::string>{"de", "en"}));
  EXPECT_EQ(d.splits, (std::vector<std::string>{"train", "dev", "test"}));
  EXPECT_EQ(d.train_split, "train");
  EXPECT_EQ(d.dev_split, "dev");
  EXPECT_EQ(d.test_split, "test");
  EXPECT_EQ(d.definition, written);
  ASSERT_EQ(d.files.size(), 6u);
  const auto [src, tgt] = dataset_split_paths("pets", "de", "en", "dev");
  EXPECT_EQ(src, dir_ / "dev.de.gz");  // in place, nothing copied
  EXPECT_EQ(read_lines(tgt), (std::vector<std::string>{"a man"}));
  EXPECT_EQ(cache_state(d, *d.file("train", "en")), CacheState::kValid);
  bool listed = false;
  for (const auto& x : all_datasets()) listed = listed || x.name == "pets";
  EXPECT_TRUE(listed);
  EXPECT_THAT(error_of([] { find_dataset("nope"); }), HasSubstr("multi30k, pets"));
}

TEST_F(LocalDatasets, ChangedFileIsRefusedNamingIt) {
  add_local_dataset(spec());
  write_lines_atomic(dir_ / "train.en", {"a dog", "a cat", "three dogs"});
  const Dataset d = find_dataset("pets");
  EXPECT_EQ(cache_state(d, *d.file("train", "en")), CacheState::kCorrupt);
  const std::string message = error_of([] { dataset_split_paths("pets", "de", "en", "train"); });
  EXPECT_THAT(message, HasSubstr("train.en changed since it was registered"));
  EXPECT_THAT(message, HasSubstr("--force"));
}

TEST_F(LocalDatasets, BadRegistrationsAreRefused) {
  EXPECT_THAT(error_of([&] { add_local_dataset(spec("multi30k")); }), HasSubstr("is a built-in dataset"));
  EXPECT_THAT(error_of([&] { add_local_dataset(spec("../x")); }), HasSubstr("may only hold letters"));
  add_local_dataset(spec());
  EXPECT_THAT(error_of([&] { add_local_dataset(spec()); }), HasSubstr("already exists; use --force"));
  auto forced = spec();
  forced.force = true;
  EXPECT_NO_THROW(add_local_dataset(forced));
  auto uneven = spec("uneven");
  write_lines_atomic(dir_ / "short.en", {"a dog"});
  uneven.train_tgt = dir_ / "short.en";
  EXPECT_THAT(error_of([&] { add_local_dataset(uneven); }), HasSubstr("short.en"));
  auto empty = spec("empty");
  write_file_atomic(dir_ / "e.de", "");
  write_file_atomic(dir_ / "e.en", "");
  empty.tests = {{"test", {dir_ / "e.de", dir_ / "e.en"}}};
  EXPECT_THAT(error_of([&] { add_local_dataset(empty); }), HasSubstr("is empty"));
  auto same = spec("same");
  same.target_lang = "de";
  EXPECT_THAT(error_of([&] { add_local_dataset(same); }), HasSubstr("two different languages"));
  EXPECT_FALSE(find_local_dataset("uneven").has_value());  // nothing written for a refused one
}

TEST_F(LocalDatasets, HandWrittenDefinitionWithRelativePaths) {
  const auto dir = dir_ / "home" / "datasets";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(dir_ / "test.de", dir / "t.de");
  std::filesystem::copy_file(dir_ / "test.en", dir / "t.en");
  write_file_atomic(dir / "mine.yaml",
                    "name: mine\nlanguages: [de, en]\nfiles:\n  - {split: test, language: de, path: t.de}\n"
                    "  - {split: test, language: en, path: t.en}\n");
  const Dataset d = find_dataset("mine");
  EXPECT_EQ(d.file("test", "de")->local_path, dir / "t.de");
  EXPECT_EQ(d.test_split, "test");
  write_file_atomic(dir / "bad.yaml", "name: bad\nlanguages: [de]\nfiles: [{split: test, language: fr, path: x}]\n");
  EXPECT_THAT(error_of([] { find_dataset("bad"); }), HasSubstr("bad.yaml:3: language 'fr' is not in 'languages'"));
  write_file_atomic(dir / "typo.yaml", "name: typo\nlanguage: [de]\n");
  EXPECT_THAT(error_of([] { find_dataset("typo"); }), HasSubstr("unknown key 'language'"));
  write_file_atomic(dir / "other.yaml", "name: mine\nlanguages: [de]\nfiles: [{split: t, language: de, path: x}]\n");
  EXPECT_THAT(error_of([] { find_dataset("other"); }), HasSubstr("defines dataset 'mine'"));
}

}  // namespace
}  // namespace mtbench
