// `mtbench average`: checkpoint averaging of a transformer and an rnn-attention model trained
// through the CLI, then translation with the averaged models; errors name the directory and the
// problem, and a failed average leaves the model as it was.
#ifdef MTBENCH_HAVE_TORCH
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using ::testing::HasSubstr;

// Whether the token file's size is what its header promises (the rebuilt file is whole).
bool ExampleSetFileIsWhole(const std::filesystem::path& path) {
  const std::string bytes = read_file(path);
  if (bytes.size() < 96) return false;
  std::uint64_t pairs = 0, tokens = 0;
  std::memcpy(&pairs, bytes.data() + 8, 8);
  std::memcpy(&tokens, bytes.data() + 16, 8);
  return bytes.size() == (96 + tokens * 4 + 7) / 8 * 8 + (2 * pairs + 1) * 8;
}

// Writes SCRATCH/train.de and train.en: 40 pairs over four nouns; returns the German side.
std::vector<std::string> WriteTinyCorpus(const testing::ScratchDir& scratch) {
  std::vector<std::string> de, en;
  const std::vector<std::pair<std::string, std::string>> words = {
      {"Hund", "dog"}, {"Mann", "man"}, {"Junge", "boy"}, {"Vogel", "bird"}};
  for (int rep = 0; rep < 10; ++rep)
    for (const auto& [d, e] : words) {
      de.push_back("Der " + d + " läuft.");
      en.push_back("The " + e + " runs.");
    }
  write_lines_atomic(scratch / "train.de", de);
  write_lines_atomic(scratch / "train.en", en);
  return de;
}

