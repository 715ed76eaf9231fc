#include "systems/training_log.h"

#include <fstream>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace mtbench {
namespace {

namespace k = training_log_keys;

TEST(TrainingLog, WrittenLinesReadBackAsTheLearningCurve) {
  testing::ScratchDir dir;
  EXPECT_TRUE(read_training_log(dir.path()).empty());  // no log yet
  append_training_log(dir.path(), {{k::kType, "train"},
                                   {k::kStep, 100},
                                   {k::kEpoch, 1},
                                   {k::kLoss, 4.5},
                                   {k::kLearningRate, 0.001},
                                   {k::kTokensPerSecond, 2000.0}});
  append_training_log(dir.path(),
                      {{k::kType, "valid"}, {k::kStep, 200}, {k::kEpoch, 2}, {k::kDevLoss, 3.25}, {k::kDevBleu, 12.5}});
  std::ofstream(dir / kTrainingLogFile, std::ios::app) << "{\"type\": \"train\", \"st";  // cut by a kill
  const auto log = read_training_log(dir.path());
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].step, 100u);
  EXPECT_DOUBLE_EQ(*log[0].loss, 4.5);
  EXPECT_DOUBLE_EQ(*log[0].learning_rate, 0.001);
  EXPECT_DOUBLE_EQ(*log[0].tokens_per_second, 2000.0);
  EXPECT_FALSE(log[0].dev_loss.has_value());
  EXPECT_EQ(log[1].step, 200u);
  EXPECT_DOUBLE_EQ(log[1].epoch, 2.0);
  EXPECT_DOUBLE_EQ(*log[1].dev_bleu, 12.5);
  clear_training_log(dir.path());
  EXPECT_TRUE(read_training_log(dir.path()).empty());
}

TEST(TrainingLog, OtherTrainersSpellingsAreRead) {
  testing::ScratchDir dir;
  std::ofstream(dir / kTrainingLogFile) << "{\"step\": 5, \"train_loss\": 2.0, \"val_loss\": 1.5, \"bleu\": 30, "
                                           "\"learning_rate\": 0.5, \"tok_per_s\": 10}\n";
  const auto log = read_training_log(dir.path());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_DOUBLE_EQ(*log[0].loss, 2.0);
  EXPECT_DOUBLE_EQ(*log[0].dev_loss, 1.5);
  EXPECT_DOUBLE_EQ(*log[0].dev_bleu, 30);
  EXPECT_DOUBLE_EQ(*log[0].learning_rate, 0.5);
  EXPECT_DOUBLE_EQ(*log[0].tokens_per_second, 10);
}

TEST(TrainingLog, GradientNormsAndParameterGroups) {
  testing::ScratchDir dir;
  append_training_log(dir.path(),
                      {{k::kType, "train"},
                       {k::kStep, 10},
                       {k::kGradNorms, {{"encoder_layers.0", 0.5}, {"decoder_layers.1", 2.0}, {"bad", "x"}}}});
  const auto log = read_training_log(dir.path());
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].grad_norms, (std::map<std::string, double>{{"decoder_layers.1", 2.0}, {"encoder_layers.0", 0.5}}));
  EXPECT_EQ(parameter_group("encoder_layers.2.self_attention.in_weight"), "encoder_layers.2");
  EXPECT_EQ(parameter_group("encoder_layers.12.norm1.weight"), "encoder_layers.12");
  EXPECT_EQ(parameter_group("source_embedding.weight"), "source_embedding");
  EXPECT_EQ(parameter_group("encoder.rnn.weight_ih_l0"), "encoder");
  EXPECT_EQ(parameter_group("positions"), "positions");
  EXPECT_EQ(parameter_group("layers.x1.w"), "layers");
}

}  // namespace
}  // namespace mtbench
