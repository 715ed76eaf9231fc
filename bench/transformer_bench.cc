// Benchmark (its own target transformer_bench, outside `all`; bench/transformer_bench.sh builds and runs it): fp32
// matmul peak of this machine, training throughput of the transformer on Multi30k-shaped batches with the fraction of
// the peak it reaches, and beam-5 decoding with cached incremental state against recomputing the prefix at every step.
//   cmake --build build --target transformer_bench && build/bench/transformer_bench
// Environment: MTBENCH_BENCH_THREADS (default 2), MTBENCH_BENCH_PRESET (quick|full|base, default
// full), MTBENCH_BENCH_NORM (post|pre, default the preset's), MTBENCH_BENCH_STEPS (default 20).
// Decoding uses an untrained model on synthetic sources unless MTBENCH_BENCH_MODEL names a
// trained transformer directory and MTBENCH_BENCH_SOURCES a file of source sentences.
#ifdef MTBENCH_HAVE_TORCH
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include "base/text_file.h"
#include "systems/neural/batching.h"
#include "systems/neural/decoding.h"
#include "systems/neural/threads.h"
#include "systems/neural/trainer.h"
#include "systems/neural/vocabulary.h"
#include "systems/transformer/transformer_options.h"
#include "systems/transformer/transformer_translator.h"

namespace mtbench::transformer {
namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v ? std::atoi(v) : fallback;
}
std::string env_string(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

// Forward multiply-accumulates of one padded pair, from the architecture (matrix products
// only: layer norms, softmax and element-wise work are not counted).
double forward_macs(const TransformerModelOptions& o, double s, double t) {
  const double d = o.dim, f = o.ffn_dim, v = o.target_vocab;
  const double encoder = o.encoder_layers * s * (4 * d * d + 2 * d * f + 2 * d * s);
  const double decoder = o.decoder_layers * (t * (6 * d * d + 2 * d * f + 2 * d * t + 2 * d * s) + s * 2 * d * d);
  return encoder + decoder + t * d * v;
}

double matmul_peak(int threads) {
  neural::set_torch_threads(threads);
  auto x = torch::randn({1024, 1024}), y = torch::randn({1024, 1024});
  for (int i = 0; i < 3; ++i) torch::mm(x, y);
  int reps = 0;
  const auto t0 = Clock::now();
  while (since(t0) < 3.0) {
    torch::mm(x, y);
    ++reps;
  }
  return 2.0 * 1024 * 1024 * 1024 * reps / since(t0) / 1e9;
}

// Multi30k De-En with BPE: about 16 source and 15 target subwords per sentence.
std::vector<neural::Example> synthetic_pairs(int vocab, int n) {
  std::mt19937 rng(1);
  std::vector<neural::Example> examples;
  for (int i = 0; i < n; ++i) {
    std::normal_distribution<double> len(15, 4);
    neural::Example e;
    e.source.assign(static_cast<std::size_t>(std::clamp(len(rng) + 1, 3.0, 40.0)), 0);
    e.target.assign(static_cast<std::size_t>(std::clamp(len(rng), 3.0, 40.0)), 0);
    for (auto& x : e.source) x = 4 + static_cast<std::int64_t>(rng() % (vocab - 4));
    for (auto& x : e.target) x = 4 + static_cast<std::int64_t>(rng() % (vocab - 4));
    examples.push_back(e);
  }
  return examples;
}

double decode_sentences_per_s(TransformerModel& model, const std::vector<std::vector<std::int64_t>>& sources,
                              bool incremental, std::vector<std::vector<std::int64_t>>* outputs) {
  model->set_incremental(incremental);
  neural::DecodeOptions d;
  d.beam_size = 5;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < sources.size(); i += 32) {
    std::vector<const std::vector<std::int64_t>*> chunk;
    for (std::size_t j = i; j < std::min(sources.size(), i + 32); ++j) chunk.push_back(&sources[j]);
    auto [src, mask] = neural::pad_sources(chunk, neural::SpecialIds{}, torch::kCPU);
    for (const auto& h : neural::beam_search(*model, src, mask, d)) outputs->push_back(h.front().tokens);
  }
  model->set_incremental(true);
  return static_cast<double>(sources.size()) / since(start);
}

