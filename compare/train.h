#pragma once
// Training one model into a model directory: the one path both `mtbench train` and the
// compare pipeline's model cache take, so a model trained either way is the same directory.

#include <vector>

#include "systems/model_dir.h"
#include "systems/translator.h"

namespace mtbench::compare {

// Trains `translator` on `data` into options.model_dir and saves it there: an earlier
// manifest is removed first (the directory is incomplete until the end), then train(), then
// Translator::save and the manifest, last. The manifest records the languages, preset and
// system YAML of `options`, the segment counts of `data`, `training_files` and the wall time
// of train(). Returns the manifest as written.
ModelManifest train_model(Translator& translator, const TrainData& data, const TrainOptions& options,
                          const std::vector<TrainingFile>& training_files);

}  // namespace mtbench::compare
