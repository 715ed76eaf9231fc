// rnn-encdec: the RNN encoder-decoder without attention (Cho et al. 2014), the same network
// as rnn-attention with `attention: none`.
#ifdef MTBENCH_HAVE_TORCH
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/progress.h"
#include "systems/builtin/builtin.h"
#include "systems/registry.h"
#include "systems/rnn_attention/rnn_model.h"
#include "systems/rnn_attention/rnn_translator.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

namespace mtbench::rnn_attention {
namespace {

using ::testing::HasSubstr;

TEST(RnnEncDec, OptionsArePresetsOfRnnAttentionWithoutAttention) {
  for (const char* preset : {"", "quick", "full"}) {
    const auto encdec = parse_rnn_encdec_options("", preset, "test");
    const auto attention = parse_rnn_options("", preset, "test");
    EXPECT_EQ(encdec.model.attention, "none") << preset;
    EXPECT_EQ(encdec.model.decoder_dim, attention.model.decoder_dim) << preset;
    EXPECT_EQ(encdec.common.trainer.max_minutes, attention.common.trainer.max_minutes) << preset;
    EXPECT_EQ(encdec.common.trainer.max_steps, attention.common.trainer.max_steps) << preset;
  }
  // Budgets in updates (#16): the full preset has no wall-clock budget, the quick one caps it.
  const auto full = parse_rnn_options("", "full", "test"), quick = parse_rnn_options("", "quick", "test");
  EXPECT_EQ(full.common.trainer.max_steps, 3000);
  EXPECT_EQ(full.common.trainer.max_minutes, 0);
  EXPECT_EQ(quick.common.trainer.max_steps, 920);
  EXPECT_GT(quick.common.trainer.max_minutes, 0);
  // The full preset's val-chosen settings (#16), and the quick preset keeps the schedule it was
  // tuned with although it inherits from full.
  EXPECT_EQ(full.common.trainer.lr_schedule, "linear");
  EXPECT_TRUE(full.model.tie_output);
  EXPECT_FALSE(full.common.trainer.dev_bleu);
  EXPECT_EQ(full.common.trainer.patience, 0);
  EXPECT_EQ(full.common.trainer.average_checkpoints, 4);   // chosen on val (README "The RNN preset on 2 threads")
  EXPECT_EQ(quick.common.trainer.average_checkpoints, 0);  // not inherited: quick was tuned without it
  EXPECT_EQ(quick.common.trainer.lr_schedule, "plateau");
  EXPECT_EQ(quick.common.trainer.warmup_steps, 0);
  EXPECT_EQ(quick.common.trainer.validate_every, 0);
  EXPECT_EQ(quick.common.trainer.patience, 3);
  try {
    parse_rnn_encdec_options("attention: bahdanau\n", "", "my.yaml");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("my.yaml: rnn-encdec has no attention"));
  }
  register_builtin_translators();
  const auto& entry = TranslatorRegistry::instance().entry("rnn-encdec");
  EXPECT_EQ(entry.info.year, 2014);
  EXPECT_THAT(entry.info.citation, HasSubstr("Cho et al. (2014)"));
}

TEST(RnnEncDec, TheNetworkHasNoAlignmentModelAndOneContextForEveryStep) {
  RnnModelOptions o;
  o.source_vocab = 20;
  o.target_vocab = 20;
  o.embedding_dim = 8;
  o.encoder_dim = 8;
  o.decoder_dim = 16;
  o.attention_dim = 8;
  o.output_dim = 8;
  o.dropout = 0;
  RnnModel with(o);
  o.attention = "none";
  RnnModel without(o);
  auto names = [](RnnModel& m) {
    std::vector<std::string> out;
    for (const auto& p : m->named_parameters()) out.push_back(p.key());
    return out;
  };
  for (const auto& n : names(without)) EXPECT_EQ(n.rfind("attention.", 0), std::string::npos) << n;
  EXPECT_LT(without->parameters().size(), with->parameters().size());
  torch::manual_seed(1);
  const auto source = torch::randint(4, 20, {2, 5}, torch::kLong);
  auto mask = torch::ones({2, 5}, torch::kBool);
  mask[1][4] = false;
  const auto target = torch::randint(4, 20, {2, 3}, torch::kLong);
  without->eval();
  auto [logits, weights] = without->forward_with_attention(source, mask, target);
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{2, 3, 20}));
  EXPECT_EQ(weights.abs().sum().item<float>(), 0.0f) << "nothing is attended";
  // The summary is the whole input: changing the first source word changes the first output
  // distribution (through the backward state), as does changing the last (forward state).
  auto other = source.clone();
  other[0][0] = (source[0][0].item<std::int64_t>() == 5) ? 6 : 5;
  auto [logits2, w2] = without->forward_with_attention(other, mask, target);
  EXPECT_GT((logits2[0][0] - logits[0][0]).abs().max().item<float>(), 0.0f);
  EXPECT_EQ((logits2[1] - logits[1]).abs().max().item<float>(), 0.0f) << "the other sentence is unaffected";
}

TEST(RnnEncDec, TrainsSavesLoadsAndTranslatesTheToyTask) {
  testing::ScratchDir dir;
  Progress progress(ProgressMode::kQuiet);
  TrainOptions o;
  o.config_yaml = std::string(testing::kRnnToyTraining) +
                  "vocab_size: 60\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\noutput_dim: 16\ndropout: 0\n"
                  "batch_tokens: 400\nlearning_rate: 0.01\nmax_steps: 300\nmax_epochs: 100\nvalidate_every: 50\n"
                  "patience: 3\nmax_minutes: 0\n";
  o.model_dir = dir / "model";
  o.progress = &progress;
  RnnEncDecTranslator t;
  t.train(testing::toy_task_data(), o);
  t.save(dir / "model");
  RnnEncDecTranslator loaded;
  loaded.load(dir / "model");
  TranslateOptions to;
  to.beam_size = 3;
  to.explain = true;
  const auto a = t.translate({"Der Koch singt."}, to);
  const auto b = loaded.translate({"Der Koch singt."}, to);
  EXPECT_EQ(a[0].text, b[0].text);
  EXPECT_TRUE(a[0].explanation.attention.empty()) << "no attention to show";
  EXPECT_FALSE(a[0].explanation.source_tokens.empty());
  // Twenty short sentences fit through the fixed-length context.
  EXPECT_GE(testing::toy_task_accuracy(loaded, to), 0.9);
}

}  // namespace
}  // namespace mtbench::rnn_attention
#endif
