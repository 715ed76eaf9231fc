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
};

// Training loss summed over the non-padding tokens: cross-entropy against the target
// distribution (1 - eps) one-hot + eps uniform over the vocabulary (label smoothing, Szegedy
// et al. 2016; Vaswani et al. 2017, 5.4). logits [batch, len, vocab], target [batch, len].
torch::Tensor summed_token_loss(const torch::Tensor& logits, const torch::Tensor& target, std::int64_t pad,
                                double label_smoothing);

class Trainer {
 public:
  Trainer(EncoderDecoder& model, TrainerOptions options, std::filesystem::path dir, torch::Device device,
          std::uint64_t seed, Progress* progress, SpecialIds ids = {});
  ~Trainer();

  // Trains; with `resume` continues from dir/checkpoints/last.pt when it exists. The model
  // holds the best validated parameters afterwards (the last ones without dev data).
  TrainResult train(const std::vector<Example>& train, const std::vector<Example>& dev, const TrainerHooks& hooks,
                    bool resume);

  // Cross-entropy per token of the examples (no update, eval mode, no label smoothing).
  double evaluate_loss(const std::vector<Example>& examples);

 private:
  struct State;
  double update(const Batch& batch);
  void set_learning_rate(double lr);
  double scheduled_learning_rate() const;
  void write_checkpoint(const std::filesystem::path& path, bool with_optimizer);
  void log_line(const nlohmann::json& line);  // appends to training_log.jsonl (systems/training_log.h)
  // Saves the current model as checkpoints/step-N.pt and removes all but the newest kept ones.
  void keep_step_checkpoint();
  // Replaces the model with the mean of the last options_.average_checkpoints step checkpoints
  // when that is at least as good on dev as the best single model.
  void average_last(const std::vector<Example>& dev, const TrainerHooks& hooks, bool use_bleu, TrainResult& result);

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
};

}  // namespace mtbench::neural
