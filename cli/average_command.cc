// `mtbench average MODEL_DIR [--last N] [CHECKPOINT ...]`: checkpoint averaging (Vaswani et al.
// 2017, sec. 6.1) of a trained transformer: model.pt becomes the element-wise mean of the given
// checkpoints, by default the last N validated ones the trainer kept (checkpoints/step-*.pt,
// see the keep_checkpoints option). Training can do the same itself (average_checkpoints).

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "cli/app.h"
#include "cli/validators.h"
#ifdef MTBENCH_HAVE_TORCH
#include "systems/model_dir.h"
#include "systems/neural/checkpoint_files.h"
#include "systems/neural/neural_module.h"
#endif

namespace mtbench::cli {
namespace {

struct AverageOptions {
  std::string model_dir;                 // a transformer model directory
  int last = 5;                          // average the last N checkpoints/step-*.pt
  std::vector<std::string> checkpoints;  // explicit files instead of --last
};

void run_average(const AverageOptions& o, const GlobalOptions& global) {
  apply_global_options(global);
  const std::filesystem::path dir = o.model_dir;
  if (!std::filesystem::exists(dir / "transformer.yaml"))
    fail<ConfigError>("{}: not a transformer model directory (no transformer.yaml)", dir.string());
  std::vector<std::filesystem::path> files(o.checkpoints.begin(), o.checkpoints.end());
  if (files.empty()) {
#ifdef MTBENCH_HAVE_TORCH
    files = neural::step_checkpoints(dir);
#endif
    if (files.empty())
      fail<ConfigError>("{}: no checkpoints/step-*.pt to average (train with keep_checkpoints: N, or name files)",
                        dir.string());
    if (static_cast<int>(files.size()) > o.last) files.erase(files.begin(), files.end() - o.last);
  }
  for (const auto& f : files)
    if (!std::filesystem::exists(f)) fail<ConfigError>("{}: no such checkpoint", f.string());
#ifdef MTBENCH_HAVE_TORCH
  Progress& progress = Progress::global();
  progress.begin("average");
  const auto n = neural::average_transformer_checkpoints(dir, files);
  if (std::filesystem::exists(dir / kModelManifestFile)) refresh_model_checksums(dir);  // the model changed on purpose
  progress.end(
      fmt::format("{} checkpoints -> {} (previous model kept as model.pt.bak)", n, (dir / "model.pt").string()));
#else
  fail<ConfigError>("this mtbench was built without LibTorch: no neural systems");
#endif
}

}  // namespace

void add_average_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<AverageOptions>();
  auto* cmd = app.add_subcommand("average", "Average checkpoints of a trained transformer into its model.pt");
  cmd->add_option("model_dir", options->model_dir, "Transformer model directory")->required();
  cmd->add_option("--last", options->last, "Average the last N kept checkpoints (checkpoints/step-*.pt)")
      ->check(integer_in(1, 100000));
  cmd->add_option("checkpoints", options->checkpoints, "Checkpoint files to average instead");
  cmd->callback([options, &global] { run_average(*options, global); });
}

}  // namespace mtbench::cli
