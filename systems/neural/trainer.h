#pragma once
// The shared training loop of the neural systems: Adam with gradient clipping, a learning
// rate schedule, teacher-forced cross-entropy (optionally label-smoothed), validation loss and
// dev BLEU, early stopping, best/last checkpoints and exact resumption.
//
// Files in the model directory: checkpoints/last.pt (model + optimizer + RNG + position,
// rewritten at every validation and on SIGINT), checkpoints/best.pt (model of the best
// validation), checkpoints/step-N.pt (the last keep_checkpoints validated models, for
// averaging), training_log.jsonl (one JSON object per log line or validation).
// Resuming restores parameters, Adam's moments, the schedule, the RNG and the position in the
// epoch's batch order (which depends only on seed and epoch), so the next update equals the
// one the interrupted run would have made.
//
// Data-parallel (a DataParallelGroup, systems/neural/distributed.h): every rank walks the same
// batch order; each global batch (the same token budget as one process) is split across the
// ranks (shard_batch), each rank's summed loss is divided by the global target-token count,
// gradients are summed over ranks, so every rank takes the update one process would take on
// the whole batch (up to floating-point summation order). Stop decisions (time budget,
// Ctrl-C) travel with the gradients; rank 0 alone validates, logs and writes checkpoints and
// sends the loop state to the others after each validation. A checkpoint records the world
// size; resuming with another number of processes continues the same batch order.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "systems/neural/batching.h"
#include "systems/neural/encoder_decoder.h"
#include "systems/neural/trainer_options.h"

namespace mtbench {
class Progress;
}
namespace mtbench::neural {
class DataParallelGroup;
}

namespace mtbench::neural {

// Callbacks into the system.
struct TrainerHooks {
  std::function<double()> dev_bleu;                // BLEU of the current model on the dev set (empty = none)
  std::function<void(std::int64_t)> after_update;  // called with the step number after each update
};

// What a training run did.
struct TrainResult {
  std::int64_t steps = 0;        // updates done in total (including resumed ones)
  std::int64_t epochs = 0;       // completed epochs
  double last_loss = 0;          // training loss per token of the last update
  double best_dev_loss = 0;      // dev cross-entropy per token at the best validation
  double best_dev_bleu = 0;      // dev BLEU at the best validation (0 without dev BLEU)
  double tokens_per_second = 0;  // target tokens per second over this run's updates
  double seconds = 0;            // wall time including resumed runs
  bool early_stopped = false;    // patience ran out
  std::string stop_reason;       // "max_epochs", "max_steps", "max_minutes", "patience"
  int averaged_checkpoints = 0;  // models averaged into the final one (0 = best single model)
  int world_size = 1;            // processes that trained (data parallelism)
  double allreduce_ms = 0;       // mean all-reduce time per update (data parallelism)
};

// Training loss summed over the non-padding tokens: cross-entropy against the target
// distribution (1 - eps) one-hot + eps uniform over the vocabulary (label smoothing, Szegedy
// et al. 2016; Vaswani et al. 2017, 5.4). logits [batch, len, vocab], target [batch, len].
torch::Tensor summed_token_loss(const torch::Tensor& logits, const torch::Tensor& target, std::int64_t pad,
                                double label_smoothing);

class Trainer {
 public:
  // With `group` (not null) this process is one rank of a data-parallel training; rank 0
  // writes into `dir`, the others write nothing.
  Trainer(EncoderDecoder& model, TrainerOptions options, std::filesystem::path dir, torch::Device device,
          std::uint64_t seed, Progress* progress, SpecialIds ids = {}, DataParallelGroup* group = nullptr);
  ~Trainer();

  // Trains; with `resume` continues from dir/checkpoints/last.pt when it exists. The model
  // holds the best validated parameters afterwards (the last ones without dev data).
  TrainResult train(const ExampleSet& train, const ExampleSet& dev, const TrainerHooks& hooks, bool resume);

  // Cross-entropy per token of the examples (no update, eval mode, no label smoothing).
  double evaluate_loss(const ExampleSet& examples);

 private:
  struct State;
  // One update on the global batches `batches` of `data` (one, or `accumulate` of them; this
  // rank's share of each when data-parallel) with `global_tokens` target tokens in all;
  // `votes` ([interrupt, time up]) are summed over the ranks with the gradients. Returns the
  // loss per target token.
  double update(const ExampleSet& data, const std::vector<const std::vector<std::size_t>*>& batches,
                std::int64_t global_tokens, std::array<double, 2>& votes);
  bool writer() const;  // writes files (not a data-parallel rank other than 0)
  void set_learning_rate(double lr);
  double scheduled_learning_rate() const;
  void write_checkpoint(const std::filesystem::path& path, bool with_optimizer);
  void log_line(const nlohmann::json& line);  // appends to training_log.jsonl (systems/training_log.h)
  // Saves the current model (dev score `metric`) as checkpoints/step-N.pt and removes all but
  // the kept ones: the newest, or with average_by: best the best on dev.
  void keep_step_checkpoint(double metric);
  // The step checkpoints average_checkpoints averages (last or best N of those kept).
  std::vector<std::filesystem::path> averaged_checkpoints() const;
  // Replaces the model with the mean of options_.average_checkpoints step checkpoints (the
  // last or the best) when that is at least as good on dev as the best single model.
  void average_last(const ExampleSet& dev, const TrainerHooks& hooks, bool use_bleu, TrainResult& result);

  EncoderDecoder& model_;                          // trained in place
  TrainerOptions options_;                         // as given
  std::filesystem::path dir_;                      // model directory
  torch::Device device_;                           // where tensors live
  std::uint64_t seed_;                             // data order and initialisation seed
  Progress* progress_;                             // may be null
  SpecialIds ids_;                                 // pad/bos/eos
  std::unique_ptr<torch::optim::Adam> optimizer_;  // over model_.module().parameters()
  std::unique_ptr<State> state_;                   // position, schedule and best-so-far
  nlohmann::json grad_norms_;                      // per layer, of the last update that logs (before clipping)
  DataParallelGroup* group_ = nullptr;             // data-parallel group, or null (one process)
  double allreduce_seconds_ = 0;                   // all-reduce time of this run's updates
  std::int64_t skipped_updates_ = 0;               // fp16: updates skipped for overflowing gradients
  bool skipped_last_ = false;                      // fp16: the last update was skipped
};

}  // namespace mtbench::neural
