// RNNsearch model (systems/rnn_attention/rnn_model.h): shapes, masking, padding independence,
// attention normalisation, incremental decoding equal to the teacher-forced pass, options.
#ifdef MTBENCH_HAVE_TORCH
#include "systems/rnn_attention/rnn_model.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "systems/neural/batching.h"
#include "systems/neural/decoding.h"
#include "systems/rnn_attention/rnn_options.h"
#include "systems/rnn_attention/word_attention.h"

namespace mtbench::rnn_attention {
namespace {

RnnModel small_model(const std::string& attention = "bahdanau", bool deep_output = true) {
  torch::manual_seed(11);
  RnnModelOptions o;
  o.source_vocab = 20;
  o.target_vocab = 17;
  o.embedding_dim = 8;
  o.encoder_dim = 6;
  o.decoder_dim = attention == "dot" ? 12 : 10;
  o.attention_dim = 7;
  o.output_dim = 5;
  o.deep_output = deep_output;
  o.attention = attention;
  o.dropout = 0.1;
  RnnModel m(o);
  m->eval();
  return m;
}

std::int64_t parameter_count_of(torch::nn::Module& m) {
  std::int64_t n = 0;
  for (const auto& p : m.parameters()) n += p.numel();
  return n;
}

// Two sources: lengths 5 and 3 (padded).
neural::Batch two_sentences() {
  std::vector<neural::Example> ex = {{{4, 5, 6, 7, 8}, {9, 10, 11}}, {{12, 13, 14}, {15, 16}}};
  return neural::collate(ex, {0, 1}, neural::SpecialIds{}, torch::kCPU);
}

class RnnModelAttentionKinds : public ::testing::TestWithParam<std::string> {};

TEST_P(RnnModelAttentionKinds, ShapesMaskingAndNormalisation) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  const auto b = two_sentences();
  auto [logits, attention] = model->forward_with_attention(b.source, b.source_mask, b.target_in);
  EXPECT_EQ(logits.sizes(), (std::vector<std::int64_t>{2, 4, 17}));
  EXPECT_EQ(attention.sizes(), (std::vector<std::int64_t>{2, 4, 5}));
  EXPECT_TRUE(torch::allclose(attention.sum(2), torch::ones({2, 4}), 1e-5, 1e-6));
  // Padded positions of sentence 2 get exactly zero weight.
  EXPECT_EQ(attention[1].slice(1, 3, 5).abs().max().item<float>(), 0.0f);
  EXPECT_GT(attention[1].slice(1, 0, 3).min().item<float>(), 0.0f);
}

TEST_P(RnnModelAttentionKinds, OutputIndependentOfPadding) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  std::vector<neural::Example> ex = {{{12, 13, 14}, {15, 16}}, {{4, 5, 6, 7, 8, 9, 10, 11}, {9}}};
  const auto alone = neural::collate(ex, {0}, neural::SpecialIds{}, torch::kCPU);
  const auto padded = neural::collate(ex, {1, 0}, neural::SpecialIds{}, torch::kCPU);
  auto [l1, a1] = model->forward_with_attention(alone.source, alone.source_mask, alone.target_in);
  auto [l2, a2] = model->forward_with_attention(padded.source, padded.source_mask, padded.target_in);
  // Sentence 0 alone has no padding; in the second batch its source carries 5 pads and its target 0.
  EXPECT_TRUE(torch::allclose(l1[0], l2[1].slice(0, 0, 3), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(a1[0], a2[1].slice(0, 0, 3).slice(1, 0, 3), 1e-5, 1e-6));
}

TEST_P(RnnModelAttentionKinds, IncrementalStepsEqualTheTeacherForcedPass) {
  auto model = small_model(GetParam());
  torch::NoGradGuard no_grad;
  const auto b = two_sentences();
  auto [logits, attention] = model->forward_with_attention(b.source, b.source_mask, b.target_in);
  auto expected = torch::log_softmax(logits, 2);
  auto state = model->start(b.source, b.source_mask);
  for (std::int64_t t = 0; t < b.target_in.size(1); ++t) {
    auto out = model->step(b.target_in.select(1, t), state);
    EXPECT_TRUE(torch::allclose(out.log_probs, expected.select(1, t), 1e-5, 1e-5)) << "step " << t;
    EXPECT_TRUE(torch::allclose(out.attention, attention.select(1, t), 1e-5, 1e-6)) << "step " << t;
  }
}

INSTANTIATE_TEST_SUITE_P(All, RnnModelAttentionKinds, ::testing::Values("bahdanau", "general", "dot"));

TEST(RnnModel, TanhReadoutAndGradientsReachEveryParameter) {
  auto model = small_model("bahdanau", false);
  model->train();
  const auto b = two_sentences();
  auto logits = model->forward(b.source, b.source_mask, b.target_in);
  torch::nn::functional::cross_entropy(logits.reshape({-1, 17}), b.target_out.reshape({-1}),
                                       torch::nn::functional::CrossEntropyFuncOptions().ignore_index(3))
      .backward();
  for (const auto& p : model->named_parameters()) {
    ASSERT_TRUE(p.value().grad().defined()) << p.key();
    EXPECT_GT(p.value().grad().abs().sum().item<float>(), 0.0f) << p.key();
  }
}

// Tied output (Press & Wolf 2017): W_o is the target embedding matrix, so there is no
// projection of its own, the logits are the readout against the embeddings plus a bias, and
// the output loss alone trains the target embeddings.
TEST(RnnModel, TiedOutputScoresAgainstTheTargetEmbeddings) {
  torch::manual_seed(11);
  RnnModelOptions o;
  o.source_vocab = 20;
  o.target_vocab = 17;
  o.embedding_dim = o.output_dim = 8;
  o.encoder_dim = 6;
  o.decoder_dim = 10;
  o.attention_dim = 7;
  o.dropout = 0;
  o.tie_output = true;
  RnnModel model(o);
  const auto params = model->named_parameters();
  EXPECT_EQ(params.find("out_projection.weight"), nullptr);
  ASSERT_NE(params.find("out_bias"), nullptr);
  o.tie_output = false;
  torch::manual_seed(11);
  RnnModel untied(o);
  EXPECT_EQ(parameter_count_of(*model) + 17 * 8, parameter_count_of(*untied));
  const auto b = two_sentences();
  auto logits = model->forward(b.source, b.source_mask, b.target_in);  // [batch, tgt_len, 17]
  ASSERT_EQ(logits.size(-1), 17);
  {
    torch::NoGradGuard no_grad;  // moving one embedding row moves exactly that word's logits
    auto before = model->forward(b.source, b.source_mask, torch::full_like(b.target_in, 5));
    params["target_embedding.weight"][9].add_(1.0);
    auto after = model->forward(b.source, b.source_mask, torch::full_like(b.target_in, 5));
    auto changed = (after - before).abs().sum(torch::IntArrayRef{0, 1}) > 1e-6;  // [17]
    EXPECT_TRUE(changed[9].item<bool>());
    EXPECT_EQ(changed.sum().item<std::int64_t>(), 1);
  }
  o.output_dim = 5;
  o.tie_output = true;
  EXPECT_THROW(RnnModel{o}, ConfigError);
  EXPECT_THROW(parse_rnn_options("tie_output: true\nembedding_dim: 64\noutput_dim: 32\n", "", "t"), ConfigError);
  EXPECT_TRUE(parse_rnn_options("tie_output: true\nembedding_dim: 64\noutput_dim: 64\n", "", "t").model.tie_output);
}

TEST(RnnModel, BeamOfOneEqualsGreedyOnARandomModel) {
  auto model = small_model();
  const auto b = two_sentences();
  neural::DecodeOptions o;
  o.beam_size = 1;
  o.length_penalty = 0;
  const auto greedy = neural::greedy_decode(*model, b.source, b.source_mask, o);
  const auto beam = neural::beam_search(*model, b.source, b.source_mask, o);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(beam[i][0].tokens, greedy[i].tokens);
    EXPECT_NEAR(beam[i][0].log_prob, greedy[i].log_prob, 1e-4);
  }
}

