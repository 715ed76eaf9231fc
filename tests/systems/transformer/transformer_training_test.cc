// Training the Transformer with the shared loop: a reversal task learnt to 100% with post-norm
// and with pre-norm, the label-smoothed loss against a hand-computed value, the noam schedule,
// checkpoint averaging.
#ifdef MTBENCH_HAVE_TORCH
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "base/error.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/decoding.h"
#include "systems/neural/trainer.h"
#include "systems/transformer/transformer_model.h"
#include "tests/test_util.h"

namespace mtbench::transformer {
namespace {

using neural::Example;

std::vector<Example> reversal_examples(int n, unsigned seed, int symbols) {
  std::mt19937 rng(seed);
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    Example e;
    const int len = 2 + static_cast<int>(rng() % 5);
    for (int j = 0; j < len; ++j) e.source.push_back(4 + static_cast<std::int64_t>(rng() % symbols));
    e.target.assign(e.source.rbegin(), e.source.rend());
    out.push_back(e);
  }
  return out;
}

TransformerModel tiny(const std::string& norm, int vocab, std::uint64_t seed = 3) {
  torch::manual_seed(seed);
  TransformerModelOptions o;
  o.source_vocab = o.target_vocab = vocab;
  o.dim = 32;
  o.heads = 2;
  o.ffn_dim = 2 * o.dim;
  o.encoder_layers = 2;
  o.decoder_layers = 1;
  o.dropout = 0.0;
  o.norm = norm.substr(0, norm.find('_'));
  if (norm.find("_scale_fix") != std::string::npos) {  // Nguyen & Salazar 2019's low-resource setup
    o.norm_type = "scale";
    o.fix_norm = true;
  }
  return TransformerModel(o);
}

class TransformerTrainingNorms : public ::testing::TestWithParam<std::string> {};

// Both layer placements learn to reverse sequences. The bar is 90% exact on dev, not 100%:
// the last few sentences depend on the floating-point kernels OpenBLAS picks for the CPU
// (post-norm reached 50/50 with Haswell kernels and 47/50 with SkylakeX ones), while an
// untrained or broken model gets none.
TEST_P(TransformerTrainingNorms, ReversalTaskLearnt) {
  testing::ScratchDir dir;
  const int symbols = 8;
  const auto train = reversal_examples(800, 1, symbols);
  const auto dev = reversal_examples(50, 2, symbols);
  auto model = tiny(GetParam(), 4 + symbols);
  neural::TrainerOptions o;
  o.max_epochs = 1000;
  o.max_steps = 1000;
  o.batching.max_tokens = 800;
  o.lr_schedule = "noam";
  o.noam_model_dim = 32;
  o.warmup_steps = 100;
  o.learning_rate = 1.0;  // peak 32^-0.5 * 100^-0.5 = 0.018
  o.adam_beta2 = 0.98;
  o.label_smoothing = 0.0;
  o.dev_bleu = false;
  o.patience = 0;
  o.validate_every = 300;
  neural::Trainer trainer(*model, o, dir.path(), torch::kCPU, 3, nullptr);
  trainer.train(train, dev, {}, false);
  std::vector<const std::vector<std::int64_t>*> sources;
  for (const auto& e : dev) sources.push_back(&e.source);
  auto [src, mask] = neural::pad_sources(sources, neural::SpecialIds{}, torch::kCPU);
  neural::DecodeOptions d;
  d.beam_size = 3;
  const auto hyps = neural::beam_search(*model, src, mask, d);
  int correct = 0;
  for (std::size_t i = 0; i < dev.size(); ++i) correct += hyps[i][0].tokens == dev[i].target ? 1 : 0;
  EXPECT_GE(correct, 45) << GetParam() << "-norm: " << correct << " of " << dev.size() << " reversed exactly";
}

INSTANTIATE_TEST_SUITE_P(PostAndPreNorm, TransformerTrainingNorms, ::testing::Values("post", "pre", "pre_scale_fix"));

TEST(TransformerTraining, LabelSmoothedLossMatchesAHandComputedValue) {
  // One token, vocabulary of 4, logits (2, 1, 0, -1), gold class 0, eps = 0.1, pad = 3.
  // log Z = log(e^2 + e + 1 + e^-1); -log p_c = log Z - logit_c.
  const double log_z = std::log(std::exp(2.0) + std::exp(1.0) + 1.0 + std::exp(-1.0));
  const double nll[4] = {log_z - 2, log_z - 1, log_z, log_z + 1};
  // Target distribution: 0.9 on the gold class + 0.1 spread uniformly over all 4 classes.
  const double expected = 0.9 * nll[0] + 0.1 * (nll[0] + nll[1] + nll[2] + nll[3]) / 4;  // = 0.59020...
  auto logits = torch::tensor({2.0f, 1.0f, 0.0f, -1.0f}).view({1, 1, 4});
  EXPECT_NEAR(neural::summed_token_loss(logits, torch::tensor({0L}).view({1, 1}), 3, 0.1).item<double>(), expected,
              1e-5);
  EXPECT_NEAR(neural::summed_token_loss(logits, torch::tensor({0L}).view({1, 1}), 3, 0.0).item<double>(), nll[0], 1e-5);
  // Padding targets add nothing; two tokens sum.
  auto two = torch::cat({logits, logits}, 1);
  EXPECT_NEAR(neural::summed_token_loss(two, torch::tensor({0L, 3L}).view({1, 2}), 3, 0.1).item<double>(), expected,
              1e-5);
  EXPECT_NEAR(neural::summed_token_loss(two, torch::tensor({0L, 1L}).view({1, 2}), 3, 0.1).item<double>(),
              expected + 0.9 * nll[1] + 0.1 * (nll[0] + nll[1] + nll[2] + nll[3]) / 4, 1e-5);
}

TEST(TransformerTraining, NoamScheduleValues) {
  neural::TrainerOptions o;
  o.lr_schedule = "noam";
  o.noam_model_dim = 512;
  o.warmup_steps = 4000;
  o.learning_rate = 1.0;
  // lrate = d^-0.5 * min(step^-0.5, step * warmup^-1.5) (Vaswani et al. 2017, eq. 3).
  EXPECT_NEAR(neural::learning_rate_at(o, 1, 0), 1.7469e-7, 1e-10);
  EXPECT_NEAR(neural::learning_rate_at(o, 2000, 0), 3.4939e-4, 1e-8);
  EXPECT_NEAR(neural::learning_rate_at(o, 4000, 0), 6.9877e-4, 1e-8);   // the peak
  EXPECT_NEAR(neural::learning_rate_at(o, 16000, 0), 3.4939e-4, 1e-8);  // halved at 4x warmup
  o.learning_rate = 2.0;                                                // the factor scales everything
  EXPECT_NEAR(neural::learning_rate_at(o, 4000, 0), 2 * 6.9877e-4, 2e-8);
  EXPECT_LT(neural::learning_rate_at(o, 3999, 0), neural::learning_rate_at(o, 4000, 0));
  EXPECT_LT(neural::learning_rate_at(o, 4001, 0), neural::learning_rate_at(o, 4000, 0));
}

TEST(TransformerTraining, AveragedCheckpointEqualsTheElementWiseMean) {
  testing::ScratchDir dir;
  auto a = tiny("post", 10, 1), b = tiny("post", 10, 2), c = tiny("post", 10, 3), avg = tiny("post", 10, 4);
  neural::save_module(dir / "a.pt", *a);
  neural::save_module(dir / "b.pt", *b);
  neural::save_module(dir / "c.pt", *c);
  neural::average_modules({dir / "a.pt", dir / "b.pt", dir / "c.pt"}, *avg, torch::kCPU);
  const auto pa = a->named_parameters(), pb = b->named_parameters(), pc = c->named_parameters();
  std::size_t checked = 0;
  for (const auto& p : avg->named_parameters()) {
    const auto mean = (pa[p.key()] + pb[p.key()] + pc[p.key()]) / 3;
    EXPECT_TRUE(torch::allclose(p.value(), mean, 1e-6, 1e-7)) << p.key();
    ++checked;
  }
  EXPECT_GT(checked, 10u);
  EXPECT_FALSE(torch::allclose(pa.begin()->value(), pb.begin()->value()));  // the models did differ
  EXPECT_THROW(neural::average_modules({dir / "missing.pt"}, *avg, torch::kCPU), Error);
}

TEST(TransformerTraining, TrainerKeepsTheLastCheckpointsAndAveragesThem) {
  testing::ScratchDir dir;
  const auto train = reversal_examples(200, 5, 6);
  const auto dev = reversal_examples(20, 6, 6);
  auto model = tiny("pre", 10);
  neural::TrainerOptions o;
  o.max_steps = 60;
  o.batching.max_tokens = 300;
  o.lr_schedule = "constant";
  o.learning_rate = 3e-3;
  o.dev_bleu = false;
  o.patience = 0;
  o.validate_every = 10;
  o.average_checkpoints = 3;
  neural::Trainer trainer(*model, o, dir.path(), torch::kCPU, 3, nullptr);
  const auto result = trainer.train(train, dev, {}, false);
  std::vector<std::string> kept;
  for (const auto& e : std::filesystem::directory_iterator(dir / "checkpoints"))
    if (e.path().filename().string().rfind("step-", 0) == 0) kept.push_back(e.path().filename().string());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(kept, (std::vector<std::string>{"step-000000040.pt", "step-000000050.pt", "step-000000060.pt"}));
  // The average is used only when it is no worse on dev than the best single model.
  if (result.averaged_checkpoints > 0) {
    EXPECT_EQ(result.averaged_checkpoints, 3);
    EXPECT_TRUE(std::filesystem::exists(dir / "checkpoints/average.pt"));
  }
  EXPECT_NEAR(trainer.evaluate_loss(dev), result.best_dev_loss, 1e-4);
}

}  // namespace
}  // namespace mtbench::transformer
#endif
