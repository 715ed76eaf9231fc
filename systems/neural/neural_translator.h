#pragma once
// One Translator for every neural system (rnn-attention, transformer): train, save, load and
// translate are written here once, in this order of steps:
//   train:     options (preset + YAML) -> subword vocabulary (reused on --resume) -> options
//              file -> corpus as ids -> network -> Trainer (dev-BLEU hook, checkpoints, log)
//   save/load: vocabulary, options file, model.pt, model_stats.json
//   translate: ids -> length-sorted batched greedy/beam decoding -> text, n-best, explanations
// A neural system supplies only what is its own: its options, its network and its
// explanations (the protected virtual functions below).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/decoding.h"
#include "systems/neural/encoder_decoder.h"
#include "systems/neural/trainer_options.h"
#include "systems/neural/vocabulary.h"
#include "systems/translator.h"

namespace mtbench::neural {

// Called after each decoded batch with the positions (in the call's sources) of its
// sentences, in the order they had in the batch.
using BatchDone = std::function<void(const std::vector<std::size_t>& positions)>;

class NeuralTranslator : public Translator {
 public:
  void train(const TrainData& data, const TrainOptions& options) final;
  void save(const std::filesystem::path& dir) const final;
  void load(const std::filesystem::path& dir) final;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) final;

  // Checkpoint averaging (Vaswani et al. 2017, sec. 6.1) of the model in `dir`: loads it, then
  // replaces dir/model.pt with the element-wise mean of `checkpoints` (model files or training
  // checkpoints of the same network; Error naming the file that does not fit). The previous
  // model.pt is kept as model.pt.bak. Returns the number of files averaged. `mtbench average`.
  std::size_t average_checkpoints(const std::filesystem::path& dir,
                                  const std::vector<std::filesystem::path>& checkpoints);

  // Ensemble decoding (systems/neural/ensemble.h): translate() then decodes with this model and
  // `members` together, with this model's decoding options (beam size, length penalty, maximum
  // length). Every member must be a loaded neural model with this model's subword vocabularies
  // (another architecture is fine); ConfigError naming the member (`names`: this model's name,
  // then one per member) otherwise. An ensemble gives no explanations (they belong to one model).
  void ensemble_with(std::vector<std::unique_ptr<Translator>> members, const std::vector<std::string>& names);

 protected:
  // ---- What a neural system supplies ----

  // File name of the system's options inside a model directory, e.g. "rnn.yaml".
  virtual std::string options_file() const = 0;
  // Parses `yaml` (may be empty) over `preset` into the system's options; errors name `origin`.
  virtual void set_options(const std::string& yaml, const std::string& preset, const std::string& origin) = 0;
  // Every option as YAML (round-trips through set_options).
  virtual std::string options_yaml() const = 0;
  // The options all neural systems share: vocabulary, trainer, decoding defaults, batch sizes.
  virtual const CommonOptions& common_options() const = 0;
  // Builds the network from the options for these vocabulary sizes and returns it; the
  // system owns it (a TORCH_MODULE holder), this class moves it between devices.
  virtual EncoderDecoder& build_network(std::int64_t source_vocab, std::int64_t target_vocab, std::int64_t pad_id) = 0;
  // What the training log says of the network, e.g. "d=256 h=4 ff=1024 layers 3+3, post-norm".
  virtual std::string describe_network() const = 0;
  // Explanations of a translate() call with explain=true: begin_explaining() runs before
  // decoding (it may switch on recording, bound `batch_size` and set a per-batch callback),
  // end_explaining() after it (also when decoding threw), then explain() per non-empty
  // sentence with its best hypothesis (decoded with attention).
  virtual void begin_explaining(const std::vector<std::vector<std::int64_t>>& sources, const DecodeOptions& decode,
                                int& batch_size, BatchDone& batch_done);
  virtual void end_explaining();
  virtual Explanation explain(std::size_t index, const std::string& source, const Hypothesis& best) = 0;

  // The subword vocabulary (trained or loaded), for explain().
  const Vocabulary& vocabulary() const { return vocab_; }

 private:
  void build(const torch::Device& device);

  Vocabulary vocab_;                                         // subword model(s)
  std::vector<std::unique_ptr<NeuralTranslator>> ensemble_;  // further members of an ensemble (ensemble_with)
  EncoderDecoder* network_ = nullptr;                        // owned by the system; null before train/load
  torch::Device device_{torch::kCPU};                        // where network_ lives
};

// Decodes id sequences in batches of `batch_size`, longest first (little padding, memory
// peaks early); greedy when beam_size and nbest are 1, else beam search.
std::vector<std::vector<Hypothesis>> decode_sorted(EncoderDecoder& model,
                                                   const std::vector<std::vector<std::int64_t>>& sources,
                                                   const DecodeOptions& options, int batch_size,
                                                   const torch::Device& device, Progress* progress,
                                                   const BatchDone& batch_done = {});

// Number of parameters of a module.
std::int64_t parameter_count(const torch::nn::Module& module);

}  // namespace mtbench::neural