TEST(RnnOptions, PresetsYamlRoundTripAndErrors) {
  const auto quick = parse_rnn_options("", "quick", "test");
  const auto full = parse_rnn_options("", "", "test");
  EXPECT_LT(quick.model.decoder_dim, full.model.decoder_dim);
  const auto custom = parse_rnn_options("attention: general\nbeam_size: 7\nvocab_size: 500\n", "quick", "test");
  EXPECT_EQ(custom.model.attention, "general");
  EXPECT_EQ(custom.common.decode.beam_size, 7);
  EXPECT_EQ(custom.common.vocabulary.vocab_size, 500);
  EXPECT_EQ(rnn_options_yaml(parse_rnn_options(rnn_options_yaml(custom), "", "again")), rnn_options_yaml(custom));
  try {
    parse_rnn_options("hidden_size: 5\n", "", "my.yaml");
    FAIL() << "unknown key accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("my.yaml: unknown rnn-attention option 'hidden_size'"), std::string::npos);
  }
  EXPECT_THROW(parse_rnn_options("attention: dot\nencoder_dim: 10\ndecoder_dim: 30\n", "", "t"), ConfigError);
  EXPECT_THROW(parse_rnn_options("", "huge", "t"), ConfigError);
  EXPECT_THROW(parse_rnn_options("lr_schedule: cosine\n", "", "t"), ConfigError);
  EXPECT_THROW(parse_rnn_options("dropout: [1]\n", "", "t"), ConfigError);
}

