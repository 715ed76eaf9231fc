#include "systems/model_dir.h"

#include <chrono>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/plugin_api.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

// A tiny real system: translates by a word table learned as "the i-th word of the source goes
// to the i-th word of the target" on the training pairs; save/load as a TSV file.
class FakeTranslator final : public Translator {
 public:
  SystemInfo info() const override {
    SystemInfo info;
    info.name = "fake-positional";
    info.year = 1950;
    return info;
  }
  void train(const TrainData& data, const TrainOptions&) override {
    for (std::size_t i = 0; i < data.train_source.size(); ++i) table_[data.train_source[i]] = data.train_target[i];
  }
  void save(const std::filesystem::path& dir) const override {
    std::vector<std::string> lines;
    for (const auto& [s, t] : table_) lines.push_back(s + "\t" + t);
    write_lines_atomic(dir / "table.tsv", lines);
  }
  void load(const std::filesystem::path& dir) override {
    for (const auto& line : read_lines(dir / "table.tsv")) {
      const auto tab = line.find('\t');
      table_[line.substr(0, tab)] = line.substr(tab + 1);
    }
  }
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions&) override {
    std::vector<Translation> out(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
      auto it = table_.find(sources[i]);
      out[i].text = it == table_.end() ? sources[i] : it->second;
    }
    return out;
  }

 private:
  std::map<std::string, std::string> table_;
};

TranslatorRegistry& fake_registry() {
  static TranslatorRegistry registry;
  static bool once = [] {
    TranslatorEntry entry;
    entry.info = FakeTranslator().info();
    entry.origin = "test";
    entry.create = [] { return std::make_unique<FakeTranslator>(); };
    registry.add(std::move(entry));
    return true;
  }();
  (void)once;
  return registry;
}

TEST(ModelDir, SaveAndLoadRoundTrip) {
  testing::ScratchDir scratch;
  FakeTranslator system;
  system.train({{"Hund", "Katze"}, {"dog", "cat"}, {}, {}, {}}, {});
  ModelManifest manifest;
  manifest.source_lang = "de";
  manifest.target_lang = "en";
  manifest.preset = "quick";
  manifest.config_yaml = "x: 1\n";
  manifest.train_segments = 2;
  manifest.training_files = {{"train-src", "/data/train.de", std::string(64, 'a'), 2}};
  manifest.training_seconds = 1.5;
  manifest.training_updates = 230;
  manifest.training_stop = "max_minutes";
  const auto dir = scratch / "model";
  const ModelManifest written = save_model(system, manifest, dir);
  EXPECT_EQ(written.system, "fake-positional");
  EXPECT_EQ(written.mtbench_version, MTBENCH_VERSION);
  EXPECT_EQ(written.plugin_api_version, MTBENCH_PLUGIN_API_VERSION);
  EXPECT_EQ(written.created.size(), 20u);  // 2024-01-02T03:04:05Z

  LoadedModel loaded = load_model(dir, fake_registry());
  EXPECT_EQ(loaded.manifest.system, "fake-positional");
  EXPECT_EQ(loaded.manifest.source_lang, "de");
  EXPECT_EQ(loaded.manifest.target_lang, "en");
  EXPECT_EQ(loaded.manifest.preset, "quick");
  EXPECT_EQ(loaded.manifest.config_yaml, "x: 1\n");
  EXPECT_EQ(loaded.manifest.train_segments, 2u);
  ASSERT_EQ(loaded.manifest.training_files.size(), 1u);
  EXPECT_EQ(loaded.manifest.training_files[0].sha256, std::string(64, 'a'));
  EXPECT_DOUBLE_EQ(loaded.manifest.training_seconds, 1.5);
  EXPECT_EQ(loaded.manifest.training_updates, 230u);
  EXPECT_EQ(loaded.manifest.training_stop, "max_minutes");
  // A system without a training log records neither.
  const auto bare = manifest_to_json(ModelManifest{});
  EXPECT_EQ(bare.find("training_updates"), std::string::npos);
  EXPECT_EQ(bare.find("training_stop"), std::string::npos);
  EXPECT_EQ(loaded.manifest.created, written.created);
  auto out = loaded.translator->translate({"Katze", "Maus"}, {});
  EXPECT_EQ(out[0].text, "cat");
  EXPECT_EQ(out[1].text, "Maus");
}

