// Benchmark (its own target rnn_bench, outside `all`; bench/rnn_bench.sh builds and runs it): fp32 matmul peak of this
// machine (1024x1024 torch::mm) and training throughput of the rnn-attention model on
// Multi30k-shaped batches, with the fraction of the peak that training reaches.
//   cmake --build build --target rnn_bench && build/bench/rnn_bench
// Environment: MTBENCH_BENCH_THREADS (default 2), MTBENCH_BENCH_PRESET (quick|full, default quick),
// MTBENCH_BENCH_STEPS (default 20).
#ifdef MTBENCH_HAVE_TORCH
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "systems/neural/batching.h"
#include "systems/neural/decoding.h"
#include "systems/neural/threads.h"
#include "systems/rnn_attention/rnn_model.h"
#include "systems/rnn_attention/rnn_options.h"

namespace mtbench::rnn_attention {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}

// Multiply-accumulates of one training pair (forward), from the architecture.
double forward_macs(const RnnModelOptions& o, double src_len, double tgt_len) {
  const double e = o.embedding_dim, n = o.encoder_dim, h = o.decoder_dim, a = o.attention_dim, l = o.output_dim;
  const double pieces = o.deep_output ? 2 : 1, v = o.target_vocab, mem = 2 * n;
  const double encoder = src_len * (2 * 3 * (e * n + n * n) + mem * a);
  const double per_target = 3 * h * (e + mem + h) + h * a + src_len * (a + mem) + pieces * l * (h + e + mem) + l * v;
  return encoder + tgt_len * per_target;
}

TEST(RnnBenchmark, MatmulPeakAndTrainingThroughput) {
  const int threads = env_int("MTBENCH_BENCH_THREADS", 2);
  const char* preset_env = std::getenv("MTBENCH_BENCH_PRESET");
  const std::string preset = preset_env ? preset_env : "quick";
  const int steps = env_int("MTBENCH_BENCH_STEPS", 20);
  neural::set_torch_threads(threads);
  auto x = torch::randn({1024, 1024}), y = torch::randn({1024, 1024});
  for (int i = 0; i < 3; ++i) torch::mm(x, y);
  int reps = 0;
  const auto t0 = Clock::now();
  while (since(t0) < 3.0) {
    torch::mm(x, y);
    ++reps;
  }
  const double peak = 2.0 * 1024 * 1024 * 1024 * reps / since(t0) / 1e9;
  std::printf("matmul_peak_gflops %.2f (threads %d)\n", peak, threads);

  RnnOptions options = parse_rnn_options("", preset, "bench");
  options.model.source_vocab = options.model.target_vocab = options.common.vocabulary.vocab_size;
  torch::manual_seed(1);
  RnnModel model(options.model);
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
  // Multi30k De-En with BPE: about 16 source and 15 target subwords per sentence.
  std::mt19937 rng(1);
  std::vector<neural::Example> examples;
  for (int i = 0; i < 4000; ++i) {
    std::normal_distribution<double> len(15, 4);
    neural::Example e;
    e.source.assign(static_cast<std::size_t>(std::clamp(len(rng) + 1, 3.0, 40.0)), 0);
    e.target.assign(static_cast<std::size_t>(std::clamp(len(rng), 3.0, 40.0)), 0);
    for (auto& t : e.source) t = 4 + static_cast<std::int64_t>(rng() % (options.model.source_vocab - 4));
    for (auto& t : e.target) t = 4 + static_cast<std::int64_t>(rng() % (options.model.target_vocab - 4));
    examples.push_back(e);
  }
  const auto batches = neural::make_batches(examples, options.common.trainer.batching, 1, 0);
  double seconds = 0, macs = 0;
  std::int64_t tokens = 0;
  for (int s = 0; s < steps + 2; ++s) {
    const auto& idx = batches[static_cast<std::size_t>(s) % batches.size()];
    const auto b = neural::collate(examples, idx, neural::SpecialIds{}, torch::kCPU);
    const auto start = Clock::now();
    {
      torch::AutoGradMode enable(true);
      auto logits = model->forward(b.source, b.source_mask, b.target_in);
      auto loss = torch::nn::functional::cross_entropy(
                      logits.reshape({-1, logits.size(-1)}), b.target_out.reshape({-1}),
                      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(3).reduction(torch::kSum)) /
                  static_cast<double>(b.target_tokens);
      adam.zero_grad();
      loss.backward();
      torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
      adam.step();
    }
    if (s < 2) continue;  // warm-up
    seconds += since(start);
    tokens += b.target_tokens;
    // Padded shapes are what the hardware computes.
    macs += static_cast<double>(b.source.size(0)) * forward_macs(options.model, static_cast<double>(b.source.size(1)),
                                                                 static_cast<double>(b.target_in.size(1)));
  }
  const double gflops = 3.0 * 2.0 * macs / seconds / 1e9;  // backward ~ 2x forward
  std::printf("preset %s: train_tokens_per_s %.0f  achieved_gflops %.2f  fraction_of_peak %.3f\n", preset.c_str(),
              static_cast<double>(tokens) / seconds, gflops, gflops / peak);

  model->eval();
  std::vector<const std::vector<std::int64_t>*> sources;
  for (int i = 0; i < 200; ++i) sources.push_back(&examples[static_cast<std::size_t>(i)].source);
  neural::DecodeOptions d;
  d.beam_size = 5;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < sources.size(); i += 64) {
    std::vector<const std::vector<std::int64_t>*> chunk(
        sources.begin() + static_cast<std::ptrdiff_t>(i),
        sources.begin() + static_cast<std::ptrdiff_t>(std::min(sources.size(), i + 64)));
    auto [src, mask] = neural::pad_sources(chunk, neural::SpecialIds{}, torch::kCPU);
    neural::beam_search(*model, src, mask, d);
  }
  std::printf("beam5_decode_sentences_per_s %.1f (untrained model: lengths hit the maximum)\n",
              static_cast<double>(sources.size()) / since(start));
  EXPECT_GT(peak, 0);
}

}  // namespace
}  // namespace mtbench::rnn_attention
#endif
