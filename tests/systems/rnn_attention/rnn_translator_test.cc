// The rnn-attention Translator end to end on a toy corpus: train (BPE, dev BLEU, checkpoints,
// log), save/load, translate with beam, n-best and attention explanations; registry entry.
#ifdef MTBENCH_HAVE_TORCH
#include "systems/rnn_attention/rnn_translator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/error.h"
#include "base/progress.h"
#include "systems/builtin/builtin.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

namespace mtbench::rnn_attention {
namespace {

TrainData toy_data() {
  return testing::toy_task_data();
}

TEST(RnnTranslator, TrainSaveLoadTranslateExplain) {
  testing::ScratchDir dir;
  Progress progress(ProgressMode::kQuiet);
  TrainOptions o;
  o.source_lang = "de";
  o.target_lang = "en";
  o.config_yaml = std::string(testing::kRnnToyTraining) +
                  "vocab_size: 60\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\nattention_dim: 16\n"
                  "output_dim: 16\ndropout: 0\nbatch_tokens: 400\nlearning_rate: 0.01\nmax_steps: 300\n"
                  "max_epochs: 100\nvalidate_every: 50\npatience: 3\nmax_minutes: 0\n";
  o.model_dir = dir / "model";
  o.progress = &progress;
  RnnAttentionTranslator t;
  t.train(toy_data(), o);
  EXPECT_TRUE(std::filesystem::exists(dir / "model/training_log.jsonl"));
  EXPECT_TRUE(std::filesystem::exists(dir / "model/checkpoints/last.pt"));
  t.save(dir / "model");

  RnnAttentionTranslator loaded;
  loaded.load(dir / "model");
  TranslateOptions to;
  to.beam_size = 3;
  to.nbest = 2;
  to.explain = true;
  const std::vector<std::string> input = {"Der Vogel schläft.", "", "Der Junge springt."};
  const auto a = t.translate(input, to);
  const auto b = loaded.translate(input, to);
  ASSERT_EQ(a.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(a[i].text, b[i].text);
  EXPECT_EQ(a[1].text, "");
  // What the model learned, not one sentence: exact outputs of a tiny model differ between
  // OpenBLAS's SkylakeX and Haswell kernels (tests/systems/neural/toy_task.h).
  EXPECT_GE(testing::toy_task_accuracy(loaded, to), 0.9);
  ASSERT_EQ(a[0].nbest.size(), 2u);
  EXPECT_EQ(a[0].nbest[0].first, a[0].text);
  EXPECT_GE(a[0].nbest[0].second, a[0].nbest[1].second);
  const auto& e = a[0].explanation;
  ASSERT_EQ(e.attention.size(), 2u);
  for (const auto& m : e.attention) {
    ASSERT_EQ(m.weights.size(), m.row_tokens.size() * m.col_tokens.size()) << m.kind;
    for (std::size_t r = 0; r < m.row_tokens.size(); ++r) {
      double sum = 0;
      for (std::size_t c = 0; c < m.col_tokens.size(); ++c) sum += m.weights[r * m.col_tokens.size() + c];
      EXPECT_NEAR(sum, 1.0, 1e-4) << m.kind << " row " << r;
    }
  }
  EXPECT_EQ(e.attention[0].col_tokens, e.source_tokens);
}

TEST(RnnTranslator, RegisteredAndRejectsBadInput) {
  register_builtin_translators();
  const auto& entry = TranslatorRegistry::instance().entry("rnn-attention");
  EXPECT_EQ(entry.info.era, "2014");
  EXPECT_EQ(entry.info.paradigm, "neural");
  RnnAttentionTranslator t;
  EXPECT_THROW(t.translate({"x"}, {}), Error);
  testing::ScratchDir dir;
  EXPECT_THROW(t.load(dir.path()), Error);
  TrainOptions o;
  o.config_yaml = "no_such_option: 1\n";
  o.model_dir = dir / "m";
  EXPECT_THROW(t.train(TrainData{{"a"}, {"b"}, {}, {}, {}}, o), ConfigError);
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(resolve_device("cuda"), ConfigError);
  }
  EXPECT_THROW(resolve_device("tpu"), ConfigError);
}

}  // namespace
}  // namespace mtbench::rnn_attention
#endif