// A model whose files changed after training is never loaded: the manifest's SHA-256 per file
// names the culprit (4 KB of random bytes in model.pt used to load and translate "s s s s").
TEST(ModelDir, ChecksumsCatchCorruptedMissingAndEditedFiles) {
  testing::ScratchDir scratch;
  FakeTranslator system;
  system.train({{"Hund"}, {"dog"}, {}, {}, {}}, {});
  const auto dir = scratch / "model";
  const ModelManifest written = save_model(system, ModelManifest{}, dir);
  ASSERT_EQ(written.file_sha256.size(), 1u);
  EXPECT_EQ(written.file_sha256.count("table.tsv"), 1u);
  EXPECT_EQ(read_manifest(dir).file_sha256, written.file_sha256);
  EXPECT_TRUE(is_intact_model(dir));

  write_file_atomic(dir / "table.tsv", "Hund\tcat\n");  // same size class, other content
  std::string problem;
  EXPECT_FALSE(is_intact_model(dir, &problem));
  EXPECT_THAT(problem, HasSubstr("table.tsv does not match the SHA-256"));
  try {
    load_model(dir, fake_registry());
    ADD_FAILURE() << "a corrupted model loaded";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("table.tsv"));
  }
  // A tool that changes the model on purpose re-records the checksums.
  refresh_model_checksums(dir);
  EXPECT_EQ(load_model(dir, fake_registry()).translator->translate({"Hund"}, {})[0].text, "cat");

  std::filesystem::remove(dir / "table.tsv");
  EXPECT_FALSE(is_intact_model(dir, &problem));
  EXPECT_THAT(problem, HasSubstr("table.tsv is missing"));
}

// Loading does not hash a file again whose size, mtime and inode are those it had when it was
// last verified (models of gigabytes open in milliseconds), but any edit is still caught: in
// place (same size and inode, new mtime), by replacement (new inode), and a file changed within
// the last 2 seconds (racy: the mtime tick may not have moved) is always hashed.
TEST(ModelDir, VerificationStampSkipsUnchangedFilesOnly) {
  testing::ScratchDir scratch;
  FakeTranslator system;
  system.train({{"Hund"}, {"dog"}, {}, {}, {}}, {});
  const auto dir = scratch / "model";
  save_model(system, ModelManifest{}, dir);
  const auto file = dir / "table.tsv";
  const auto an_hour_ago = std::filesystem::last_write_time(file) - std::chrono::hours(1);
  std::filesystem::last_write_time(file, an_hour_ago);
  EXPECT_TRUE(is_intact_model(dir));
  EXPECT_THAT(read_file(dir / ".verified"), HasSubstr("table.tsv\t"));
  EXPECT_TRUE(is_intact_model(dir));
  {
    std::fstream edit(file, std::ios::in | std::ios::out | std::ios::binary);
    edit.seekp(0);
    edit.put('X');
  }
  std::string problem;
  EXPECT_FALSE(is_intact_model(dir, &problem));
  EXPECT_THAT(problem, HasSubstr("table.tsv does not match the SHA-256"));
  // Replaced by a new file of the same size (a new inode): caught as well.
  write_file_atomic(file, "Hund\tdog\n");
  EXPECT_TRUE(is_intact_model(dir));
  std::filesystem::last_write_time(file, an_hour_ago);
  EXPECT_TRUE(is_intact_model(dir));
  write_file_atomic(file, "Hund\tcat\n");
  std::filesystem::last_write_time(file, an_hour_ago);
  EXPECT_FALSE(is_intact_model(dir));
}

TEST(ModelDir, ChecksumsLeaveOutCheckpointsAndTemporaryFiles) {
  testing::ScratchDir scratch;
  const auto dir = scratch / "model";
  write_file_atomic(dir / "weights.bin", "w");
  write_file_atomic(dir / "sub" / "vocab.txt", "v");
  write_file_atomic(dir / "checkpoints" / "step-1.pt", "c");
  write_file_atomic(dir / ".weights.bin.tmp-1-2-3", "t");
  write_file_atomic(dir / kModelManifestFile, "{}");
  const auto hashes = hash_model_files(dir);
  ASSERT_EQ(hashes.size(), 2u);
  EXPECT_EQ(hashes.begin()->first, "sub/vocab.txt");
  EXPECT_EQ(hashes.rbegin()->first, "weights.bin");
}