TEST(TransformerBenchmark, MatmulPeakTrainingThroughputAndIncrementalDecoding) {
  const int threads = env_int("MTBENCH_BENCH_THREADS", 2);
  const std::string preset = env_string("MTBENCH_BENCH_PRESET", "full");
  const int steps = env_int("MTBENCH_BENCH_STEPS", 20);
  const double peak = matmul_peak(threads);
  std::printf("matmul_peak_gflops %.2f (threads %d)\n", peak, threads);

  TransformerOptions options = parse_transformer_options("", preset, "bench");
  if (std::getenv("MTBENCH_BENCH_NORM")) options.model.norm = env_string("MTBENCH_BENCH_NORM", "post");
  options.model.source_vocab = options.model.target_vocab = options.common.vocabulary.vocab_size;
  torch::manual_seed(1);
  TransformerModel model(options.model);
  model->train();
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(5e-4).betas({0.9, 0.98}).eps(1e-9));
  const auto examples = synthetic_pairs(options.model.target_vocab, 6000);
  const auto batches = neural::make_batches(examples, options.common.trainer.batching, 1, 0);
  double seconds = 0, macs = 0;
  std::int64_t tokens = 0;
  for (int s = 0; s < steps + 2; ++s) {
    const auto& idx = batches[static_cast<std::size_t>(s) % batches.size()];
    const auto b = neural::collate(examples, idx, neural::SpecialIds{}, torch::kCPU);
    const auto start = Clock::now();
    auto logits = model->forward(b.source, b.source_mask, b.target_in);
    auto loss = neural::summed_token_loss(logits, b.target_out, 3, options.common.trainer.label_smoothing) /
                static_cast<double>(b.target_tokens);
    adam.zero_grad();
    loss.backward();
    adam.step();
    if (s < 2) continue;  // warm-up
    seconds += since(start);
    tokens += b.target_tokens;
    // Padded shapes are what the hardware computes.
    macs += static_cast<double>(b.source.size(0)) * forward_macs(options.model, static_cast<double>(b.source.size(1)),
                                                                 static_cast<double>(b.target_in.size(1)));
  }
  const double gflops = 3.0 * 2.0 * macs / seconds / 1e9;  // backward ~ 2x forward
  std::printf("preset %s (%s-norm): train_tokens_per_s %.0f  achieved_gflops %.2f  fraction_of_peak %.3f\n",
              preset.c_str(), options.model.norm.c_str(), static_cast<double>(tokens) / seconds, gflops, gflops / peak);

  // Decoding: a trained model on real sentences when given, else this untrained one (whose
  // hypotheses run to the maximum length, the worst case for recomputation).
  std::vector<std::vector<std::int64_t>> sources;
  const std::string model_dir = env_string("MTBENCH_BENCH_MODEL", "");
  const std::string sources_file = env_string("MTBENCH_BENCH_SOURCES", "");
  TransformerTranslator translator;
  std::string what = "untrained model, synthetic sources";
  if (!model_dir.empty() && !sources_file.empty()) {
    translator.load(model_dir);
    model = translator.network();
    const auto vocab = neural::Vocabulary::load(model_dir);
    for (const auto& line : read_lines(sources_file)) {
      sources.push_back(vocab.encode_source(line));
      if (sources.size() == 256) break;
    }
    what = "trained model " + model_dir;
  } else {
    for (int i = 0; i < 64; ++i) sources.push_back(examples[static_cast<std::size_t>(i)].source);
  }
  model->eval();
  torch::NoGradGuard no_grad;
  std::vector<std::vector<std::int64_t>> cached_out, recomputed_out;
  const double cached = decode_sentences_per_s(model, sources, true, &cached_out);
  const double recomputed = decode_sentences_per_s(model, sources, false, &recomputed_out);
  std::printf(
      "beam5 decoding (%s, %zu sentences): decode_cached_sentences_per_s %.1f  "
      "decode_recompute_sentences_per_s %.1f  incremental_speedup %.2fx\n",
      what.c_str(), sources.size(), cached, recomputed, cached / recomputed);
  EXPECT_EQ(cached_out, recomputed_out);  // the cache changes the cost, not the result
  EXPECT_GT(peak, 0);
}

}  // namespace
}  // namespace mtbench::transformer
#endif
