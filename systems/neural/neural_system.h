#pragma once
// The steps every neural Translator shares (rnn-attention, transformer): subword vocabulary
// training (or reuse on --resume), encoding the corpus into id pairs, the dev-BLEU hook of the
// training loop and length-sorted batched decoding.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/batching.h"
#include "systems/neural/decoding.h"
#include "systems/neural/encoder_decoder.h"
#include "systems/neural/vocabulary.h"
#include "systems/translator.h"

namespace mtbench {
class Progress;
}

namespace mtbench::neural {

// The training corpus as subword ids.
struct EncodedData {
  std::vector<Example> train;  // pairs kept for training
  std::vector<Example> dev;    // every dev pair (aligned with TrainData::dev_*)
  std::size_t skipped = 0;     // training pairs dropped (empty or longer than the limit)
};

// Trains the subword model(s) and saves them into options.model_dir, or loads the saved ones
// when resuming.
Vocabulary prepare_vocabulary(const TrainData& data, const TrainOptions& options, const VocabularyOptions& vocabulary,
                              Progress& progress);

// Encodes the corpus; training pairs with an empty side or a side longer than max_length
// subwords are skipped (counted).
EncodedData encode_data(const Vocabulary& vocab, const TrainData& data, int max_length, Progress& progress);

// Called after each decoded batch with the positions (in `sources`) of its sentences, in the
// order they had in the batch.
using BatchDone = std::function<void(const std::vector<std::size_t>& positions)>;

// Decodes id sequences in batches of `batch_size`, longest first (little padding, memory peaks
// early); greedy when beam_size and nbest are 1, else beam search.
std::vector<std::vector<Hypothesis>> decode_sorted(EncoderDecoder& model, const std::vector<std::vector<std::int64_t>>& sources,
                                                   const DecodeOptions& options, int batch_size, const torch::Device& device,
                                                   Progress* progress, const BatchDone& batch_done = {});

// The training loop's dev-BLEU callback: greedy-decodes the first `sentences` dev sentences
// (0 = all) with `model` (decoding defaults, batch size and the device it lives on, read at
// each call) and scores the detokenized output against the dev references.
std::function<double()> dev_bleu_hook(const Vocabulary& vocab, const TrainData& data, const EncodedData& encoded,
                                      int sentences, EncoderDecoder& model, const DecodeOptions& defaults,
                                      int batch_size, const torch::Device& device);

// Decoding options of one translate() call: the system's defaults overridden by the call's
// beam size, n-best count (the beam is at least as wide) and explanation request.
DecodeOptions translate_decode_options(const DecodeOptions& defaults, const TranslateOptions& options);

// Applies the call's threads and moves `module` to the call's device when it lives elsewhere.
void prepare_translation(torch::nn::Module& module, torch::Device& current, const TranslateOptions& options);

// Writes the model files every neural system shares: vocabulary, options YAML (`config_name`),
// weights (model.pt) and model_stats.json.
void save_neural_model(const std::filesystem::path& dir, const Vocabulary& vocab, const std::string& config_name,
                       const std::string& config_yaml, const torch::nn::Module& module);

// Number of parameters of a module.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace mtbench::neural
