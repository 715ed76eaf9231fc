// `mtbench translate` with several --model directories: neural models decoded as one ensemble
// (systems/neural/ensemble.h). An ensemble of a model with itself translates exactly as the
// model alone; two seeds, and an RNN beside a Transformer over the same vocabulary, decode
// together; other vocabularies, other eras and explanations are refused in one clear line.
#ifdef MTBENCH_HAVE_TORCH
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;
using testing::q;
using testing::run_mtbench;

TEST(TranslateCommand, DecodesNeuralModelsWithOneVocabularyAsAnEnsemble) {
  testing::ScratchDir s;
  std::vector<std::string> de, en;
  for (const auto& [n, ne] : testing::toy_nouns())
    for (const auto& [v, ve] : testing::toy_verbs()) {
      de.push_back("Der " + n + " " + v + ".");
      en.push_back("The " + ne + " " + ve + ".");
    }
  write_lines_atomic(s / "train.de", de);
  write_lines_atomic(s / "train.en", en);
  const std::string data = " --train-src " + q(s / "train.de") + " --train-tgt " + q(s / "train.en") + " --dev-src " +
                           q(s / "train.de") + " --dev-tgt " + q(s / "train.en") + " --src-lang de --tgt-lang en";
  const std::string tiny = std::string(testing::kTransformerToyTraining) +
                           "dim: 16\nheads: 2\nffn_dim: 32\nencoder_layers: 1\ndecoder_layers: 1\nmax_steps: 30\n"
                           "validate_every: 10\nmax_minutes: 0\nlearning_rate: 0.45\nwarmup_steps: 10\n";
  write_file_atomic(s / "tf.yaml", tiny + "vocab_size: 40\n");
  write_file_atomic(s / "tf-other.yaml", tiny + "vocab_size: 37\n");
  write_file_atomic(s / "rnn.yaml", std::string(testing::kRnnToyTraining) +
                                        "vocab_size: 40\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\n"
                                        "attention_dim: 16\noutput_dim: 16\ndropout: 0\nbatch_tokens: 200\n"
                                        "max_steps: 30\nvalidate_every: 10\nmax_minutes: 0\npatience: 0\n");
  write_file_atomic(s / "ext.yaml", "command: tr a-z A-Z\ntimeout_seconds: 30\n");
  const auto train = [&](const std::string& global, const std::string& system, const std::string& config,
                         const std::string& out) {
    const auto run = run_mtbench(
        "-q " + global + " train " + system + data + " --config " + q(s / config) + " --out " + q(s / out), s.path());
    ASSERT_EQ(run.status, 0) << out << ": " << run.err;
  };
  train("", "transformer", "tf.yaml", "tf");
  train("--seed 2", "transformer", "tf.yaml", "tf-seed2");
  train("", "transformer", "tf-other.yaml", "tf-other");
  train("", "rnn-attention", "rnn.yaml", "rnn");
  train("", "external", "ext.yaml", "ext");
  const auto translate = [&](const std::string& models) {
    return run_mtbench("-q translate" + models + " -i " + q(s / "train.de"), s.path());
  };
  const std::string tf = " --model " + q(s / "tf");

  const auto alone = translate(tf);
  ASSERT_EQ(alone.status, 0) << alone.err;
  ASSERT_EQ(std::count(alone.out.begin(), alone.out.end(), '\n'), static_cast<long>(de.size()));
  // The mixture of a distribution with itself is that distribution: the same output, exactly.
  const auto twice = translate(tf + tf);
  ASSERT_EQ(twice.status, 0) << twice.err;
  EXPECT_EQ(twice.out, alone.out);
  // Two seeds; a 2014 RNN beside a 2017 Transformer (same data and vocabulary options, so the
  // same pieces): one translation per line.
  for (const char* other : {"tf-seed2", "rnn"}) {
    const auto run = translate(tf + " --model " + q(s / other));
    ASSERT_EQ(run.status, 0) << other << ": " << run.err;
    EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), static_cast<long>(de.size())) << other;
  }

  // Refusals: one line naming the model and the problem, exit status 1.
  auto run = translate(tf + " --model " + q(s / "tf-other"));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr((s / "tf-other").string()));
  EXPECT_THAT(run.err, HasSubstr("subword vocabularies differ"));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  for (const std::string& models : {tf + " --model " + q(s / "ext"), " --model " + q(s / "ext") + tf}) {
    run = translate(models);
    EXPECT_EQ(run.status, 1) << models;
    EXPECT_THAT(run.err, HasSubstr((s / "ext").string() + ": a 'external' model"));
    EXPECT_THAT(run.err, HasSubstr("neural models only"));
  }
  run = translate(tf + " --model " + q(s / "tf-seed2") + " --explain " + q(s / "x.jsonl"));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("explanations belong to one model"));
  EXPECT_FALSE(std::filesystem::exists(s / "x.jsonl"));
  run = translate(tf + " --model " + q(s / "missing"));
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr((s / "missing").string()));
}

}  // namespace
}  // namespace mtbench
#endif
