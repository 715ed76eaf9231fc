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

// train_model data-parallel over `nproc` processes on this host (`compare --nproc`): this
// process is rank 0 and trains in place (options.threads divided among the ranks); ranks
// 1..nproc-1 are `mtbench train SYSTEM` workers that read `data` from files written for them
// into `scratch` (removed afterwards) and write nothing. The start-up agreement check of the
// group proves they train on the same data and options. Error naming the worker that failed.
ModelManifest train_model_data_parallel(Translator& translator, const std::string& system, const TrainData& data,
                                        const TrainOptions& options, const std::vector<TrainingFile>& training_files,
                                        int nproc, const std::filesystem::path& scratch);

}  // namespace mtbench::compare
