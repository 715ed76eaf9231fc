#include "systems/neural/neural_system.h"

#include <algorithm>
#include <memory>
#include <numeric>

#include <fmt/format.h>

#include "corpus/error.h"
#include "corpus/progress.h"
#include "corpus/text_file.h"
#include "eval/bleu.h"
#include "systems/model_dir.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/threads.h"

namespace mtbench::neural {

Vocabulary prepare_vocabulary(const TrainData& data, const TrainOptions& options, const VocabularyOptions& vocabulary,
                              Progress& progress) {
  if (data.train_source.size() != data.train_target.size())
    fail<DataError>("{} source but {} target training segments", data.train_source.size(), data.train_target.size());
  if (options.resume && Vocabulary::exists(options.model_dir)) return Vocabulary::load(options.model_dir);
  progress.begin("subwords");
  auto vocab = Vocabulary::train(data.train_source, data.train_target, vocabulary, static_cast<unsigned>(options.seed),
                                 options.threads);
  vocab.save(options.model_dir);
  progress.end(fmt::format("{} source, {} target pieces{}", vocab.source_size(), vocab.target_size(),
                           vocab.joint() ? " (joint)" : ""));
  return vocab;
}

EncodedData encode_data(const Vocabulary& vocab, const TrainData& data, int max_length, Progress& progress) {
  const std::size_t total = data.train_source.size() + data.dev_source.size();
  progress.begin("encode", total, "sent");
  EncodedData out;
  const auto limit = static_cast<std::size_t>(max_length);
  for (std::size_t i = 0; i < data.train_source.size(); ++i) {
    Example e{vocab.encode_source(data.train_source[i]), vocab.encode_target(data.train_target[i])};
    if (e.source.empty() || e.target.empty() || e.source.size() > limit || e.target.size() > limit) {
      ++out.skipped;
      continue;
    }
    out.train.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < data.dev_source.size(); ++i)
    out.dev.push_back({vocab.encode_source(data.dev_source[i]), vocab.encode_target(data.dev_target[i])});
  progress.advance(total);
  progress.end(fmt::format("{} training pairs ({} empty or longer than {} subwords skipped), {} dev", out.train.size(),
                           out.skipped, limit, out.dev.size()));
  return out;
}

std::vector<std::vector<Hypothesis>> decode_sorted(EncoderDecoder& model, const std::vector<std::vector<std::int64_t>>& sources,
                                                   const DecodeOptions& options, int batch_size, const torch::Device& device,
                                                   Progress* progress, const BatchDone& batch_done) {
  model.module().eval();
  torch::NoGradGuard no_grad;
  std::vector<std::size_t> order(sources.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sources[a].size() > sources[b].size(); });
  std::vector<std::vector<Hypothesis>> out(sources.size());
  const auto batch = static_cast<std::size_t>(std::max(1, batch_size));
  for (std::size_t start = 0; start < order.size(); start += batch) {
    const std::size_t end = std::min(order.size(), start + batch);
    std::vector<const std::vector<std::int64_t>*> chunk;
    std::vector<std::size_t> positions(order.begin() + static_cast<std::ptrdiff_t>(start),
                                       order.begin() + static_cast<std::ptrdiff_t>(end));
    for (std::size_t i : positions) chunk.push_back(&sources[i]);
    auto [src, mask] = pad_sources(chunk, SpecialIds{}, device);
    if (options.beam_size == 1 && options.nbest == 1) {
      auto hyps = greedy_decode(model, src, mask, options);
      for (std::size_t i = start; i < end; ++i) out[order[i]] = {std::move(hyps[i - start])};
    } else {
      auto hyps = beam_search(model, src, mask, options);
      for (std::size_t i = start; i < end; ++i) out[order[i]] = std::move(hyps[i - start]);
    }
    if (batch_done) batch_done(positions);
    if (progress) progress->advance(end - start);
  }
  return out;
}

std::function<double()> dev_bleu_hook(const Vocabulary& vocab, const TrainData& data, const EncodedData& encoded,
                                      int sentences, EncoderDecoder& model, const DecodeOptions& defaults,
                                      int batch_size, const torch::Device& device) {
  const std::size_t n = sentences > 0 ? std::min<std::size_t>(encoded.dev.size(), static_cast<std::size_t>(sentences))
                                      : encoded.dev.size();
  std::vector<std::vector<std::int64_t>> ids;
  for (std::size_t i = 0; i < n; ++i) ids.push_back(encoded.dev[i].source);
  std::vector<std::string> refs(data.dev_target.begin(), data.dev_target.begin() + static_cast<std::ptrdiff_t>(n));
  auto bleu = std::make_shared<eval::Bleu>();
  bleu->set_references({refs});
  DecodeOptions greedy = defaults;
  greedy.beam_size = 1;
  greedy.nbest = 1;
  return [&vocab, &model, &device, ids, bleu, greedy, batch_size] {
    const auto hyps = decode_sorted(model, ids, greedy, batch_size, device, nullptr);
    std::vector<std::string> text;
    for (const auto& h : hyps) text.push_back(h.empty() ? std::string() : vocab.decode_target(h.front().tokens));
    return bleu->corpus_score(text).score;
  };
}

DecodeOptions translate_decode_options(const DecodeOptions& defaults, const TranslateOptions& options) {
  DecodeOptions d = defaults;
  if (options.beam_size > 0) d.beam_size = options.beam_size;
  d.nbest = std::max(1, options.nbest);
  d.beam_size = std::max(d.beam_size, d.nbest);
  d.attention = options.explain;
  return d;
}

void prepare_translation(torch::nn::Module& module, torch::Device& current, const TranslateOptions& options) {
  set_torch_threads(options.threads);
  const torch::Device device = resolve_device(options.device);
  if (device != current) {
    module.to(device);
    current = device;
  }
}

void save_neural_model(const std::filesystem::path& dir, const Vocabulary& vocab, const std::string& config_name,
                       const std::string& config_yaml, const torch::nn::Module& module) {
  vocab.save(dir);
  write_file_atomic(dir / config_name, config_yaml);
  save_module(dir / "model.pt", module);
  write_model_parameters(dir, static_cast<std::uint64_t>(parameter_count(module)));
}

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

}  // namespace mtbench::neural