TEST(RnnWordAttention, WordMatrixAggregatesPiecesAndKeepsRowsNormalised) {
  const std::vector<std::string> src = {
      "\xE2\x96\x81"
      "Hund",
      "e",
      "\xE2\x96\x81"
      "laufen"};
  const std::vector<std::string> tgt = {
      "\xE2\x96\x81"
      "dog",
      "s",
      "\xE2\x96\x81"
      "run"};
  // 4 rows (3 pieces + </s>), 4 columns (1 padding column, zero).
  const std::vector<float> a = {0.5f, 0.3f, 0.2f, 0, 0.6f, 0.2f, 0.2f, 0, 0.1f, 0.1f, 0.8f, 0, 0.2f, 0.2f, 0.6f, 0};
  const auto e = attention_explanation(src, tgt, a, 4);
  ASSERT_EQ(e.attention.size(), 2u);
  const auto& sub = e.attention[0];
  EXPECT_EQ(sub.kind, "bahdanau");
  EXPECT_EQ(sub.col_tokens.size(), 3u);
  EXPECT_EQ(sub.row_tokens.back(), "</s>");
  const auto& w = e.attention[1];
  EXPECT_EQ(w.row_tokens, (std::vector<std::string>{"dogs", "run", "</s>"}));
  EXPECT_EQ(w.col_tokens, (std::vector<std::string>{"Hunde", "laufen"}));
  // dogs -> Hunde: mean over pieces of (0.5 + 0.3, 0.6 + 0.2) = 0.8.
  EXPECT_NEAR(w.weights[0], 0.8f, 1e-6);
  for (std::size_t r = 0; r < 3; ++r) EXPECT_NEAR(w.weights[2 * r] + w.weights[2 * r + 1], 1.0f, 1e-6);
  EXPECT_EQ(e.alignment, (std::vector<std::pair<int, int>>{{0, 0}, {0, 1}, {2, 2}}));
}

}  // namespace
}  // namespace mtbench::rnn_attention
#endif
