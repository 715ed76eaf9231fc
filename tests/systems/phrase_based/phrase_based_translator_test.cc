#include "systems/phrase_based/phrase_based_translator.h"

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "corpus/parallel.h"
#include "eval/bleu.h"
#include "systems/builtin/builtin.h"
#include "systems/registry.h"
#include "tests/test_util.h"

namespace mtbench::phrase_based {
namespace {

// A toy corpus with enough repetition for alignment, phrases and a 3-gram LM.
TrainData toy_data() {
  TrainData d;
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Das Haus ist klein.", "The house is small."},
      {"Das Haus ist groß.", "The house is big."},
      {"Das Buch ist klein.", "The book is small."},
      {"Ein Mann liest ein Buch.", "A man reads a book."},
      {"Ein Mann sieht das Haus.", "A man sees the house."},
      {"Eine Frau liest das Buch.", "A woman reads the book."},
      {"Der Hund ist groß.", "The dog is big."},
      {"Ein Hund sieht einen Mann.", "A dog sees a man."},
  };
  for (int rep = 0; rep < 5; ++rep)
    for (const auto& [s, t] : pairs) {
      d.train_source.push_back(s);
      d.train_target.push_back(t);
    }
  return d;
}

TrainOptions toy_options(const std::string& yaml) {
  TrainOptions o;
  o.source_lang = "de";
  o.target_lang = "en";
  o.config_yaml = yaml;
  o.config_origin = "test";
  o.threads = 2;
  return o;
}

TEST(PhraseBased, RegisteredAsBuiltin) {
  register_builtin_translators();
  const auto& entry = TranslatorRegistry::instance().entry("phrase-based");
  EXPECT_EQ(entry.info.era, "1993-2003");
  EXPECT_EQ(entry.info.paradigm, "statistical");
}

TEST(PhraseBased, TrainsTranslatesExplainsAndRoundTrips) {
  PhraseBasedTranslator system;
  system.train(toy_data(), toy_options("tune: false\nlm_order: 3\n"));
  TranslateOptions t;
  t.explain = true;
  t.nbest = 3;
  const std::vector<std::string> inputs = {"Der Hund liest das Buch.", "Das Haus ist klein.", "Ein Zebra ist groß."};
  const auto out = system.translate(inputs, t);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].text, "The dog reads the book.");  // a new combination of known phrases
  EXPECT_EQ(out[1].text, "The house is small.");
  EXPECT_EQ(out[2].text, "A Zebra is big.");  // unknown word passed through
  EXPECT_EQ(out[2].explanation.unknown_words, std::vector<std::string>{"Zebra"});
  // The phrase segmentation covers every source token exactly once.
  const auto& e = out[0].explanation;
  std::vector<int> covered(e.source_tokens.size(), 0);
  for (const auto& p : e.phrases)
    for (int i = p.source_begin; i < p.source_end; ++i) ++covered[i];
  EXPECT_EQ(covered, std::vector<int>(e.source_tokens.size(), 1));
  EXPECT_FALSE(e.alignment.empty());
  EXPECT_FALSE(out[0].nbest.empty());
  EXPECT_EQ(out[0].nbest[0].first, out[0].text);

  testing::ScratchDir dir;
  system.save(dir.path());
  PhraseBasedTranslator loaded;
  loaded.load(dir.path());
  const auto again = loaded.translate(inputs, {});
  for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(again[i].text, out[i].text);
  EXPECT_EQ(loaded.weights(), system.weights());

  // An emptied, cut or damaged weights.txt is an error, not a silent fall-back to defaults.
  const auto weights = read_lines(dir / "weights.txt");
  ASSERT_GT(weights.size(), 2u);
  const std::vector<std::pair<std::vector<std::string>, std::string>> damaged = {
      {{}, "no weight for feature"},
      {std::vector<std::string>(weights.begin(), weights.end() - 1), "no weight for feature"},
      {{weights[0], weights[0]}, "appears twice"},
      {{weights[0].substr(0, weights[0].find(' ')) + " nan"}, "bad weight 'nan'"},
      {{weights[0].substr(0, weights[0].find(' ')) + " 0.5x"}, "bad weight '0.5x'"},
  };
  for (const auto& [lines, needle] : damaged) {
    write_lines_atomic(dir / "weights.txt", lines);
    PhraseBasedTranslator broken;
    try {
      broken.load(dir.path());
      ADD_FAILURE() << "loaded with weights.txt: " << ::testing::PrintToString(lines);
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  }
}