// Found by tests/fuzz/model_manifest_fuzz.cc: a count written as a huge float was converted to
// size_t (undefined behaviour) instead of being refused.
TEST(ModelDir, CountsMustBeNonNegativeIntegers) {
  const std::string head = R"({"format": "mtbench-model", "system": "x", )";
  for (const std::string bad : {R"("train_segments": 4.4e35})", R"("dev_segments": -3})", R"("train_segments": "7"})",
                                R"("training_files": [{"segments": 1e300}]})", R"("plugin_api_version": 2.5})"}) {
    SCOPED_TRACE(bad);
    EXPECT_THROW(manifest_from_json(head + bad, "m.json"), DataError);
  }
  EXPECT_EQ(manifest_from_json(head + R"("train_segments": 12})", "m.json").train_segments, 12u);
}

TEST(ModelDir, MalformedChecksumEntriesAreRejected) {
  ModelManifest m;
  m.system = "x";
  m.file_sha256["../outside"] = std::string(64, 'a');
  EXPECT_THROW(manifest_from_json(manifest_to_json(m), "m.json"), DataError);
  m.file_sha256.clear();
  m.file_sha256["model.pt"] = "abc";
  EXPECT_THROW(manifest_from_json(manifest_to_json(m), "m.json"), DataError);
}

TEST(ModelDir, DirectoryWithoutManifestIsNotAComplete) {
  testing::ScratchDir scratch;
  write_file_atomic(scratch / "table.tsv", "a\tb\n");
  try {
    load_model(scratch.path(), fake_registry());
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("not a complete mtbench model"));
    EXPECT_THAT(e.what(), HasSubstr(scratch.path().string()));
  }
  EXPECT_THROW(load_model(scratch / "missing", fake_registry()), Error);
}

TEST(ModelDir, PrepareRemovesAStaleManifest) {
  testing::ScratchDir scratch;
  FakeTranslator system;
  save_model(system, {}, scratch.path());
  ASSERT_TRUE(std::filesystem::exists(scratch / kModelManifestFile));
  prepare_model_dir(scratch.path());  // a new training run starts here
  EXPECT_FALSE(std::filesystem::exists(scratch / kModelManifestFile));
  EXPECT_TRUE(std::filesystem::exists(scratch / "table.tsv"));
}

TEST(ModelDir, UnknownSystemAndMalformedManifestAreClearErrors) {
  testing::ScratchDir scratch;
  ModelManifest m;
  m.system = "not-there";
  write_file_atomic(scratch / kModelManifestFile, manifest_to_json(m));
  try {
    load_model(scratch.path(), fake_registry());
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'not-there'"));
    EXPECT_THAT(e.what(), HasSubstr("fake-positional"));
  }
  write_file_atomic(scratch / kModelManifestFile, "{\"format\": \"mtbench-model\", ");
  EXPECT_THROW(load_model(scratch.path(), fake_registry()), DataError);
  write_file_atomic(scratch / kModelManifestFile, "{\"system\": \"x\"}");
  EXPECT_THROW(load_model(scratch.path(), fake_registry()), DataError);
}

}  // namespace
}  // namespace mtbench

namespace mtbench {
namespace {

TEST(ModelStats, ParameterCountRoundTripAndAbsence) {
  testing::ScratchDir dir;
  EXPECT_FALSE(read_model_parameters(dir.path()).has_value());
  write_model_parameters(dir.path(), 7577600);
  EXPECT_EQ(read_model_parameters(dir.path()), std::optional<std::uint64_t>(7577600));
  write_file_atomic(dir / "model_stats.json", "{\"parameters\": \"many\"}");
  EXPECT_FALSE(read_model_parameters(dir.path()).has_value());  // unreadable: shown as unknown
  write_file_atomic(dir / "model_stats.json", "not json");
  EXPECT_FALSE(read_model_parameters(dir.path()).has_value());
}

}  // namespace
}  // namespace mtbench
