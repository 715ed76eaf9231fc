#include <thread>

#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/neural_module.h"
#endif

#include "base/progress.h"
#include "cli/app.h"
#include "systems/builtin/builtin.h"
#include "systems/plugin.h"

namespace mtbench::cli {

int resolved_threads(const GlobalOptions& options) {
  if (options.threads > 0) return options.threads;
  const unsigned cores = std::thread::hardware_concurrency();
  return cores == 0 ? 1 : static_cast<int>(cores);
}

void apply_global_options(const GlobalOptions& options) {
  const int threads = resolved_threads(options);
#ifdef _OPENMP
  omp_set_num_threads(threads);
#endif
#ifdef MTBENCH_HAVE_TORCH
  // Debian's LibTorch starts with one intra-op thread; use what the user asked for.
  neural::set_neural_threads(threads);  // applied when the neural module loads
#endif
  Progress::set_global_mode(options.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  // Systems: the built-ins, then plugins from every --plugin-dir and MTBENCH_PLUGIN_PATH
  // (loading is idempotent per file, so calling this twice is harmless).
  register_builtin_translators();
  const std::vector<std::filesystem::path> dirs(options.plugin_dirs.begin(), options.plugin_dirs.end());
  for (const auto& plugin : load_plugins(dirs)) {
    if (options.verbose) {
      Progress::global().log("loaded plugin " + plugin.path.string() + " (API version " +
                             std::to_string(plugin.api_version) + ")");
    }
  }
}

}  // namespace mtbench::cli
