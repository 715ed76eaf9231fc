#pragma once
// Training checkpoints: one file holding the model, optionally the optimizer, the CPU random
// generator's state and the loop's position (JSON), written atomically (temporary file +
// rename) so an interruption never leaves a half-written checkpoint.

#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/checkpoint_files.h"

namespace mtbench::neural {

// Writes `module` (and `optimizer` when not null), the RNG state and `meta_json` to `path`.
void save_checkpoint(const std::filesystem::path& path, const torch::nn::Module& module,
                     torch::optim::Optimizer* optimizer, const std::string& meta_json);

// Reads a checkpoint into `module` (and `optimizer` when not null; Error if the file has none),
// restores the RNG state when `restore_rng`, and returns the meta JSON. Parameters are moved
// to `device`. Error naming the file when it is missing or unreadable.
std::string load_checkpoint(const std::filesystem::path& path, torch::nn::Module& module,
                            torch::optim::Optimizer* optimizer, bool restore_rng, const torch::Device& device);

// Writes only the module's parameters and buffers (a model file), atomically.
void save_module(const std::filesystem::path& path, const torch::nn::Module& module);
// Reads a file written by save_module (or the model part of a checkpoint) into `module`.
void load_module(const std::filesystem::path& path, torch::nn::Module& module, const torch::Device& device);

// Checkpoint averaging (Vaswani et al. 2017, sec. 6.1; Junczys-Dowmunt et al. 2016): loads every
// file of `paths` (model files or checkpoints of the same architecture) and leaves `module`
// holding the element-wise mean of their parameters and floating-point buffers.
void average_modules(const std::vector<std::filesystem::path>& paths, torch::nn::Module& module,
                     const torch::Device& device);

}  // namespace mtbench::neural