// Trained into a model directory (as `mtbench train` and `compare` do), the phrase table and
// the LM are written in place and memory-mapped; a memory budget so small that extraction
// spills a sorted run per sentence changes no byte of the table and no translation, leaves no
// run behind, and the model saved elsewhere (copied files) and loaded back translates alike.
TEST(PhraseBased, ModelDirectoryBuildUnderAMemoryBudget) {
  testing::ScratchDir dir;
  const std::vector<std::string> inputs = {"Der Hund liest das Buch.", "Eine Frau sieht den Hund."};
  std::vector<std::string> texts[2];
  for (int budget = 0; budget < 2; ++budget) {
    PhraseBasedTranslator system;
    TrainOptions o = toy_options(budget ? "tune: false\nlm_order: 3\nsort_memory: 1\n" : "tune: false\nlm_order: 3\n");
    o.model_dir = dir / ("model" + std::to_string(budget));
    system.train(toy_data(), o);
    EXPECT_EQ(system.phrase_table().file(), o.model_dir / "phrase-table.bin");
    system.save(o.model_dir);
    for (const auto& t : system.translate(inputs, {})) texts[budget].push_back(t.text);
    std::vector<std::string> names;
    for (const auto& f : std::filesystem::directory_iterator(o.model_dir)) names.push_back(f.path().filename());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"lm.arpa", "lm.bin", "phrase-based.yaml", "phrase-table.bin",
                                               "truecase-model.src", "truecase-model.tgt", "weights.txt"}));
    if (budget) {
      system.save(dir / "copy");
      PhraseBasedTranslator loaded;
      loaded.load(dir / "copy");
      std::vector<std::string> again;
      for (const auto& t : loaded.translate(inputs, {})) again.push_back(t.text);
      EXPECT_EQ(again, texts[budget]);
    }
  }
  EXPECT_EQ(texts[0], texts[1]);
  EXPECT_EQ(read_file(dir / "model0/phrase-table.bin"), read_file(dir / "model1/phrase-table.bin"));
  EXPECT_EQ(read_file(dir / "model0/lm.bin"), read_file(dir / "copy/lm.bin"));
  EXPECT_THROW(parse_phrase_based_options("sort_memory: lots\n", "", "test"), ConfigError);
}

TEST(PhraseBased, OptionErrors) {
  PhraseBasedTranslator system;
  EXPECT_THROW(system.train(toy_data(), toy_options("stack_size: 10\nbogus: 1\n")), ConfigError);
  EXPECT_THROW(system.train(toy_data(), toy_options("lm_order: 9\n")), ConfigError);
  EXPECT_THROW(system.translate({"x"}, {}), Error);
  TrainData empty;
  EXPECT_THROW(system.train(empty, toy_options("")), DataError);
}

// A small real system: 3000 Multi30k pairs, untuned; a sanity floor on 200 val sentences.
TEST(PhraseBased, SmallMulti30kSystemTranslates) {
  MTBENCH_REQUIRE_SHARED(de, "corpora/multi30k/train.de.gz");
  MTBENCH_REQUIRE_SHARED(en, "corpora/multi30k/train.en.gz");
  MTBENCH_REQUIRE_SHARED(vde, "corpora/multi30k/val.de.gz");
  MTBENCH_REQUIRE_SHARED(ven, "corpora/multi30k/val.en.gz");
  const auto train = head(load_parallel(de, en), 3000);
  const auto val = head(load_parallel(vde, ven), 200);
  TrainData data;
  data.train_source = train.source;
  data.train_target = train.target;
  PhraseBasedTranslator system;
  system.train(data, toy_options("tune: false\nlm_order: 3\n"));
  TranslateOptions t;
  t.threads = 2;
  std::vector<std::string> hyps;
  for (const auto& tr : system.translate(val.source, t)) hyps.push_back(tr.text);
  eval::Bleu bleu;
  bleu.set_references({val.target});
  EXPECT_GT(bleu.corpus_score(hyps).score, 15.0);
}

}  // namespace
}  // namespace mtbench::phrase_based
