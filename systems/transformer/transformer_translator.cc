#include "systems/transformer/transformer_translator.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "corpus/error.h"
#include "corpus/progress.h"
#include "corpus/text_file.h"
#include "systems/model_dir.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/neural_system.h"
#include "systems/neural/threads.h"
#include "systems/neural/trainer.h"
#include "systems/transformer/transformer_explanation.h"

namespace mtbench::transformer {

SystemInfo TransformerTranslator::static_info() {
  SystemInfo info;
  info.name = "transformer";
  info.title = "Transformer";
  info.era = "2017";
  info.year = 2017;
  info.paradigm = "neural";
  info.citation = "Vaswani, Shazeer, Parmar, Uszkoreit, Jones, Gomez, Kaiser & Polosukhin (2017), Attention Is All "
                  "You Need, NeurIPS 2017";
  info.description =
      "Encoder-decoder built from multi-head self- and cross-attention with sinusoidal positional encodings, over a "
      "joint BPE vocabulary with shared embeddings; noam schedule, label smoothing, checkpoint averaging, beam search "
      "with cached incremental decoding.";
  return info;
}

TranslatorEntry transformer_translator_entry() { return builtin_entry<TransformerTranslator>(); }

void TransformerTranslator::build_model(const torch::Device& device) {
  options_.model.source_vocab = vocab_.source_size();
  options_.model.target_vocab = vocab_.target_size();
  options_.model.pad_id = neural::SpecialIds{}.pad;
  model_ = TransformerModel(options_.model);
  model_->to(device);
  device_ = device;
}

void TransformerTranslator::train(const TrainData& data, const TrainOptions& options) {
  options_ = parse_transformer_options(options.config_yaml, options.preset,
                                       options.config_origin.empty() ? "transformer options" : options.config_origin);
  neural::set_torch_threads(options.threads);
  torch::manual_seed(options.seed);
  const torch::Device device = neural::resolve_device(options.device);
  Progress& progress = options.progress ? *options.progress : Progress::global();
  std::filesystem::create_directories(options.model_dir);
  vocab_ = neural::prepare_vocabulary(data, options, options_.common.vocabulary, progress);
  write_file_atomic(options.model_dir / "transformer.yaml", transformer_options_yaml(options_));
  const auto encoded = neural::encode_data(vocab_, data, options_.common.max_train_length, progress);

  build_model(device);
  neural::TrainerHooks hooks;
  const auto& t = options_.common.trainer;
  if (t.dev_bleu && !data.dev_source.empty())
    hooks.dev_bleu = neural::dev_bleu_hook(vocab_, data, encoded, t.dev_bleu_sentences, *model_,
                                           options_.common.decode, options_.common.translate_batch, device_);
  const auto& m = options_.model;
  progress.log(fmt::format("transformer: {} parameters, d={} h={} ff={} layers {}+{}, {}-norm, device {}",
                           neural::parameter_count(*model_), m.dim, m.heads, m.ffn_dim, m.encoder_layers,
                           m.decoder_layers, m.norm, device.str()));
  neural::Trainer trainer(*model_, t, options.model_dir, device, options.seed, &progress);
  const auto result = trainer.train(encoded.train, encoded.dev, hooks, options.resume);
  progress.log(fmt::format("trained {} updates in {} ({:.0f} target tokens/s), best dev loss {:.3f}, dev BLEU {:.2f}{}; "
                           "stopped by {}",
                           result.steps, format_duration(result.seconds), result.tokens_per_second,
                           result.best_dev_loss, result.best_dev_bleu,
                           result.averaged_checkpoints > 0
                               ? fmt::format(" (average of {} checkpoints)", result.averaged_checkpoints)
                               : "",
                           result.stop_reason));
}

void TransformerTranslator::save(const std::filesystem::path& dir) const {
  if (!model_) fail("transformer: nothing to save (train or load a model first)");
  neural::save_neural_model(dir, vocab_, "transformer.yaml", transformer_options_yaml(options_), *model_);
}

void TransformerTranslator::load(const std::filesystem::path& dir) {
  const auto config = dir / "transformer.yaml";
  if (!std::filesystem::exists(config)) fail("{}: missing (not a transformer model directory)", config.string());
  options_ = parse_transformer_options(read_file(config), "", config.string());
  vocab_ = neural::Vocabulary::load(dir);
  build_model(torch::kCPU);
  neural::load_module(dir / "model.pt", *model_, torch::kCPU);
  model_->eval();
}

std::vector<Translation> TransformerTranslator::translate(const std::vector<std::string>& sources,
                                                          const TranslateOptions& options) {
  if (!model_) fail("transformer: no model (train or load one first)");
  neural::prepare_translation(*model_, device_, options);
  neural::DecodeOptions decode_options = neural::translate_decode_options(options_.common.decode, options);

  std::vector<std::vector<std::int64_t>> ids;
  ids.reserve(sources.size());
  std::size_t longest = 1;
  for (const auto& s : sources) {
    ids.push_back(vocab_.encode_source(s));
    longest = std::max(longest, ids.back().size());
  }
  std::vector<RecordedAttention> recorded(options.explain ? sources.size() : 0);
  neural::BatchDone batch_done;
  int batch_size = options_.common.translate_batch;
  if (options.explain) {
    // Room for every decoder step of the longest hypothesis (decoding.h's maximum length).
    const auto columns = static_cast<std::int64_t>(
        std::ceil(decode_options.max_length_a * static_cast<double>(longest)) + decode_options.max_length_b + 2);
    model_->set_recording(true, columns);
    batch_size = std::min(batch_size, 16);  // per-step attention of every hypothesis is kept: bound the memory
    batch_done = [&](const std::vector<std::size_t>& positions) {
      const auto& encoder = model_->encoder_attention();  // [batch, layers, heads, src, src]
      for (std::size_t b = 0; b < positions.size(); ++b) recorded[positions[b]].encoder = encoder[static_cast<std::int64_t>(b)];
    };
  }
  if (options.progress) options.progress->begin("translate", sources.size(), "sent");
  std::vector<std::vector<neural::Hypothesis>> hyps;
  try {
    hyps = neural::decode_sorted(*model_, ids, decode_options, batch_size, device_, options.progress, batch_done);
  } catch (...) {
    model_->set_recording(false);
    throw;
  }
  model_->set_recording(false);
  if (options.progress) options.progress->end();

  std::vector<Translation> out(sources.size());
  const auto& m = options_.model;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    if (hyps[i].empty() || ids[i].empty()) continue;  // an empty input translates to an empty line
    const auto& best = hyps[i].front();
    out[i].text = vocab_.decode_target(best.tokens);
    if (options.nbest > 0)
      for (const auto& h : hyps[i]) out[i].nbest.emplace_back(vocab_.decode_target(h.tokens), h.score);
    if (options.explain) {
      auto& r = recorded[i];
      r.source_pieces = vocab_.source_pieces(sources[i]);
      r.target_pieces = vocab_.target_pieces(best.tokens);
      const std::int64_t steps = best.attention_columns > 0
                                     ? static_cast<std::int64_t>(best.attention.size()) / best.attention_columns
                                     : 0;
      r.ended = steps > static_cast<std::int64_t>(best.tokens.size());
      r.decoder_rows = best.attention;
      r.columns = best.attention_columns;
      r.layers = m.decoder_layers;
      r.heads = m.heads;
      r.self_columns = model_->options().decoder_layers > 0 && r.columns > 0
                           ? r.columns / (r.layers * r.heads) - (r.encoder.defined() ? r.encoder.size(-1) : 0)
                           : 0;
      r.source_columns = r.encoder.defined() ? r.encoder.size(-1) : 0;
      torch::NoGradGuard no_grad;
      r.positions = model_->positional_encoding(
          std::max<std::int64_t>(static_cast<std::int64_t>(r.source_pieces.size()), steps));
      out[i].explanation = transformer_explanation(r, options_.explain_max_values);
      out[i].explanation.scores.insert(out[i].explanation.scores.begin(),
                                       {{"log_prob", best.log_prob}, {"normalized_score", best.score}});
      r = RecordedAttention();  // free as we go
    }
  }
  return out;
}

std::size_t average_transformer_checkpoints(const std::filesystem::path& dir,
                                            const std::vector<std::filesystem::path>& checkpoints) {
  TransformerTranslator translator;
  translator.load(dir);
  auto model = translator.model();
  neural::average_modules(checkpoints, *model, torch::kCPU);
  const auto target = dir / "model.pt";
  if (std::filesystem::exists(target))
    std::filesystem::copy_file(target, dir / "model.pt.bak", std::filesystem::copy_options::overwrite_existing);
  neural::save_module(target, *model);
  return checkpoints.size();
}

}  // namespace mtbench::transformer
