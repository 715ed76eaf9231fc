#include "systems/rnn_attention/rnn_translator.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "corpus/error.h"
#include "corpus/progress.h"
#include "corpus/text_file.h"
#include "systems/neural/batching.h"
#include "systems/model_dir.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/neural_system.h"
#include "systems/neural/threads.h"
#include "systems/neural/trainer.h"
#include "systems/rnn_attention/word_attention.h"

namespace mtbench::rnn {

SystemInfo RnnAttentionTranslator::static_info() {
  SystemInfo info;
  info.name = "rnn-attention";
  info.title = "RNN encoder-decoder with attention";
  info.era = "2014";
  info.year = 2014;
  info.paradigm = "neural";
  info.citation =
      "Bahdanau, Cho & Bengio (2014), Neural Machine Translation by Jointly Learning to Align and Translate, ICLR 2015";
  info.description =
      "RNNsearch: bidirectional GRU encoder, additive attention, GRU decoder with maxout deep output, over BPE "
      "subwords; Adam training with early stopping on dev BLEU, beam search with length normalization.";
  return info;
}

TranslatorEntry rnn_attention_translator_entry() {
  return builtin_entry<RnnAttentionTranslator>();
}

void RnnAttentionTranslator::build_model(const torch::Device& device) {
  options_.model.source_vocab = vocab_.source_size();
  options_.model.target_vocab = vocab_.target_size();
  options_.model.pad_id = neural::SpecialIds{}.pad;
  model_ = RnnModel(options_.model);
  model_->to(device);
  device_ = device;
}

void RnnAttentionTranslator::train(const TrainData& data, const TrainOptions& options) {
  options_ = parse_rnn_options(options.config_yaml, options.preset,
                               options.config_origin.empty() ? "rnn-attention options" : options.config_origin);
  neural::set_torch_threads(options.threads);
  torch::manual_seed(options.seed);
  const torch::Device device = resolve_device(options.device);
  Progress& progress = options.progress ? *options.progress : Progress::global();
  std::filesystem::create_directories(options.model_dir);
  vocab_ = neural::prepare_vocabulary(data, options, options_.common.vocabulary, progress);
  write_file_atomic(options.model_dir / "rnn.yaml", rnn_options_yaml(options_));
  const auto encoded = neural::encode_data(vocab_, data, options_.common.max_train_length, progress);

  build_model(device);
  neural::TrainerHooks hooks;
  const auto& t = options_.common.trainer;
  if (t.dev_bleu && !data.dev_source.empty())
    hooks.dev_bleu = neural::dev_bleu_hook(vocab_, data, encoded, t.dev_bleu_sentences, *model_,
                                           options_.common.decode, options_.common.translate_batch, device_);
  progress.log(fmt::format("rnn-attention: {} parameters, {} attention, device {}", neural::parameter_count(*model_),
                           options_.model.attention, device.str()));
  neural::Trainer trainer(*model_, t, options.model_dir, device, options.seed, &progress);
  const auto result = trainer.train(encoded.train, encoded.dev, hooks, options.resume);
  progress.log(fmt::format("trained {} updates in {} ({:.0f} target tokens/s), best dev loss {:.3f}, dev BLEU {:.2f}; "
                           "stopped by {}",
                           result.steps, format_duration(result.seconds), result.tokens_per_second,
                           result.best_dev_loss, result.best_dev_bleu, result.stop_reason));
}

void RnnAttentionTranslator::save(const std::filesystem::path& dir) const {
  if (!model_) fail("rnn-attention: nothing to save (train or load a model first)");
  neural::save_neural_model(dir, vocab_, "rnn.yaml", rnn_options_yaml(options_), *model_);
}

void RnnAttentionTranslator::load(const std::filesystem::path& dir) {
  const auto config = dir / "rnn.yaml";
  if (!std::filesystem::exists(config)) fail("{}: missing (not an rnn-attention model directory)", config.string());
  options_ = parse_rnn_options(read_file(config), "", config.string());
  vocab_ = neural::Vocabulary::load(dir);
  build_model(torch::kCPU);
  neural::load_module(dir / "model.pt", *model_, torch::kCPU);
  model_->eval();
}

std::vector<std::vector<neural::Hypothesis>> RnnAttentionTranslator::decode(
    const std::vector<std::vector<std::int64_t>>& sources, const neural::DecodeOptions& options, Progress* progress) {
  return neural::decode_sorted(*model_, sources, options, options_.common.translate_batch, device_, progress);
}

std::vector<Translation> RnnAttentionTranslator::translate(const std::vector<std::string>& sources,
                                                           const TranslateOptions& options) {
  if (!model_) fail("rnn-attention: no model (train or load one first)");
  neural::prepare_translation(*model_, device_, options);
  neural::DecodeOptions decode_options = neural::translate_decode_options(options_.common.decode, options);

  std::vector<std::vector<std::int64_t>> ids;
  ids.reserve(sources.size());
  for (const auto& s : sources) ids.push_back(vocab_.encode_source(s));
  if (options.progress) options.progress->begin("translate", sources.size(), "sent");
  const auto hyps = decode(ids, decode_options, options.progress);
  if (options.progress) options.progress->end();

  std::vector<Translation> out(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (hyps[i].empty()) continue;
    const auto& best = hyps[i].front();
    out[i].text = vocab_.decode_target(best.tokens);
    if (options.nbest > 0)
      for (const auto& h : hyps[i]) out[i].nbest.emplace_back(vocab_.decode_target(h.tokens), h.score);
    if (options.explain) {
      out[i].explanation = attention_explanation(vocab_.source_pieces(sources[i]), vocab_.target_pieces(best.tokens),
                                                 best.attention, best.attention_columns);
      out[i].explanation.scores = {{"log_prob", best.log_prob}, {"normalized_score", best.score}};
    }
  }
  return out;
}

}  // namespace mtbench::rnn
