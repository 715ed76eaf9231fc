#include "compare/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench::compare {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::string& yaml) {
  try {
    parse_compare_config(yaml, "cfg.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CompareConfig, ParsesFullConfig) {
  const auto c = parse_compare_config(R"(
corpus: multi30k
pair: fr-en
preset: full
test_sets: [test_2016_flickr, {name: extra, reference: ref.txt}]
systems:
  - rule-based
  - {system: phrase-based, label: PB, preset: quick, options: {distortion_limit: 6}}
metrics: [bleu, ter]
significance: {bootstrap_samples: 50, randomization_trials: 0, all_pairs: false}
train_sizes: [1000, 5000]
seed: 7
)",
                                      "/tmp/x/cfg.yaml");
  EXPECT_EQ(c.source_lang, "fr");
  EXPECT_EQ(c.target_lang, "en");
  EXPECT_EQ(c.preset, "full");
  ASSERT_EQ(c.test_sets.size(), 2u);
  EXPECT_EQ(c.test_sets[0].split, "test_2016_flickr");
  EXPECT_EQ(c.test_sets[1].references.at(0), std::filesystem::path("/tmp/x/ref.txt"));
  ASSERT_EQ(c.systems.size(), 2u);
  EXPECT_EQ(c.systems[0].label, "rule-based");
  EXPECT_EQ(c.systems[1].label, "PB");
  EXPECT_THAT(c.systems[1].options_yaml, HasSubstr("distortion_limit: 6"));
  EXPECT_EQ(c.metrics, (std::vector<std::string>{"bleu", "ter"}));
  EXPECT_EQ(c.significance.bootstrap_samples, 50);
  EXPECT_FALSE(c.significance.all_pairs);
  EXPECT_EQ(c.train_sizes, (std::vector<std::size_t>{1000, 5000}));
  EXPECT_EQ(c.seed, 7u);
}

TEST(CompareConfig, MisspelledKeyNamesKeyAndFile) {
  const auto msg = error_of("corpus: multi30k\nsystms: [rule-based]\n");
  EXPECT_THAT(msg, HasSubstr("cfg.yaml:2"));
  EXPECT_THAT(msg, HasSubstr("'systms' is not a known key"));
}

TEST(CompareConfig, WrongTypeNamesKey) {
  const auto msg = error_of("systems: [rule-based]\nsignificance: {bootstrap_samples: many}\n");
  EXPECT_THAT(msg, HasSubstr("significance.bootstrap_samples"));
  EXPECT_THAT(msg, HasSubstr("must be an integer"));
}

TEST(CompareConfig, NestedUnknownKeyAndMissingSystems) {
  EXPECT_THAT(error_of("systems: [{system: rule-based, optons: {}}]\n"), HasSubstr("systems[0].optons"));
  EXPECT_THAT(error_of("corpus: multi30k\n"), HasSubstr("'systems' is required"));
  EXPECT_THAT(error_of("systems: [a, a]\n"), HasSubstr("used twice"));
  EXPECT_THAT(error_of("pair: german\nsystems: [a]\n"), HasSubstr("'pair' must look like 'de-en'"));
  EXPECT_THAT(error_of("systems: [a\n"), HasSubstr("invalid YAML"));
}

TEST(CompareConfig, ValidationRejectsUnknownSystemAndMissingFiles) {
  auto c = parse_compare_config("systems: [rule-based, nonsense]\n", "cfg.yaml");
  try {
    validate_compare_config(c, {"external", "rule-based"});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("systems[1].system: unknown system 'nonsense'"));
    EXPECT_THAT(e.what(), HasSubstr("valid systems: external, rule-based"));
  }
  c = parse_compare_config("systems: [{system: external, outputs: {test_2016_flickr: /no/such/file}}]\n", "cfg.yaml");
  EXPECT_THROW(validate_compare_config(c, {"external"}), ConfigError);
  c = parse_compare_config("systems: [rule-based]\nmetrics: [bleu, meteor]\n", "cfg.yaml");
  EXPECT_THROW(validate_compare_config(c, {"rule-based"}), ConfigError);
}

TEST(CompareConfig, ShippedConfigsParse) {
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(MTBENCH_SOURCE_DIR) / "configs")) {
    if (entry.path().extension() != ".yaml") continue;
    SCOPED_TRACE(entry.path().string());
    const auto c = load_compare_config(entry.path());
    EXPECT_FALSE(c.systems.empty());
  }
}

TEST(CompareConfig, DefaultHasFourEras) {
  const auto c = default_compare_config();
  ASSERT_EQ(c.systems.size(), 4u);
  EXPECT_EQ(c.systems[0].system, "rule-based");
  EXPECT_EQ(c.systems[3].system, "transformer");
  EXPECT_EQ(c.test_sets.at(0).split, "test_2016_flickr");
}

}  // namespace
}  // namespace mtbench::compare
