// Transformer model (systems/transformer/): attention masking, padding independence,
// incremental decoding equal to full recomputation, positional encodings, recording.
#ifdef MTBENCH_HAVE_TORCH
#include "systems/transformer/transformer_model.h"

#include <gtest/gtest.h>

#include <cmath>

#include "base/error.h"
#include "systems/neural/batching.h"
#include "systems/neural/decoding.h"
#include "systems/transformer/attention.h"

namespace mtbench::transformer {
namespace {

// `norm`: "post" or "pre", optionally followed by "_scale" (ScaleNorm) and "_fix" (FixNorm).
TransformerModel small_model(const std::string& norm, const std::string& positional = "sinusoidal", bool share = true,
                             double layer_drop = 0) {
  torch::manual_seed(7);
  TransformerModelOptions o;
  o.source_vocab = o.target_vocab = 19;
  o.dim = 16;
  o.heads = 4;
  o.ffn_dim = 24;
  o.encoder_layers = 2;
  o.decoder_layers = 2;
  o.dropout = 0.1;
  o.norm = norm.substr(0, norm.find('_'));
  o.norm_type = norm.find("_scale") != std::string::npos ? "scale" : "layer";
  o.fix_norm = norm.find("_fix") != std::string::npos;
  o.layer_drop = layer_drop;
  o.positional = positional;
  o.share_embeddings = share;
  o.tie_output = share;
  TransformerModel m(o);
  m->eval();
  return m;
}

neural::Batch batch_of(const std::vector<neural::Example>& ex, const std::vector<std::size_t>& which) {
  return neural::collate(ex, which, neural::SpecialIds{}, torch::kCPU);
}

const std::vector<neural::Example> kExamples = {
    {{4, 5, 6, 7, 8}, {9, 10, 11}}, {{12, 13, 14}, {15, 16}}, {{4, 5, 6, 7, 8, 9, 10, 11, 12}, {9}}};

TEST(TransformerAttention, CausalAndPaddingMasksGiveExactlyZeroWeight) {
  torch::manual_seed(1);
  MultiHeadAttention mha(8, 2, 0.0);
  torch::NoGradGuard no_grad;
  auto x = torch::randn({2, 5, 8});
  auto mask = torch::tensor({1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, torch::kBool).view({2, 5});
  torch::Tensor weights;
  mha->self_attention(x, padding_bias(mask) + causal_bias(5, torch::kCPU), &weights);
  ASSERT_EQ(weights.sizes(), (std::vector<std::int64_t>{2, 2, 5, 5}));
  EXPECT_TRUE(torch::allclose(weights.sum(-1), torch::ones({2, 2, 5}), 1e-5, 1e-6));
  for (int q = 0; q < 5; ++q)
    for (int k = 0; k < 5; ++k) {
      const bool visible_causally = k <= q;
      const float w0 = weights[0][1][q][k].item<float>(), w1 = weights[1][0][q][k].item<float>();
      if (!visible_causally) {
        EXPECT_EQ(w0, 0.0f) << q << "," << k;
      } else {
        EXPECT_GT(w0, 0.0f);
      }
      if (k >= 3) {
        EXPECT_EQ(w1, 0.0f) << "padded key " << k;  // sentence 2 has 3 real tokens
      } else if (visible_causally) {
        EXPECT_GT(w1, 0.0f);
      }
    }
  EXPECT_THROW(MultiHeadAttention(10, 3, 0.0), ConfigError);
}

class TransformerNorms : public ::testing::TestWithParam<std::string> {};

TEST_P(TransformerNorms, ShapesAndOutputIndependentOfPadding) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  const auto alone = batch_of(kExamples, {1});
  const auto padded = batch_of(kExamples, {2, 1});  // sentence 1 gets 6 source pads and 0 target pads
  auto l1 = model->forward(alone.source, alone.source_mask, alone.target_in);
  auto l2 = model->forward(padded.source, padded.source_mask, padded.target_in);
  EXPECT_EQ(l1.sizes(), (std::vector<std::int64_t>{1, 3, 19}));
  EXPECT_EQ(l2.sizes(), (std::vector<std::int64_t>{2, 3, 19}));
  EXPECT_TRUE(torch::allclose(l1[0], l2[1], 1e-4, 1e-5));
  EXPECT_THROW(model->forward(alone.source, padded.source_mask, alone.target_in), Error);
}

TEST_P(TransformerNorms, IncrementalStepsEqualFullRecomputationAndTheTeacherForcedPass) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  const auto b = batch_of(kExamples, {0, 1, 2});
  auto expected = torch::log_softmax(model->forward(b.source, b.source_mask, b.target_in), 2);
  for (bool incremental : {true, false}) {
    model->set_incremental(incremental);
    auto state = model->start(b.source, b.source_mask);
    for (std::int64_t t = 0; t < b.target_in.size(1); ++t) {
      auto out = model->step(b.target_in.select(1, t), state);
      EXPECT_TRUE(torch::allclose(out.log_probs, expected.select(1, t), 1e-4, 1e-5))
          << "step " << t << (incremental ? " (cached)" : " (recomputed)");
    }
  }
  // Whole decodes agree token for token, greedy and beam.
  neural::DecodeOptions d;
  d.beam_size = 4;
  d.nbest = 2;
  model->set_incremental(true);
  const auto cached = neural::beam_search(*model, b.source, b.source_mask, d);
  const auto greedy_cached = neural::greedy_decode(*model, b.source, b.source_mask, d);
  model->set_incremental(false);
  const auto recomputed = neural::beam_search(*model, b.source, b.source_mask, d);
  const auto greedy_recomputed = neural::greedy_decode(*model, b.source, b.source_mask, d);
  for (std::size_t i = 0; i < cached.size(); ++i) {
    ASSERT_EQ(cached[i].size(), recomputed[i].size());
    for (std::size_t k = 0; k < cached[i].size(); ++k) {
      EXPECT_EQ(cached[i][k].tokens, recomputed[i][k].tokens);
      EXPECT_NEAR(cached[i][k].log_prob, recomputed[i][k].log_prob, 1e-4);
    }
    EXPECT_EQ(greedy_cached[i].tokens, greedy_recomputed[i].tokens);
  }
}

TEST_P(TransformerNorms, RecordingReturnsNormalisedMaskedAttentionOfEveryLayerAndHead) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  const auto b = batch_of(kExamples, {0, 1});  // source lengths 5 and 3 (padded to 5)
  const std::int64_t columns = 6;
  model->set_recording(true, columns);
  auto state = model->start(b.source, b.source_mask);
  const auto& enc = model->encoder_attention();
  ASSERT_EQ(enc.sizes(), (std::vector<std::int64_t>{2, 2, 4, 5, 5}));
  EXPECT_TRUE(torch::allclose(enc.sum(-1), torch::ones({2, 2, 4, 5}), 1e-5, 1e-6));
  EXPECT_EQ(enc[1].slice(-1, 3, 5).abs().max().item<float>(), 0.0f);  // padded keys of sentence 2
  for (std::int64_t t = 0; t < 3; ++t) {
    auto out = model->step(b.target_in.select(1, t), state);
    ASSERT_EQ(out.attention.sizes(), (std::vector<std::int64_t>{2, 2 * 4 * 5 + 2 * 4 * columns}));
    auto cross = out.attention.narrow(1, 0, 40).view({2, 2, 4, 5});
    auto self = out.attention.narrow(1, 40, 2 * 4 * columns).view({2, 2, 4, columns});
    EXPECT_TRUE(torch::allclose(cross.sum(-1), torch::ones({2, 2, 4}), 1e-5, 1e-6));
    EXPECT_TRUE(torch::allclose(self.sum(-1), torch::ones({2, 2, 4}), 1e-5, 1e-6));
    EXPECT_EQ(cross[1].slice(-1, 3, 5).abs().max().item<float>(), 0.0f);
    EXPECT_EQ(self.slice(-1, t + 1, columns).abs().max().item<float>(), 0.0f);  // no future keys
  }
  model->set_recording(false);
  EXPECT_FALSE(model->step(b.target_in.select(1, 0), state).attention.defined());
}