TEST(AverageCommand, AveragesKeptCheckpointsOfACliTrainedTransformer) {
  testing::ScratchDir scratch;
  const auto de = WriteTinyCorpus(scratch);
  write_file_atomic(scratch / "tiny.yaml",
                    std::string(testing::kTransformerToyTraining) +
                        "vocab_size: 40\ndim: 16\nheads: 2\nffn_dim: 32\nencoder_layers: 1\ndecoder_layers: 1\n"
                        "max_steps: 30\nvalidate_every: 10\nkeep_checkpoints: 3\nmax_minutes: 0\n"
                        "learning_rate: 0.45\nwarmup_steps: 10\n");
  const auto model = scratch / "model";
  auto run = testing::run_mtbench("-q train transformer --train-src '" + (scratch / "train.de").string() +
                                      "' --train-tgt '" + (scratch / "train.en").string() + "' --dev-src '" +
                                      (scratch / "train.de").string() + "' --dev-tgt '" +
                                      (scratch / "train.en").string() + "' --src-lang de --tgt-lang en --config '" +
                                      (scratch / "tiny.yaml").string() + "' --out '" + model.string() + "'",
                                  scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  // The corpus was encoded once into the token file beside the checkpoints (outside the
  // model's manifest); a second training into the directory maps it instead of encoding.
  ASSERT_TRUE(std::filesystem::exists(model / "checkpoints" / "train-tokens.bin"));
  EXPECT_THAT(read_file(model / "mtbench-model.json"), ::testing::Not(HasSubstr("train-tokens")));
  // Training without dev data into model2 (`extra`: --resume or nothing).
  auto train_model2 = [&](const std::string& extra) {
    return testing::run_mtbench("train transformer --train-src '" + (scratch / "train.de").string() +
                                    "' --train-tgt '" + (scratch / "train.en").string() +
                                    "' --src-lang de --tgt-lang en --config '" + (scratch / "tiny.yaml").string() +
                                    "' --out '" + (scratch / "model2").string() + "'" + extra,
                                scratch.path());
  };
  const auto again = train_model2("");
  ASSERT_EQ(again.status, 0) << again.err;
  EXPECT_THAT(again.err, ::testing::Not(HasSubstr("train-tokens.bin")));  // encoded: a new directory
  const auto resumed = train_model2(" --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("train-tokens.bin"));  // "... from DIR/checkpoints/train-tokens.bin"
  // A damaged token file is reported and rebuilt, not trusted and not fatal.
  const auto tokens = scratch / "model2" / "checkpoints" / "train-tokens.bin";
  std::filesystem::resize_file(tokens, std::filesystem::file_size(tokens) - 5);
  const auto rebuilt = train_model2(" --resume");
  ASSERT_EQ(rebuilt.status, 0) << rebuilt.err;
  EXPECT_THAT(rebuilt.err, HasSubstr("damaged token file"));
  EXPECT_THAT(rebuilt.err, HasSubstr("encoding the corpus again"));
  EXPECT_TRUE(ExampleSetFileIsWhole(tokens));
  run = testing::run_mtbench("-q average '" + model.string() + "' --last 2", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_TRUE(std::filesystem::exists(model / "model.pt.bak"));
  run = testing::run_mtbench(
      "-q translate --model '" + model.string() + "' < '" + (scratch / "train.de").string() + "'", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), static_cast<long>(de.size()));

  run = testing::run_mtbench("average '" + scratch.path().string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("not a complete mtbench model"));
  std::filesystem::remove_all(model / "checkpoints");
  run = testing::run_mtbench("average '" + model.string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("no checkpoints/step-*.pt"));
  run = testing::run_mtbench("average '" + model.string() + "' '" + (scratch / "missing.pt").string() + "'",
                             scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("missing.pt"));
}

// The RNN systems keep step checkpoints with the same trainer: `average` serves them too, and
// refuses models without checkpoints (other eras) and checkpoints of another network.
TEST(AverageCommand, AveragesAnRnnModelAndRefusesOtherSystemsAndForeignCheckpoints) {
  testing::ScratchDir scratch;
  const auto de = WriteTinyCorpus(scratch);
  const std::string data = " --train-src '" + (scratch / "train.de").string() + "' --train-tgt '" +
                           (scratch / "train.en").string() + "' --dev-src '" + (scratch / "train.de").string() +
                           "' --dev-tgt '" + (scratch / "train.en").string() + "' --src-lang de --tgt-lang en";
  write_file_atomic(scratch / "rnn.yaml", std::string(testing::kRnnToyTraining) +
                                              "vocab_size: 40\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\n"
                                              "attention_dim: 16\noutput_dim: 16\ndropout: 0\nbatch_tokens: 200\n"
                                              "max_steps: 30\nvalidate_every: 10\nkeep_checkpoints: 3\n"
                                              "max_minutes: 0\npatience: 0\n");
  const auto model = scratch / "rnn";
  auto run = testing::run_mtbench("-q train rnn-attention" + data + " --config '" + (scratch / "rnn.yaml").string() +
                                      "' --out '" + model.string() + "'",
                                  scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  const std::string before = read_file(model / "model.pt");

  // A transformer's checkpoint is not an RNN's: refused, naming the file, the model untouched.
  write_file_atomic(scratch / "tiny.yaml",
                    std::string(testing::kTransformerToyTraining) +
                        "vocab_size: 40\ndim: 16\nheads: 2\nffn_dim: 32\nencoder_layers: 1\ndecoder_layers: 1\n"
                        "max_steps: 10\nvalidate_every: 10\nkeep_checkpoints: 1\nmax_minutes: 0\n");
  run = testing::run_mtbench("-q train transformer" + data + " --config '" + (scratch / "tiny.yaml").string() +
                                 "' --out '" + (scratch / "tf").string() + "'",
                             scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  const auto foreign = scratch / "tf" / "checkpoints" / "step-000000010.pt";
  ASSERT_TRUE(std::filesystem::exists(foreign));
  run = testing::run_mtbench("average '" + model.string() + "' '" + foreign.string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("step-000000010.pt"));
  EXPECT_TRUE(read_file(model / "model.pt") == before);  // (not EXPECT_EQ: no binary dump on failure)
  EXPECT_FALSE(std::filesystem::exists(model / "model.pt.bak"));

  run = testing::run_mtbench("average '" + model.string() + "' --last 3", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("3 checkpoints of the rnn-attention model"));
  EXPECT_TRUE(read_file(model / "model.pt.bak") == before);
  EXPECT_FALSE(read_file(model / "model.pt") == before);
  run = testing::run_mtbench(
      "-q translate --model '" + model.string() + "' < '" + (scratch / "train.de").string() + "'", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;  // the manifest's checksums were refreshed: the model loads
  EXPECT_EQ(std::count(run.out.begin(), run.out.end(), '\n'), static_cast<long>(de.size()));

  // A model of another era has nothing to average; an edited model file is not trusted.
  run =
      testing::run_mtbench("-q train rule-based" + data + " --out '" + (scratch / "rb").string() + "'", scratch.path());
  ASSERT_EQ(run.status, 0) << run.err;
  run = testing::run_mtbench("average '" + (scratch / "rb").string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("a 'rule-based' model; only neural models"));
  write_file_atomic(model / "rnn.yaml", read_file(model / "rnn.yaml") + "\n");
  run = testing::run_mtbench("average '" + model.string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("rnn.yaml"));
}

}  // namespace
}  // namespace mtbench
#endif
