#include "systems/plugin.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/model_dir.h"
#include "systems/plugin_api.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

fs::path test_plugin(const std::string& name) {
  fs::path dir = fs::path(MTBENCH_BINARY_DIR) / "tests" / "plugins" / name;
  for (const auto& item : fs::directory_iterator(dir)) {
    if (item.path().extension() == ".so") return item.path();
  }
  return dir / "missing.so";
}

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

// Configures and builds examples/plugin out of tree against this build tree, the way a user
// does (`cmake -S examples/plugin -B B -Dmtbench_DIR=<build dir>`). Returns the .so path.
fs::path build_example_plugin(const fs::path& build_dir) {
  const fs::path log = build_dir.parent_path() / "example-plugin-build.log";
  const std::string command = "cmake -S '" MTBENCH_SOURCE_DIR "/examples/plugin' -B '" + build_dir.string() +
                              "' -Dmtbench_DIR='" MTBENCH_BINARY_DIR "' -DCMAKE_BUILD_TYPE=Release > '" + log.string() +
                              "' 2>&1 && cmake --build '" + build_dir.string() + "' >> '" + log.string() + "' 2>&1";
  const int status = std::system(command.c_str());
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(status, 0) << "building the example plugin failed:\n" << text.str();
  return build_dir / "libmtbench_dice.so";
}

TEST(Plugin, ExamplePluginBuildsOutOfTreeLoadsTrainsAndTranslates) {
  testing::ScratchDir scratch;
  const fs::path so = build_example_plugin(scratch / "build");
  ASSERT_TRUE(fs::exists(so));

  TranslatorRegistry registry;
  const PluginInfo info = load_plugin(so, registry);
  EXPECT_EQ(info.api_version, MTBENCH_PLUGIN_API_VERSION);
  EXPECT_EQ(info.abi, host_plugin_abi());
  ASSERT_EQ(info.systems, std::vector<std::string>{"dice"});
  const TranslatorEntry& entry = registry.entry("dice");
  EXPECT_EQ(entry.origin, fs::canonical(so).string());
  EXPECT_EQ(entry.info.year, 1996);
  EXPECT_EQ(entry.info.paradigm, "statistical");
  EXPECT_THAT(entry.info.citation, HasSubstr("Smadja"));
  // Loading the same file again is a no-op, not a duplicate-name error.
  EXPECT_EQ(load_plugin(so, registry).systems, info.systems);

  // A tiny corpus where co-occurrence pins down each word.
  TrainData data;
  data.train_source = {"der Hund", "der Hund schläft", "die Katze schläft", "die Katze",
                       "ein Hund", "ein Ball",         "die Frau",          "die Maus"};
  data.train_target = {"the dog", "the dog sleeps", "the cat sleeps", "the cat",
                       "a dog",   "a ball",         "the woman",      "the mouse"};
  TrainOptions options;
  options.config_yaml = "min_cooccurrence: 1\n";
  auto system = registry.create("dice");
  system->train(data, options);
  TranslateOptions translate_options;
  translate_options.explain = true;
  auto out = system->translate({"Die Katze schläft.", "ein Zebra"}, translate_options);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "The cat sleeps.");
  EXPECT_EQ(out[1].text, "a Zebra");
  EXPECT_EQ(out[1].explanation.unknown_words, std::vector<std::string>{"Zebra"});
  EXPECT_EQ(out[1].explanation.alignment.size(), 2u);

  // Model directory round trip through the registry (plugin systems included).
  ModelManifest manifest;
  manifest.system_origin = entry.origin;
  save_model(*system, manifest, scratch / "model");
  LoadedModel loaded = load_model(scratch / "model", registry);
  EXPECT_EQ(loaded.manifest.system, "dice");
  EXPECT_EQ(loaded.translator->translate({"Die Katze schläft."}, {})[0].text, "The cat sleeps.");

  // Unknown config keys are rejected with the key's name.
  options.config_yaml = "min_cooc: 1\n";
  options.config_origin = "dice.yaml";
  try {
    registry.create("dice")->train(data, options);
    FAIL();
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("'min_cooc'"));
    EXPECT_THAT(e.what(), HasSubstr("dice.yaml"));
  }
}

