// libsentencepiece (with its embedded protobuf 3.14) and LibTorch (system protobuf 3.21) must
// coexist in one process: corpus/spm_api.h loads SentencePiece as an isolated module. This
// suite links LibTorch (through the built-in systems) when it is available.

#include <gtest/gtest.h>

#include "corpus/subword.h"
#ifdef MTBENCH_HAVE_TORCH
#include <torch/torch.h>
#endif

namespace mtbench {
namespace {

TEST(SubwordWithTorch, TrainEncodeDecodeInTheSameProcessAsLibTorch) {
#ifdef MTBENCH_HAVE_TORCH
  const auto before = torch::ones({2, 3}).sum().item<float>();
  EXPECT_FLOAT_EQ(before, 6.0f);
#endif
  std::vector<std::string> sentences;
  for (int i = 0; i < 300; ++i) {
    sentences.push_back("ein Mann fährt Fahrrad auf der Straße " + std::to_string(i % 17));
    sentences.push_back("zwei Hunde spielen im Schnee " + std::to_string(i % 13));
  }
  SubwordOptions options;
  options.model_type = "bpe";
  options.vocab_size = 80;
  options.hard_vocab_limit = false;
  const auto model = SubwordModel::train(sentences, options);
  const std::string text = "zwei Hunde fährt Fahrrad";
  const auto ids = model.encode_ids(text);
  EXPECT_FALSE(ids.empty());
  EXPECT_EQ(model.decode_ids(ids), text);
  const auto reloaded = SubwordModel::from_bytes(model.bytes());
  EXPECT_EQ(reloaded.encode(text), model.encode(text));
#ifdef MTBENCH_HAVE_TORCH
  EXPECT_FLOAT_EQ(torch::ones({4}).sum().item<float>(), 4.0f);
#endif
}

}  // namespace
}  // namespace mtbench
