#include "systems/neural/neural_translator.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <numeric>
#include <thread>

#include <fmt/format.h>

#include "base/distributed_env.h"
#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "base/time.h"
#include "eval/bleu.h"
#include "systems/model_dir.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/distributed.h"
#include "systems/neural/ensemble.h"
#include "systems/neural/threads.h"
#include "systems/neural/trainer.h"

namespace mtbench::neural {
namespace {

// The encoded training pairs, beside the checkpoints: training state, not part of the model
// (outside its manifest), kept for --resume and later runs into the same directory.
constexpr const char* kTokenFile = "checkpoints/train-tokens.bin";

// The training corpus as subword ids.
struct EncodedData {
  ExampleSet train;              // pairs kept for training (mapped from the token file when there is one)
  std::vector<Example> dev;      // every dev pair (aligned with TrainData::dev_*), for the BLEU hook
  ExampleSet dev_set;            // the same, for the trainer
  bool from_token_file = false;  // train was mapped from an earlier run's token file
  std::string token_key;         // the token file's key (what its ids depend on)
  std::int64_t id_limit = 0;     // ids in the token file are below this
};

// Trains the subword model(s) and saves them into options.model_dir (when `save`: rank 0 of a
// data-parallel group), or loads the saved ones when resuming.
Vocabulary prepare_vocabulary(const TrainData& data, const TrainOptions& options, const VocabularyOptions& vocabulary,
                              Progress& progress, bool save) {
  if (data.train_source.size() != data.train_target.size())
    fail<DataError>("{} source but {} target training segments", data.train_source.size(), data.train_target.size());
  if (options.resume && Vocabulary::exists(options.model_dir)) return Vocabulary::load(options.model_dir);
  progress.begin("subwords");
  auto vocab = Vocabulary::train(data.train_source, data.train_target, vocabulary, static_cast<unsigned>(options.seed),
                                 options.threads);
  if (save) vocab.save(options.model_dir);
  progress.end(fmt::format("{} source, {} target pieces{}", vocab.source_size(), vocab.target_size(),
                           vocab.joint() ? " (joint)" : ""));
  return vocab;
}

// The token file's key: what its ids depend on (format, vocabulary, length limit, corpus).
std::string token_file_key(const Vocabulary& vocab, const TrainData& data, int max_length) {
  Sha256 sha;
  sha.update("MTBTOK1");
  sha.update(vocab.fingerprint());
  sha.update(std::to_string(max_length));
  for (const auto* side : {&data.train_source, &data.train_target}) {
    const std::int64_t lines = static_cast<std::int64_t>(side->size());
    sha.update(&lines, sizeof lines);
    for (const auto& line : *side) {
      const std::int64_t length = static_cast<std::int64_t>(line.size());
      sha.update(&length, sizeof length);
      sha.update(line);
    }
  }
  return sha.hex_digest();
}

// Encodes the training pairs [begin, end); pairs with an empty side or a side longer than max_length
// subwords are skipped (counted). Sentences are independent: each thread encodes a contiguous
// share into its own flat set, joined in corpus order, so the result does not depend on the
// thread count.
ExampleSet encode_pairs(const Vocabulary& vocab, const TrainData& data, std::size_t begin, std::size_t end,
                        int max_length, int threads, Progress& progress) {
  const auto limit = static_cast<std::size_t>(max_length);
  const std::size_t n = end - begin;
  const int workers =
      static_cast<int>(std::max<std::size_t>(1, std::min<std::size_t>(std::max(1, threads), n / 1000 + 1)));
  std::vector<ExampleSet> shares(workers);
  std::vector<std::uint64_t> skipped(workers, 0);
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(workers);
  for (int w = 0; w < workers; ++w)
    pool.emplace_back([&, w] {
      try {
        for (std::size_t i = begin + n * w / workers; i < begin + n * (w + 1) / workers; ++i) {
          const auto source = vocab.encode_source(data.train_source[i]);
          const auto target = vocab.encode_target(data.train_target[i]);
          if (source.empty() || target.empty() || source.size() > limit || target.size() > limit)
            ++skipped[w];
          else
            shares[w].push_back(source, target);
          if ((i & 1023) == 0) progress.advance(1024);
        }
      } catch (...) {
        errors[w] = std::current_exception();  // nothing escapes a thread
      }
    });
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  ExampleSet out;
  std::uint64_t total_skipped = 0;
  for (int w = 0; w < workers; ++w) {
    out.append(shares[w]);
    shares[w] = ExampleSet();  // free as we go
    total_skipped += skipped[w];
  }
  out.set_skipped(total_skipped);
  return out;
}

// The training pairs from the token file in the model directory when it holds this corpus
// encoded with this vocabulary (a resumed or repeated run, another rank), else encoded here;
// the writer (rank 0) then writes the token file and trains from its map, so the pairs cost
// page cache rather than heap, and the pages are let go as training moves on.
EncodedData encode_data(const Vocabulary& vocab, const TrainData& data, const std::filesystem::path& model_dir,
                        int max_length, int threads, bool writer, Progress& progress) {
  const std::size_t total = data.train_source.size() + data.dev_source.size();
  progress.begin("encode", total, "sent");
  EncodedData out;
  const auto token_file = model_dir / kTokenFile;
  out.token_key = token_file_key(vocab, data, max_length);
  out.id_limit = std::max(vocab.source_size(), vocab.target_size());
  const std::string& key = out.token_key;
  const std::int64_t id_limit = out.id_limit;
  // The token file is a cache: a damaged one (a disk error, an edit) is reported and rebuilt,
  // never trusted and never a reason to stop.
  std::optional<ExampleSet> cached;
  try {
    cached = ExampleSet::open(token_file, key, id_limit);
  } catch (const DataError& e) {
    progress.log(fmt::format("{} (encoding the corpus again)", e.what()));
  }
  if (cached) {
    out.train = std::move(*cached);
    out.from_token_file = true;
  } else {
    const std::size_t n = data.train_source.size();
    if (!writer) {
      out.train = encode_pairs(vocab, data, 0, n, max_length, threads, progress);
    } else {
      // In chunks streamed to the token file: the heap never holds the encoded corpus (at 1M
      // pairs the stage's peak went from 0.98 to 0.75 GB).
      constexpr std::size_t kChunk = 65536;
      TokenFileWriter file(token_file);
      std::uint64_t skipped = 0;
      for (std::size_t begin = 0; begin < n; begin += kChunk) {
        const ExampleSet chunk =
            encode_pairs(vocab, data, begin, std::min(n, begin + kChunk), max_length, threads, progress);
        file.add(chunk);
        skipped += chunk.skipped();
      }
      file.commit(key, skipped);
      auto reopened = ExampleSet::open(token_file, key, id_limit);
      if (!reopened) fail("{}: the token file just written does not read back", token_file.string());
      out.train = std::move(*reopened);
    }
  }
  for (std::size_t i = 0; i < data.dev_source.size(); ++i)
    out.dev.push_back({vocab.encode_source(data.dev_source[i]), vocab.encode_target(data.dev_target[i])});
  out.dev_set = ExampleSet(out.dev);
  progress.end(fmt::format("{} training pairs ({} empty or longer than {} subwords skipped){}, {} dev",
                           out.train.size(), out.train.skipped(), max_length,
                           out.from_token_file ? fmt::format(", from {}", token_file.string()) : "", out.dev.size()));
  return out;
}

// The training loop's dev-BLEU callback: greedy-decodes the first `sentences` dev sentences
// (0 = all) with `model` on `device` and scores the detokenized output against the dev references.
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

// Decoding options of one translate() call: the system's defaults overridden by the call's
// beam size, n-best count (the beam is at least as wide) and explanation request.
DecodeOptions translate_decode_options(const DecodeOptions& defaults, const TranslateOptions& options) {
  DecodeOptions d = defaults;
  if (options.beam_size > 0) d.beam_size = options.beam_size;
  d.nbest = std::max(1, options.nbest);
  d.beam_size = std::max(d.beam_size, d.nbest);
  d.attention = options.explain;
  return d;
}

}  // namespace

std::vector<std::vector<Hypothesis>> decode_sorted(EncoderDecoder& model,
                                                   const std::vector<std::vector<std::int64_t>>& sources,
                                                   const DecodeOptions& options, int batch_size,
                                                   const torch::Device& device, Progress* progress,
                                                   const BatchDone& batch_done) {
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

std::int64_t parameter_count(const torch::nn::Module& module) {
  std::int64_t n = 0;
  for (const auto& p : module.parameters()) n += p.numel();
  return n;
}

void NeuralTranslator::build(const torch::Device& device) {
  network_ = &build_network(vocab_.source_size(), vocab_.target_size(), SpecialIds{}.pad);
  network_->module().to(device);
  device_ = device;
}

void NeuralTranslator::train(const TrainData& data, const TrainOptions& options) {
  const std::string name = info().name;
  set_options(options.config_yaml, options.preset,
              options.config_origin.empty() ? name + " options" : options.config_origin);
  set_torch_threads(options.threads);
  torch::manual_seed(options.seed);
  torch::Device device = resolve_device(options.device);
  const DistributedEnv env = distributed_env();
  if (env.distributed() && device.is_cuda())  // one GPU per local rank, as torchrun's users expect
    device = torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(env.local_rank % torch::cuda::device_count()));
  // Joins the data-parallel group (blocks until every rank is there) when WORLD_SIZE > 1.
  const auto joined = join_data_parallel_group(device);
  DataParallelGroup* group = joined.get();
  const bool writer = group == nullptr || group->writer();
  Progress& progress = options.progress ? *options.progress : Progress::global();
  if (writer) std::filesystem::create_directories(options.model_dir);
  const CommonOptions& common = common_options();
  // The subword trainer's tables (hundreds of MB on a large sample) in an arena of their own.
  vocab_ = on_own_arena([&] { return prepare_vocabulary(data, options, common.vocabulary, progress, writer); });
  release_free_memory();  // the subword trainer's heap (hundreds of MB on a large sample)
  if (writer) write_file_atomic(options.model_dir / options_file(), options_yaml());
  auto encoded =
      encode_data(vocab_, data, options.model_dir, common.max_train_length, options.threads, writer, progress);
  if (group) {
    // Every rank must train the same thing; refused at start-up rather than averaged silently.
    group->check_agreement({{"mtbench version", MTBENCH_VERSION},
                            {"system", name},
                            {"options", sha256_hex(options_yaml())},
                            {"seed", std::to_string(options.seed)},
                            {"vocabulary sizes", fmt::format("{}/{}", vocab_.source_size(), vocab_.target_size())},
                            {"training data", encoded.train.hash()},
                            {"dev data", encoded.dev_set.hash()}});
    // Rank 0 wrote the token file before it got here: ranks that encoded for themselves map it
    // instead (when they share its file system), so a host holds the pairs once.
    if (!group->writer() && !encoded.train.mapped()) {
      if (auto mapped = ExampleSet::open(options.model_dir / kTokenFile, encoded.token_key, encoded.id_limit))
        encoded.train = std::move(*mapped);
    }
    progress.log(fmt::format("data-parallel training: {} processes ({} backend), this is rank {}", group->world_size(),
                             group->backend(), group->rank()));
  }

  // The raw training text is not needed any more (the dev text is, for validation).
  if (data.release_training_text) data.release_training_text();
  release_free_memory();  // the freed training text and the encoder's shares

  build(device);
  TrainerHooks hooks;
  const auto& t = common.trainer;
  if (writer && t.dev_bleu && !data.dev_source.empty())
    hooks.dev_bleu = dev_bleu_hook(vocab_, data, encoded, t.dev_bleu_sentences, *network_, common.decode,
                                   common.translate_batch, device_);
  progress.log(fmt::format("{}: {} parameters, {}, device {}", name, parameter_count(network_->module()),
                           describe_network(), device.str()));
  Trainer trainer(*network_, t, options.model_dir, device, options.seed, &progress, SpecialIds{}, group);
  const auto result = trainer.train(encoded.train, encoded.dev_set, hooks, options.resume);
  if (result.world_size > 1)
    progress.log(fmt::format("{} processes: all-reduce {:.1f} ms per update", result.world_size, result.allreduce_ms));
  progress.log(fmt::format(
      "trained {} updates in {}{}, best dev loss {:.3f}{}{}; "
      "stopped by {}",
      result.steps, format_duration(result.seconds),
      // A resumed run whose budget was already spent made no update: no rate to state.
      result.tokens_per_second > 0 ? fmt::format(" ({:.0f} target tokens/s)", result.tokens_per_second) : "",
      result.best_dev_loss, hooks.dev_bleu ? fmt::format(", dev BLEU {:.2f}", result.best_dev_bleu) : std::string(),
      result.averaged_checkpoints > 0 ? fmt::format(" (average of {} checkpoints)", result.averaged_checkpoints) : "",
      result.stop_reason));
}

void NeuralTranslator::save(const std::filesystem::path& dir) const {
  if (!network_) fail("{}: nothing to save (train or load a model first)", info().name);
  vocab_.save(dir);
  write_file_atomic(dir / options_file(), options_yaml());
  save_module(dir / "model.pt", network_->module());
  write_model_parameters(dir, static_cast<std::uint64_t>(parameter_count(network_->module())));
  // The report's cards and its pre-LN vs post-LN section read the architecture from here.
  write_model_summary(dir, describe_network());
}

void NeuralTranslator::load(const std::filesystem::path& dir) {
  const auto config = dir / options_file();
  if (!std::filesystem::exists(config))
    fail("{}: missing (no {} model in {})", config.string(), info().name, dir.string());
  set_options(read_file(config), "", config.string());
  vocab_ = Vocabulary::load(dir);
  build(torch::kCPU);
  load_module(dir / "model.pt", network_->module(), torch::kCPU);
  network_->module().eval();
}

std::size_t NeuralTranslator::average_checkpoints(const std::filesystem::path& dir,
                                                  const std::vector<std::filesystem::path>& checkpoints) {
  if (checkpoints.empty()) fail<ConfigError>("{}: no checkpoints to average", dir.string());
  load(dir);
  average_modules(checkpoints, network_->module(), torch::kCPU);
  const auto target = dir / "model.pt";
  std::filesystem::copy_file(target, dir / "model.pt.bak", std::filesystem::copy_options::overwrite_existing);
  save_module(target, network_->module());
  return checkpoints.size();
}

void NeuralTranslator::ensemble_with(std::vector<std::unique_ptr<Translator>> members,
                                     const std::vector<std::string>& names) {
  if (names.size() != members.size() + 1)
    fail("ensemble_with: {} names for {} models", names.size(), members.size() + 1);
  if (!network_) fail<ConfigError>("{}: no model to ensemble (load one first)", names[0]);
  const std::string fingerprint = vocab_.fingerprint();
  for (std::size_t i = 0; i < members.size(); ++i) {
    auto* neural = dynamic_cast<NeuralTranslator*>(members[i].get());
    if (!neural) fail<ConfigError>("{}: not a neural model; an ensemble decodes neural models only", names[i + 1]);
    if (!neural->network_) fail<ConfigError>("{}: no model loaded", names[i + 1]);
    if (neural->vocab_.fingerprint() != fingerprint)
      fail<ConfigError>(
          "{}: its subword vocabularies differ from those of {} ({}/{} pieces against {}/{}); an ensemble's "
          "members must share them (train them with the same vocabulary options on the same data)",
          names[i + 1], names[0], neural->vocab_.source_size(), neural->vocab_.target_size(), vocab_.source_size(),
          vocab_.target_size());
  }
  // All checked: only now does this model take them (a refused ensemble leaves it as it was).
  for (auto& m : members) ensemble_.emplace_back(static_cast<NeuralTranslator*>(m.release()));
}

void NeuralTranslator::begin_explaining(const std::vector<std::vector<std::int64_t>>&, const DecodeOptions&, int&,
                                        BatchDone&) {}

void NeuralTranslator::end_explaining() {}

std::vector<Translation> NeuralTranslator::translate(const std::vector<std::string>& sources,
                                                     const TranslateOptions& options) {
  if (!network_) fail("{}: no model (train or load one first)", info().name);
  if (!ensemble_.empty() && options.explain)
    fail<ConfigError>("explanations belong to one model: translate with an ensemble of {} models without them",
                      ensemble_.size() + 1);
  set_torch_threads(options.threads);
  const torch::Device device = resolve_device(options.device);
  if (device != device_) {
    network_->module().to(device);
    device_ = device;
  }
  std::vector<EncoderDecoder*> networks = {network_};
  for (auto& m : ensemble_) {
    if (m->device_ != device) {
      m->network_->module().to(device);
      m->device_ = device;
    }
    networks.push_back(m->network_);
  }
  EnsembleModel ensemble(networks);
  EncoderDecoder& model = ensemble_.empty() ? *network_ : ensemble;
  const DecodeOptions decode = translate_decode_options(common_options().decode, options);
  std::vector<std::vector<std::int64_t>> ids;
  ids.reserve(sources.size());
  for (const auto& s : sources) ids.push_back(vocab_.encode_source(s));

  int batch_size = common_options().translate_batch;
  BatchDone batch_done;
  if (options.explain) begin_explaining(ids, decode, batch_size, batch_done);
  if (options.progress) options.progress->begin("translate", sources.size(), "sent");
  std::vector<std::vector<Hypothesis>> hyps;
  try {
    hyps = decode_sorted(model, ids, decode, batch_size, device_, options.progress, batch_done);
  } catch (...) {
    if (options.explain) end_explaining();
    throw;
  }
  if (options.explain) end_explaining();
  if (options.progress) options.progress->end();

  std::vector<Translation> out(sources.size());
  for (std::size_t i = 0; i < sources.size(); ++i) {
    // An empty input translates to an empty line. (The rnn-attention system used to decode
    // an empty source from its initial state; both systems now agree.)
    if (hyps[i].empty() || ids[i].empty()) continue;
    const auto& best = hyps[i].front();
    out[i].text = vocab_.decode_target(best.tokens);
    if (options.nbest > 0)
      for (const auto& h : hyps[i]) out[i].nbest.emplace_back(vocab_.decode_target(h.tokens), h.score);
    if (options.explain) {
      out[i].explanation = explain(i, sources[i], best);
      out[i].explanation.scores.insert(out[i].explanation.scores.begin(),
                                       {{"log_prob", best.log_prob}, {"normalized_score", best.score}});
    }
  }
  return out;
}

}  // namespace mtbench::neural