// A plugin of API version 1 (before Translator::supports_pair) would call the wrong virtual
// functions: refused, saying what changed.
TEST(Plugin, PluginOfTheOldApiVersionIsRefused) {
  TranslatorRegistry registry;
  const fs::path so = test_plugin("old_version");
  const std::string message = error_of([&] { load_plugin(so, registry); });
  EXPECT_THAT(message, HasSubstr("plugin API version 1,"));
  EXPECT_THAT(message, HasSubstr("supports_pair"));
  EXPECT_TRUE(registry.names().empty());
}

TEST(Plugin, WrongApiVersionIsRefusedNamingFileAndBothVersions) {
  TranslatorRegistry registry;
  const fs::path so = test_plugin("bad_version");
  const std::string message = error_of([&] { load_plugin(so, registry); });
  EXPECT_THAT(message, HasSubstr(fs::canonical(so).string()));
  EXPECT_THAT(message, HasSubstr("plugin API version " + std::to_string(MTBENCH_PLUGIN_API_VERSION + 998)));
  EXPECT_THAT(message, HasSubstr("provides version " + std::to_string(MTBENCH_PLUGIN_API_VERSION)));
  EXPECT_TRUE(registry.names().empty());
}

TEST(Plugin, WrongAbiIsRefused) {
  TranslatorRegistry registry;
  const std::string message = error_of([&] { load_plugin(test_plugin("wrong_abi"), registry); });
  EXPECT_THAT(message, HasSubstr("incompatible compiler"));
  EXPECT_THAT(message, HasSubstr("msvc-19"));
  EXPECT_THAT(message, HasSubstr(host_plugin_abi()));
}

TEST(Plugin, LibraryWithoutEntryPointsOrNotALibraryIsAClearError) {
  TranslatorRegistry registry;
  EXPECT_THAT(error_of([&] { load_plugin(test_plugin("no_entry"), registry); }),
              HasSubstr("is not an mtbench plugin: it has no mtbench_plugin_api_version()"));
  testing::ScratchDir scratch;
  write_file_atomic(scratch / "fake.so", "not an ELF file\n");
  const std::string message = error_of([&] { load_plugin(scratch / "fake.so", registry); });
  EXPECT_THAT(message, HasSubstr("cannot load plugin"));
  EXPECT_THAT(message, HasSubstr("fake.so"));
  EXPECT_THAT(error_of([&] { load_plugin(scratch / "absent.so", registry); }), HasSubstr("does not exist"));
  EXPECT_THAT(error_of([&] { load_plugin_dir(scratch / "no-dir", registry); }), HasSubstr("plugin directory"));
}

TEST(Plugin, PluginPathFromEnvironmentSplitsOnColons) {
  ::setenv("MTBENCH_PLUGIN_PATH", "/a/b::/c:", 1);
  EXPECT_EQ(plugin_path_from_env(), (std::vector<fs::path>{"/a/b", "/c"}));
  ::setenv("MTBENCH_PLUGIN_PATH", (test_plugin("no_entry").parent_path().string() + ":/nonexistent").c_str(), 1);
  TranslatorRegistry registry;
  // Directories of the path are searched (missing ones skipped): the bad library is reported.
  EXPECT_THAT(error_of([&] { load_plugins({}, registry); }), HasSubstr("not an mtbench plugin"));
  ::unsetenv("MTBENCH_PLUGIN_PATH");
  EXPECT_TRUE(plugin_path_from_env().empty());
  EXPECT_TRUE(load_plugins({}, registry).empty());
}

}  // namespace
}  // namespace mtbench
