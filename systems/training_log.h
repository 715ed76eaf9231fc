#pragma once
// MODEL_DIR/training_log.jsonl, one owner for its format: the neural trainer appends one JSON
// object per event while it trains ("train" every log_every updates, "valid", "average",
// "end"), the compare pipeline reads the learning curve back for the report. Plugins may
// write the same file; the reader also accepts the common spellings other tools use.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mtbench {

// The file's name inside a model directory.
inline constexpr const char* kTrainingLogFile = "training_log.jsonl";

// Field names of a line, written by the trainer and read back here.
namespace training_log_keys {
inline constexpr const char* kType = "type";                     // "train", "valid", "average", "end"
inline constexpr const char* kStep = "step";                     // optimizer updates so far
inline constexpr const char* kEpoch = "epoch";                   // 1-based epoch
inline constexpr const char* kLoss = "loss";                     // training loss per target token
inline constexpr const char* kDevLoss = "dev_loss";              // validation loss per target token
inline constexpr const char* kDevBleu = "dev_bleu";              // greedy dev BLEU
inline constexpr const char* kLearningRate = "lr";               // learning rate of the update
inline constexpr const char* kTokensPerSecond = "tokens_per_s";  // target tokens per second
inline constexpr const char* kElapsed = "elapsed_s";             // training wall time so far
inline constexpr const char* kGradNorms = "grad_norms";  // "train": L2 norm of the gradient per layer, before clipping
}  // namespace training_log_keys

// One point of the learning curve.
struct TrainingLogPoint {
  std::uint64_t step = 0;                    // optimizer step
  double epoch = 0.0;                        // epoch
  std::optional<double> loss;                // training loss
  std::optional<double> dev_loss;            // validation loss
  std::optional<double> dev_bleu;            // dev BLEU
  std::optional<double> learning_rate;       // learning rate
  std::optional<double> tokens_per_second;   // throughput
  std::string type;                          // kType of the line ("train", "valid", "average", "end"; "" if none)
  std::string note;                          // "end": the stop reason; "average": "kept N" or "discarded N"
  std::map<std::string, double> grad_norms;  // "train": gradient norm per parameter group (layer)
};

// The parameter group (layer) a parameter's gradient norm is logged under: "encoder_layers.2"
// for "encoder_layers.2.self_attention.in_weight" (a numbered child keeps its number), else
// the first component ("source_embedding.weight" -> "source_embedding").
std::string parameter_group(const std::string& parameter_name);

// Appends `line` to DIR/training_log.jsonl (Error naming the file when it cannot).
void append_training_log(const std::filesystem::path& model_dir, const nlohmann::json& line);
// Removes DIR/training_log.jsonl (a training that starts from scratch).
void clear_training_log(const std::filesystem::path& model_dir);
// Reads DIR/training_log.jsonl; empty when absent. A line cut by an interruption is skipped.
std::vector<TrainingLogPoint> read_training_log(const std::filesystem::path& model_dir);

}  // namespace mtbench