INSTANTIATE_TEST_SUITE_P(PostAndPreNorm, TransformerNorms,
                         ::testing::Values("post", "pre", "post_scale_fix", "pre_scale_fix"));

// LayerNorm through Norm is torch::nn::LayerNorm to the bit (same parameter names, so older
// models load); ScaleNorm maps every position to length g (sqrt(dim) at initialisation).
TEST(TransformerNorm, LayerNormIsTorchsAndScaleNormFixesTheLength) {
  torch::manual_seed(3);
  const auto x = torch::randn({2, 5, 16}) * 3 + 1;  // [batch, len, dim]
  Norm layer(16, false);
  torch::nn::LayerNorm reference(torch::nn::LayerNormOptions({16}));
  {
    torch::NoGradGuard no_grad;
    layer->named_parameters()["weight"].uniform_(0.5, 1.5);
    layer->named_parameters()["bias"].uniform_(-1, 1);
    reference->weight.copy_(layer->named_parameters()["weight"]);
    reference->bias.copy_(layer->named_parameters()["bias"]);
  }
  EXPECT_TRUE(torch::equal(layer(x), reference(x)));
  EXPECT_EQ(layer->named_parameters().size(), 2u);
  Norm scale(16, true);
  ASSERT_EQ(scale->named_parameters().size(), 1u);
  EXPECT_FLOAT_EQ(scale->named_parameters()["g"].item<float>(), 4.0f);
  const auto y = scale(x);
  EXPECT_TRUE(torch::allclose(torch::linalg_vector_norm(y, 2, {-1}), torch::full({2, 5}, 4.0), 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(y / 4, x / torch::linalg_vector_norm(x, 2, {-1}, true), 1e-5, 1e-6));  // direction kept
  EXPECT_THROW(scale(torch::randn({2, 8})), Error);
}

// FixNorm: logits are the decoder output against unit-length embedding rows, also through
// the cache used outside training, which follows in-place changes of the weights.
TEST(TransformerModel, FixNormScoresAgainstUnitRowsAndItsCacheFollowsTheWeights) {
  auto model = small_model("pre_scale_fix");
  const auto b = batch_of(kExamples, {0, 1, 2});
  const auto with_grad = model->forward(b.source, b.source_mask, b.target_in);  // normalised each call
  torch::Tensor cached;
  {
    torch::NoGradGuard no_grad;
    cached = model->forward(b.source, b.source_mask, b.target_in);
  }
  EXPECT_TRUE(torch::allclose(with_grad, cached, 1e-5, 1e-6));
  // Scaling embedding rows changes nothing under FixNorm; moving them does, and is seen.
  auto weight = model->named_parameters()["source_embedding.weight"];
  {
    torch::NoGradGuard no_grad;
    weight.mul_(3);
    EXPECT_TRUE(torch::allclose(model->forward(b.source, b.source_mask, b.target_in), cached, 1e-4, 1e-5));
    weight.add_(torch::randn_like(weight));
    const auto moved = model->forward(b.source, b.source_mask, b.target_in);
    EXPECT_FALSE(torch::allclose(moved, cached, 1e-3, 1e-3));
    torch::GradMode::set_enabled(true);
    const auto fresh = model->forward(b.source, b.source_mask, b.target_in);
    torch::GradMode::set_enabled(false);
    EXPECT_TRUE(torch::allclose(moved, fresh, 1e-5, 1e-6));
  }
}

// LayerDrop skips layers while training only: training-mode outputs vary from call to call
// (dropout off, so only the skipped layers differ) and include the outputs of a shallower
// network; in eval mode every layer runs and the model equals one without LayerDrop.
TEST(TransformerModel, LayerDropSkipsLayersWhileTrainingOnly) {
  auto dropping = small_model("pre", "sinusoidal", true, 0.5);
  auto plain = small_model("pre", "sinusoidal", true, 0.0);  // same seed: same weights
  const auto b = batch_of(kExamples, {0, 1, 2});
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(dropping->forward(b.source, b.source_mask, b.target_in),
                           plain->forward(b.source, b.source_mask, b.target_in)));
  const auto full = plain->forward(b.source, b.source_mask, b.target_in);
  dropping->train();
  for (auto& m : dropping->modules())
    if (auto* d = m->as<torch::nn::Dropout>()) d->options.p(0.0);
  torch::manual_seed(11);
  std::vector<torch::Tensor> outputs;
  int same_as_full = 0;
  for (int i = 0; i < 24; ++i) {
    outputs.push_back(dropping->forward(b.source, b.source_mask, b.target_in));
    same_as_full += torch::allclose(outputs.back(), full, 1e-5, 1e-6) ? 1 : 0;
  }
  int distinct = 0;
  for (std::size_t i = 1; i < outputs.size(); ++i) distinct += torch::equal(outputs[i], outputs[0]) ? 0 : 1;
  EXPECT_GT(distinct, 0);
  EXPECT_LT(same_as_full, 24);  // 4 layers kept with p = 1/16 each time: most calls drop one
  TransformerModelOptions bad;
  bad.source_vocab = bad.target_vocab = 10;
  bad.layer_drop = 1.0;
  EXPECT_THROW(TransformerModel{bad}, ConfigError);
  bad.layer_drop = 0;
  bad.norm_type = "rms";
  EXPECT_THROW(TransformerModel{bad}, ConfigError);
}

