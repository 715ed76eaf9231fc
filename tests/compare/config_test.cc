#include "compare/config.h"
#include "compare/data.h"

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

TEST(CompareConfig, DefaultHasSixErasInOrder) {
  const auto c = default_compare_config();
  ASSERT_EQ(c.systems.size(), 6u);
  EXPECT_EQ(c.systems[0].system, "rule-based");
  EXPECT_EQ(c.systems[1].system, "example-based");
  EXPECT_EQ(c.systems[2].system, "word-based");
  EXPECT_EQ(c.systems[5].system, "transformer");
  EXPECT_EQ(c.test_sets.at(0).split, "test_2016_flickr");
}

}  // namespace
}  // namespace mtbench::compare

#include "compare/checks.h"
#include "systems/builtin/builtin.h"

namespace mtbench::compare {
namespace {

// What the real run rejects after training, `--dry-run` (check_comparison) rejects up front.
std::string check_error(const std::string& yaml) {
  register_builtin_translators();
  try {
    check_comparison(parse_compare_config(yaml, "cfg.yaml"), TranslatorRegistry::instance());
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(CheckComparison, RejectsEverythingTheRunWouldRejectLater) {
#ifdef MTBENCH_HAVE_TORCH
  EXPECT_THAT(check_error("systems: [{system: transformer, options: {dimm: 5}}]\n"),
              HasSubstr("cfg.yaml (systems[0], 'transformer'): unknown transformer option 'dimm'"));
  EXPECT_THAT(check_error("preset: ultra\nsystems: [rule-based, rnn-attention]\n"),
              HasSubstr("unknown rnn-attention preset 'ultra'"));
#endif
  EXPECT_THAT(check_error("systems: [{system: phrase-based, preset: huge}]\n"),
              HasSubstr("unknown phrase-based preset 'huge'"));
  EXPECT_THAT(check_error("corpus: nope\nsystems: [rule-based]\n"), HasSubstr("unknown dataset 'nope'"));
  EXPECT_THAT(check_error("pair: de-xx\nsystems: [phrase-based]\n"), HasSubstr("has no language 'xx'"));
  EXPECT_THAT(check_error("train_split: nope\nsystems: [phrase-based]\n"), HasSubstr("has no split 'nope'"));
  EXPECT_THAT(check_error("test_sets: [nope]\nsystems: [phrase-based]\n"), HasSubstr("has no split 'nope'"));
  EXPECT_THAT(check_error("pair: de-fr\nsystems: [phrase-based, rule-based]\n"),
              HasSubstr("systems[1] 'rule-based': rule-based does not support de-fr"));
  EXPECT_THAT(check_error("pair: de-fr\nsystems: [rule-based]\non_unsupported: skip\n"),
              HasSubstr("no system supports de-fr"));
  // Language codes name rule files: letters only (a 300-byte code once made exists() throw).
  EXPECT_THAT(check_error("pair: " + std::string(300, 'x') + "-en\nsystems: [rule-based]\n"),
              HasSubstr("'pair' must look like 'de-en' (letters only)"));
  EXPECT_THAT(check_error("pair: ../x-en\nsystems: [rule-based]\n"), HasSubstr("(letters only)"));
  EXPECT_THAT(check_error("pairs: [de-en, 'fr-en/']\nsystems: [rule-based]\n"), HasSubstr("'pairs[1]'"));
  EXPECT_THAT(check_error("systems: [rule-based]\non_unsupported: ignore\n"),
              HasSubstr("must be error or skip, got 'ignore'"));
  EXPECT_THAT(check_error("systems: [rule-based]\non_error: retry\n"), HasSubstr("must be stop or continue"));
  EXPECT_THAT(check_error("systems: [rule-based]\ntrain: {source: /no/train.de, target: /no/train.en}\n"),
              HasSubstr("needs its partner"));
  EXPECT_THAT(check_error("systems: [rule-based]\ntrain: {source: /no/train.de}\ndev: {tsv: /no/dev.tsv}\n"),
              HasSubstr("needs 'source' and 'target' files"));
  EXPECT_THAT(check_error("systems: [rule-based]\ntrain: {tsv: /no/train.tsv}\ndev: {tsv: /no/dev.tsv}\n"),
              HasSubstr("train.tsv: file not found: /no/train.tsv"));
  EXPECT_THAT(check_error("systems: [rule-based]\nmetrics: []\n"), HasSubstr("'metrics' is empty"));
  EXPECT_THAT(check_error("systems: [rule-based]\ntest_sets: []\n"), HasSubstr("'test_sets' is empty"));
  EXPECT_THAT(check_error("systems: [{system: rule-based, label: ''}]\n"), HasSubstr("systems[0].label is empty"));
  EXPECT_THAT(check_error("systems: [{system: rule-based, label: A/B}, {system: external, label: A_B, "
                          "options: {command: cat}}]\n"),
              HasSubstr("'A/B' and 'A_B' would share the output file name 'A_B'"));
  EXPECT_THAT(check_error("systems: [{system: rule-based, label: x}, {system: rule-based, label: X}]\n"),
              HasSubstr("would share the output file name"));
  EXPECT_THAT(check_error("systems: [rule-based]\nsignificance: {bootstrap_samples: 2000000000}\n"),
              HasSubstr("'significance.bootstrap_samples' must be from 0 to 1000000, got 2000000000"));
  EXPECT_THAT(check_error("systems: [{system: external, options: {outputs: /no/such/file}}]\n"),
              HasSubstr("outputs: file not found: /no/such/file"));
  EXPECT_THAT(check_error("systems: [{system: external}]\n"), HasSubstr("needs a configuration"));
  EXPECT_THAT(check_error("systems: [{system: rule-based, options: {rules: /no/such.rules}}]\n"),
              HasSubstr("rules: file not found: /no/such.rules"));
  // A file name the file system rejects is "not found", not a filesystem_error (fuzzer).
  EXPECT_THAT(check_error("systems: [{system: rule-based, options: {rules: " + std::string(300, 'j') + "}}]\n"),
              HasSubstr("rules: file not found: jjj"));
  EXPECT_THAT(check_error("test_sets: [{name: t, reference: " + std::string(300, 'r') + "}]\nsystems: [rule-based]\n"),
              HasSubstr("reference: file not found"));
#ifdef MTBENCH_HAVE_TORCH
  // And the default benchmark passes (it names the neural systems).
  register_builtin_translators();
  EXPECT_NO_THROW(check_comparison(default_compare_config(), TranslatorRegistry::instance()));
#endif
}

// Which pairs a system supports is known before any training: refused naming system, pair
// and what it supports, or (on_unsupported: skip) left out and returned.
TEST(CheckComparison, UnsupportedPairIsRefusedOrSkipped) {
  register_builtin_translators();
  const auto& registry = TranslatorRegistry::instance();
  const PairSupport rb = supported_pair(registry.entry("rule-based"), "de", "fr");
  EXPECT_FALSE(rb.supported);
  EXPECT_THAT(rb.supports, HasSubstr("de-en"));
  EXPECT_TRUE(supported_pair(registry.entry("rule-based"), "de", "en").supported);
  EXPECT_TRUE(supported_pair(registry.entry("phrase-based"), "de", "fr").supported);
  const std::string message = check_error("pair: de-fr\nsystems: [phrase-based, {system: rule-based, label: RB}]\n");
  EXPECT_THAT(message, HasSubstr("systems[1] 'RB': rule-based does not support de-fr"));
  EXPECT_THAT(message, HasSubstr("no rule file data/de-fr.rules"));
  EXPECT_THAT(message, HasSubstr("it supports de-en"));
  EXPECT_THAT(message, HasSubstr("on_unsupported: skip"));
  const auto config = parse_compare_config(
      "pair: de-fr\non_unsupported: skip\nsystems: [phrase-based, {system: rule-based, label: RB}]\n", "cfg.yaml");
  const auto left_out = check_comparison(config, registry);
  ASSERT_EQ(left_out.size(), 1u);
  EXPECT_EQ(left_out[0].label, "RB");
  EXPECT_EQ(left_out[0].stage, "plan");
  EXPECT_THAT(left_out[0].reason, HasSubstr("does not support de-fr"));
  const auto kept = without_systems(config, left_out);
  ASSERT_EQ(kept.systems.size(), 1u);
  EXPECT_EQ(kept.systems[0].system, "phrase-based");
}

TEST(CheckComparison, LabelFileNames) {
  EXPECT_EQ(label_file_name("A/B"), "A_B");
  EXPECT_EQ(label_file_name("rnn-attention.v2"), "rnn-attention.v2");
  EXPECT_EQ(label_file_name(".."), "_..");
  EXPECT_EQ(label_file_name(""), "_");
}

}  // namespace
}  // namespace mtbench::compare

namespace mtbench::compare {
namespace {

// Found by tests/fuzz/compare_config_fuzz.cc: a mapping used as a key escaped as yaml-cpp's
// "bad conversion" without the file's name.
TEST(CompareConfig, ComplexKeyIsAConfigErrorNamingTheFile) {
  EXPECT_THAT(error_of("systems: [rule-based]\n? [a, b]\n: c\n"), HasSubstr("cfg.yaml"));
  EXPECT_THAT(error_of("systems:\n  - {system: rule-based, ? {x: 1} : 2}\n"), HasSubstr("cfg.yaml"));
}

}  // namespace
}  // namespace mtbench::compare

namespace mtbench::compare {
namespace {

// `join: N` makes a long-sentence test set of consecutive segments (Bahdanau et al. fig. 2).
TEST(CompareConfig, JoinedTestSetJoinsConsecutiveSegmentsOnBothSides) {
  testing::ScratchDir dir;
  write_lines(dir / "src.txt", {"a b", "c", "d e f", "g", "h"});
  write_lines(dir / "ref.txt", {"A B", "C", "D E F", "", "H"});
  const auto c = parse_compare_config(
      "systems: [rule-based]\ntest_sets:\n  - {name: long, source: src.txt, reference: ref.txt, join: 2}\n",
      (dir / "cfg.yaml").string());
  ASSERT_EQ(c.test_sets.size(), 1u);
  EXPECT_EQ(c.test_sets[0].join, 2);
  const TestData d = load_test_set(c, c.test_sets[0]);
  EXPECT_EQ(d.source, (std::vector<std::string>{"a b c", "d e f g", "h"}));
  EXPECT_EQ(d.refs[0], (std::vector<std::string>{"A B C", "D E F", "H"}));  // an empty line adds nothing

  EXPECT_THAT(error_of("systems: [rule-based]\ntest_sets: [{split: test_2016_flickr, join: 2}]\n"),
              HasSubstr("needs a 'name' when it joins segments"));
  EXPECT_THAT(error_of("systems: [rule-based]\ntest_sets: [{name: x, split: test_2016_flickr, join: 0}]\n"),
              HasSubstr("join"));
}

}  // namespace
}  // namespace mtbench::compare
