// example-based: retrieve the most similar example, adapt it, fill differences with fragments.

#include "systems/example_based/example_based_translator.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "corpus/parallel.h"
#include "eval/bleu.h"
#include "systems/builtin/builtin.h"
#include "systems/registry.h"
#include "tests/test_util.h"

namespace mtbench::example_based {
namespace {

TrainData toy_data() {
  TrainData d;
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Der Mann liest das Buch.", "The man reads the book."},
      {"Der Hund ist groß.", "The dog is big."},
      {"Das Haus ist klein.", "The house is small."},
      {"Eine Frau sieht das Haus.", "A woman sees the house."},
      {"Ein Hund sieht einen Mann.", "A dog sees a man."},
      {"Die Frau liest eine Zeitung.", "The woman reads a newspaper."},
  };
  for (int rep = 0; rep < 4; ++rep)
    for (const auto& [s, t] : pairs) {
      d.train_source.push_back(s);
      d.train_target.push_back(t);
    }
  return d;
}

TrainOptions toy_options(const std::string& yaml = "") {
  TrainOptions o;
  o.source_lang = "de";
  o.target_lang = "en";
  o.config_yaml = yaml;
  o.config_origin = "test";
  o.threads = 2;
  return o;
}

TEST(ExampleBased, RegisteredAsBuiltin) {
  register_builtin_translators();
  const auto& entry = TranslatorRegistry::instance().entry("example-based");
  EXPECT_EQ(entry.info.year, 1984);
  EXPECT_NE(entry.info.citation.find("Nagao (1984)"), std::string::npos);
}

TEST(ExampleBased, AnExampleTranslatesToItsOwnTarget) {
  ExampleBasedTranslator system;
  system.train(toy_data(), toy_options());
  TranslateOptions t;
  t.explain = true;
  const auto out = system.translate({"Das Haus ist klein.", ""}, t);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].text, "The house is small.");
  EXPECT_EQ(out[1].text, "");
  ASSERT_FALSE(out[0].explanation.scores.empty());
  EXPECT_EQ(out[0].explanation.scores[0].first, "fuzzy match");
  EXPECT_DOUBLE_EQ(out[0].explanation.scores[0].second, 1.0);
}

TEST(ExampleBased, DifferencesAreFilledWithFragmentsOfOtherExamples) {
  ExampleBasedTranslator system;
  system.train(toy_data(), toy_options());
  TranslateOptions t;
  t.explain = true;
  const auto out =
      system.translate({"Der Hund liest das Buch.", "Der Mann liest die Zeitung.", "Der Zebra liest das Buch."}, t);
  // Analogy: "Der Mann liest das Buch." with "Mann" -> "Hund" ("dog" from another example).
  EXPECT_EQ(out[0].text, "The dog reads the book.");
  const auto& e = out[0].explanation;
  ASSERT_FALSE(e.rules.empty());
  EXPECT_EQ(e.rules[0].rule, "retrieve");
  EXPECT_NE(e.rules[0].detail.find("'Der Mann liest das Buch .' = 'the man reads the book .'"), std::string::npos)
      << e.rules[0].detail;
  bool fragment = false;
  for (const auto& p : e.phrases)
    if (p.source == "Hund") {
      EXPECT_EQ(p.target, "dog");
      ASSERT_FALSE(p.scores.empty());
      EXPECT_EQ(p.scores[0].first, "fragment of example");
      fragment = true;
    }
  EXPECT_TRUE(fragment);
  // Each output word of a fragment or a kept example word is linked to its input word.
  EXPECT_EQ(e.alignment.size(), e.target_tokens.size());
  EXPECT_EQ(out[1].text, "The man reads the newspaper.");
  EXPECT_EQ(out[2].text, "The Zebra reads the book.");  // unknown word passed through
  EXPECT_EQ(out[2].explanation.unknown_words, std::vector<std::string>{"Zebra"});
}

TEST(ExampleBased, SavesLoadsAndRefusesDamagedExamples) {
  ExampleBasedTranslator system;
  system.train(toy_data(), toy_options());
  testing::ScratchDir dir;
  system.save(dir.path());
  ExampleBasedTranslator loaded;
  loaded.load(dir.path());
  const std::vector<std::string> inputs = {"Der Hund liest das Buch.", "Eine Frau sieht den Hund."};
  const auto a = system.translate(inputs, {});
  const auto b = loaded.translate(inputs, {});
  for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(a[i].text, b[i].text);

  const auto lines = read_lines(dir / "examples.tsv");
  ASSERT_FALSE(lines.empty());
  const std::vector<std::pair<std::vector<std::string>, std::string>> damaged = {
      {{}, "no examples"},
      {{lines[0], "Der Hund\tThe dog"}, ":2: expected 'SOURCE<TAB>TARGET<TAB>LINKS'"},
      {{lines[0], "Der Hund\tThe dog\t0-0 1-5"}, ":2: link 1-5 outside the example"},
      {{lines[0], "Der Hund\tThe dog\t0-x"}, ":2: malformed alignment link"},
      {{lines[0], "\tThe dog\t0-0"}, ":2: an example with an empty side"},
  };
  for (const auto& [content, needle] : damaged) {
    write_lines_atomic(dir / "examples.tsv", content);
    ExampleBasedTranslator broken;
    try {
      broken.load(dir.path());
      ADD_FAILURE() << "loaded with examples.tsv: " << ::testing::PrintToString(content);
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
}

TEST(ExampleBased, OptionErrors) {
  ExampleBasedTranslator system;
  EXPECT_THROW(system.train(toy_data(), toy_options("bogus: 1\n")), ConfigError);
  EXPECT_THROW(system.train(toy_data(), toy_options("max_fragment_length: 0\n")), ConfigError);
  EXPECT_THROW(system.translate({"x"}, {}), Error);
  TrainData empty;
  EXPECT_THROW(system.train(empty, toy_options()), DataError);
}

// Full Multi30k as the example base (seconds); a floor on 500 val sentences.
TEST(ExampleBased, Multi30kSystemTranslates) {
  MTBENCH_REQUIRE_SHARED(de, "corpora/multi30k/train.de.gz");
  MTBENCH_REQUIRE_SHARED(en, "corpora/multi30k/train.en.gz");
  MTBENCH_REQUIRE_SHARED(vde, "corpora/multi30k/val.de.gz");
  MTBENCH_REQUIRE_SHARED(ven, "corpora/multi30k/val.en.gz");
  const auto train = load_parallel(de, en);
  const auto val = head(load_parallel(vde, ven), 500);
  TrainData data;
  data.train_source = train.source;
  data.train_target = train.target;
  ExampleBasedTranslator system;
  system.train(data, toy_options());
  TranslateOptions t;
  t.threads = 2;
  std::vector<std::string> hyps;
  for (const auto& tr : system.translate(val.source, t)) hyps.push_back(tr.text);
  eval::Bleu bleu;
  bleu.set_references({val.target});
  EXPECT_GT(bleu.corpus_score(hyps).score, 24.0);  // measured 30.4 on the whole test set
}

}  // namespace
}  // namespace mtbench::example_based
