#pragma once
// Names of training checkpoints in a model directory, without LibTorch (used by `mtbench
// average` before it loads the neural module).

#include <filesystem>
#include <vector>

namespace mtbench::neural {

// The per-validation model files checkpoints/step-N.pt of a model directory, oldest first.
std::vector<std::filesystem::path> step_checkpoints(const std::filesystem::path& model_dir);

}  // namespace mtbench::neural
