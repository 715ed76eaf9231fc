#include "systems/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "systems/builtin/builtin.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

class Dummy final : public Translator {
 public:
  explicit Dummy(std::string name) : name_(std::move(name)) {}
  SystemInfo info() const override {
    SystemInfo info;
    info.name = name_;
    return info;
  }
  void train(const TrainData&, const TrainOptions&) override {}
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}
  std::vector<Translation> translate(const std::vector<std::string>& s, const TranslateOptions&) override {
    return std::vector<Translation>(s.size());
  }

 private:
  std::string name_;
};

TranslatorEntry make_entry(const std::string& name, int year, const std::string& origin) {
  TranslatorEntry entry;
  entry.info.name = name;
  entry.info.year = year;
  entry.origin = origin;
  entry.create = [name] { return std::make_unique<Dummy>(name); };
  return entry;
}

TEST(Registry, CreatesRegisteredSystemsAndOrdersByYear) {
  TranslatorRegistry registry;
  registry.add(make_entry("transformer", 2017, "built-in"));
  registry.add(make_entry("rule-based", 1954, "built-in"));
  registry.add(make_entry("rnn", 2014, "/p/rnn.so"));
  EXPECT_TRUE(registry.contains("rnn"));
  EXPECT_FALSE(registry.contains("smt"));
  EXPECT_EQ(registry.create("rnn")->info().name, "rnn");
  EXPECT_EQ(registry.entry("rnn").origin, "/p/rnn.so");
  std::vector<std::string> by_year;
  for (const auto& e : registry.entries()) by_year.push_back(e.info.name);
  EXPECT_THAT(by_year, ::testing::ElementsAre("rule-based", "rnn", "transformer"));
  EXPECT_THAT(registry.names(), ::testing::ElementsAre("rnn", "rule-based", "transformer"));
}

TEST(Registry, DuplicateNameNamesBothOrigins) {
  TranslatorRegistry registry;
  registry.add(make_entry("smt", 2003, "built-in"));
  try {
    registry.add(make_entry("smt", 2003, "/plugins/libsmt.so"));
    FAIL() << "duplicate accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("'smt'"));
    EXPECT_THAT(e.what(), HasSubstr("/plugins/libsmt.so"));
    EXPECT_THAT(e.what(), HasSubstr("built-in"));
  }
  EXPECT_EQ(registry.names().size(), 1u);
}

TEST(Registry, UnknownNameListsValidNames) {
  TranslatorRegistry registry;
  registry.add(make_entry("alpha", 1, "built-in"));
  registry.add(make_entry("beta", 2, "built-in"));
  try {
    registry.create("gamma");
    FAIL() << "unknown name accepted";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown system 'gamma'"));
    EXPECT_THAT(e.what(), HasSubstr("alpha, beta"));
  }
}

TEST(Registry, NamelessEntryIsRejected) {
  TranslatorRegistry registry;
  EXPECT_THROW(registry.add(make_entry("", 1, "x.so")), Error);
}

TEST(Registry, BuiltinsIncludeExternalAndRegisterOnce) {
  register_builtin_translators();
  register_builtin_translators();  // call_once: no duplicate error
  auto& registry = TranslatorRegistry::instance();
  ASSERT_TRUE(registry.contains("external"));
  const auto& entry = registry.entry("external");
  EXPECT_EQ(entry.origin, "built-in");
  EXPECT_EQ(entry.info.paradigm, "external");
  EXPECT_EQ(entry.info.era, "external");
  EXPECT_EQ(registry.create("external")->info().name, "external");
}

}  // namespace
}  // namespace mtbench

#ifdef MTBENCH_HAVE_TORCH
#include "systems/builtin/builtin.h"
#include "systems/neural/neural_module.h"

namespace mtbench {
namespace {

// Listing and checking the neural systems needs no LibTorch; creating one loads the module.
TEST(Registry, NeuralSystemsLoadTheirModuleOnlyWhenCreated) {
  register_builtin_translators();
  const bool loaded_before = neural::neural_module_loaded();  // another test of this process may have
  auto& registry = TranslatorRegistry::instance();
  const auto& entry = registry.entry("transformer");
  EXPECT_EQ(entry.info.year, 2017);
  EXPECT_FALSE(entry.options("quick").empty());
  TrainOptions check;
  check.preset = "quick";
  check.config_yaml = "dim: 64\n";
  EXPECT_NO_THROW(entry.check_config(check));
  if (!loaded_before) {
    EXPECT_FALSE(neural::neural_module_loaded());
  }
  const auto translator = registry.create("rnn-attention");
  EXPECT_TRUE(neural::neural_module_loaded());
  EXPECT_EQ(translator->info().name, "rnn-attention");
}

}  // namespace
}  // namespace mtbench
#endif
