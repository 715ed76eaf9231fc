#include "systems/neural/neural_module.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <mutex>

#include "base/error.h"
#include "systems/neural/neural_module_api.h"

namespace mtbench::neural {
namespace {

std::atomic<int> g_threads{0};                       // requested LibTorch threads (0 = not set)
std::atomic<const NeuralModuleApi*> g_api{nullptr};  // the loaded module

std::vector<std::filesystem::path> candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("MTBENCH_NEURAL_MODULE"); env && *env) out.emplace_back(env);
#ifdef MTBENCH_NEURAL_MODULE_PATH
  out.emplace_back(MTBENCH_NEURAL_MODULE_PATH);  // the build tree
#endif
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / "libmtbench_neural.so");
    out.push_back(exe.parent_path().parent_path() / "lib" / "mtbench" / "libmtbench_neural.so");  // installed
  }
  return out;
}

const NeuralModuleApi& api() {
  static std::once_flag once;
  static std::string errors;
  std::call_once(once, [] {
    for (const auto& path : candidates()) {
      if (!std::filesystem::exists(path)) {
        errors += "\n  " + path.string() + ": not found";
        continue;
      }
      // No RTLD_DEEPBIND: the module's references to mtbench's own singletons (progress, the
      // registry) resolve to the executable's, which exports them.
      void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        errors += "\n  " + path.string() + ": " + dlerror();
        continue;
      }
      auto entry = reinterpret_cast<const NeuralModuleApi* (*)()>(dlsym(handle, kNeuralModuleEntryPoint));
      const NeuralModuleApi* table = entry ? entry() : nullptr;
      if (!table || table->version != kNeuralModuleVersion) {
        errors += "\n  " + path.string() + ": not a neural module of this mtbench build";
        continue;
      }
      if (const int threads = g_threads.load(); threads > 0) table->set_threads(threads);
      g_api = table;  // stays loaded for the life of the process
      return;
    }
  });
  const NeuralModuleApi* table = g_api.load();
  if (!table) {
    fail(
        "the neural systems need mtbench's neural module (libmtbench_neural.so with LibTorch), which could not be "
        "loaded; set MTBENCH_NEURAL_MODULE to its path. Looked at:{}",
        errors);
  }
  return *table;
}

}  // namespace

std::unique_ptr<Translator> create_neural_translator(const std::string& system_name) {
  Translator* translator = api().create(system_name.c_str());
  if (!translator) fail("the neural module has no system '{}'", system_name);
  return std::unique_ptr<Translator>(translator);
}

std::size_t average_checkpoints(const std::string& system_name, const std::filesystem::path& dir,
                                const std::vector<std::filesystem::path>& checkpoints) {
  return api().average(system_name.c_str(), dir, checkpoints);
}

void ensemble_translators(Translator& first, std::vector<std::unique_ptr<Translator>> members,
                          const std::vector<std::string>& names) {
  api().ensemble(first, members, names);
}

void set_neural_threads(int threads) {
  g_threads = threads;
  if (const NeuralModuleApi* table = g_api.load()) table->set_threads(threads);
}

void check_neural_device(const std::string& device) {
  const std::string problem = api().check_device(device.c_str());
  if (!problem.empty()) throw ConfigError(problem);
}

bool neural_module_loaded() {
  return g_api.load() != nullptr;
}

}  // namespace mtbench::neural
