// `mtbench average`: checkpoint averaging of a transformer trained through the CLI, then
// translation with the averaged model; errors name the directory and the problem.
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

TEST(AverageCommand, AveragesKeptCheckpointsOfACliTrainedTransformer) {
  testing::ScratchDir scratch;
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
  EXPECT_THAT(run.err, HasSubstr("not a transformer model directory"));
  std::filesystem::remove_all(model / "checkpoints");
  run = testing::run_mtbench("average '" + model.string() + "'", scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("no checkpoints/step-*.pt"));
  run = testing::run_mtbench("average '" + model.string() + "' '" + (scratch / "missing.pt").string() + "'",
                             scratch.path());
  EXPECT_EQ(run.status, 1);
  EXPECT_THAT(run.err, HasSubstr("missing.pt"));
}

}  // namespace
}  // namespace mtbench
#endif