TEST(TransformerModel, SinusoidalEncodingFollowsThePaperFormula) {
  const auto pe = sinusoidal_encoding(50, 16);
  ASSERT_EQ(pe.sizes(), (std::vector<std::int64_t>{50, 16}));
  for (int pos : {0, 1, 7, 49})
    for (int i = 0; i < 8; ++i) {
      const double angle = pos / std::pow(10000.0, 2.0 * i / 16);
      EXPECT_NEAR(pe[pos][2 * i].item<float>(), std::sin(angle), 1e-5);
      EXPECT_NEAR(pe[pos][2 * i + 1].item<float>(), std::cos(angle), 1e-5);
    }
  auto model = small_model("post");
  EXPECT_TRUE(torch::allclose(model->positional_encoding(300).narrow(0, 0, 50), pe));  // grows on demand
}

TEST(TransformerModel, LearnedPositionsUntiedEmbeddingsAndGradientsReachEveryParameter) {
  auto model = small_model("pre", "learned", false);
  model->train();
  const auto b = batch_of(kExamples, {0, 1, 2});
  auto logits = model->forward(b.source, b.source_mask, b.target_in);
  logits.sum().backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0) << p.key();
  }
  EXPECT_EQ(model->positional_encoding(2000).size(0), 2000);  // longer than the table: last row reused
  TransformerModelOptions bad;
  bad.source_vocab = 10;
  bad.target_vocab = 12;
  EXPECT_THROW(TransformerModel{bad}, ConfigError);  // shared embeddings need one vocabulary
}

}  // namespace
}  // namespace mtbench::transformer
#endif
