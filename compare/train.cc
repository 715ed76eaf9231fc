#include "compare/train.h"

#include <chrono>

#include "base/distributed_env.h"
#include "base/progress.h"

namespace mtbench::compare {

ModelManifest train_model(Translator& translator, const TrainData& data, const TrainOptions& options,
                          const std::vector<TrainingFile>& training_files) {
  ModelManifest manifest;
  manifest.source_lang = options.source_lang;
  manifest.target_lang = options.target_lang;
  manifest.preset = options.preset;
  manifest.config_yaml = options.config_yaml;
  manifest.train_segments = data.train_source.size();
  manifest.dev_segments = data.dev_source.size();
  manifest.training_files = training_files;

  // In data-parallel training only rank 0 writes the model directory.
  const bool writer = distributed_env().writer();
  if (writer) prepare_model_dir(options.model_dir);  // an earlier model's manifest goes first
  const auto start = std::chrono::steady_clock::now();
  translator.train(data, options);
  manifest.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!writer) return manifest;
  if (options.progress) options.progress->begin("save");
  manifest = save_model(translator, manifest, options.model_dir);
  if (options.progress) options.progress->end();
  return manifest;
}

}  // namespace mtbench::compare
