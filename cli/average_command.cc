// `mtbench average MODEL_DIR [--last N] [CHECKPOINT ...]`: checkpoint averaging (Vaswani et al.
// 2017, sec. 6.1) of a trained neural model (rnn-attention, rnn-encdec, transformer): model.pt
// becomes the element-wise mean of the given checkpoints, by default the last N validated ones
// the trainer kept (checkpoints/step-*.pt, see the keep_checkpoints option). Training can do the
// same itself (average_checkpoints); this command lets a user choose N on dev afterwards.

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
#include "systems/registry.h"
#endif

namespace mtbench::cli {
namespace {

struct AverageOptions {
  std::string model_dir;                 // a neural model directory
  int last = 5;                          // average the last N checkpoints/step-*.pt
  std::vector<std::string> checkpoints;  // explicit files instead of --last
};

void run_average(const AverageOptions& o, const GlobalOptions& global) {
  apply_global_options(global);
#ifdef MTBENCH_HAVE_TORCH
  const std::filesystem::path dir = o.model_dir;
  // The model must be whole and of a neural system before anything is read or replaced.
  const ModelManifest manifest = read_manifest(dir);
  const auto& registry = TranslatorRegistry::instance();
  if (!registry.contains(manifest.system) || registry.entry(manifest.system).info.paradigm != "neural")
    fail<ConfigError>(
        "{}: a '{}' model; only neural models (rnn-attention, rnn-encdec, transformer) have "
        "checkpoints to average",
        dir.string(), manifest.system);
  verify_model_files(dir, manifest);
  std::vector<std::filesystem::path> files(o.checkpoints.begin(), o.checkpoints.end());
  if (files.empty()) {
    files = neural::step_checkpoints(dir);
    if (files.empty())
      fail<ConfigError>("{}: no checkpoints/step-*.pt to average (train with keep_checkpoints: N, or name files)",
                        dir.string());
    if (static_cast<int>(files.size()) > o.last) files.erase(files.begin(), files.end() - o.last);
  }
  for (const auto& f : files)
    if (!std::filesystem::exists(f)) fail<ConfigError>("{}: no such checkpoint", f.string());
  Progress& progress = Progress::global();
  progress.begin("average");
  const auto n = neural::average_checkpoints(manifest.system, dir, files);
  refresh_model_checksums(dir);  // the model changed on purpose
  progress.end(fmt::format("{} checkpoints of the {} model -> {} (previous model kept as model.pt.bak)", n,
                           manifest.system, (dir / "model.pt").string()));
#else
  (void)o;
  fail<ConfigError>("this mtbench was built without LibTorch: no neural systems");
#endif
}

}  // namespace

void add_average_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<AverageOptions>();
  auto* cmd = app.add_subcommand("average", "Average checkpoints of a trained neural model into its model.pt");
  cmd->add_option("model_dir", options->model_dir,
                  "Model directory of a neural system (rnn-attention, rnn-encdec, transformer)")
      ->required();
  cmd->add_option("--last", options->last, "Average the last N kept checkpoints (checkpoints/step-*.pt)")
      ->check(integer_in(1, 100000));
  cmd->add_option("checkpoints", options->checkpoints, "Checkpoint files to average instead");
  cmd->callback([options, &global] { run_average(*options, global); });
}

}  // namespace mtbench::cli
