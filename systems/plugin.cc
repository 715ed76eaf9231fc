#include "systems/plugin.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <utility>

#include <boost/dll/shared_library.hpp>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/plugin_api.h"

namespace mtbench {
namespace {

namespace fs = std::filesystem;
using Library = std::shared_ptr<boost::dll::shared_library>;

class Host final : public PluginHost {
 public:
  void progress_begin(Progress* progress, const std::string& stage, std::uint64_t total,
                      const std::string& unit) const override {
    if (progress) progress->begin(stage, total, unit);
  }
  void progress_advance(Progress* progress, std::uint64_t n) const override {
    if (progress) progress->advance(n);
  }
  void progress_end(Progress* progress, const std::string& summary) const override {
    if (progress) progress->end(summary);
  }
  void progress_log(Progress* progress, const std::string& message) const override {
    if (progress) progress->log(message);
  }
  void write_file_atomic(const fs::path& path, std::string_view content) const override {
    mtbench::write_file_atomic(path, content);
  }
  int api_version() const override { return MTBENCH_PLUGIN_API_VERSION; }
  std::string mtbench_version() const override { return MTBENCH_VERSION; }
};

const Host& host() {
  static const Host instance;
  return instance;
}

// Forwards to a plugin's translator and keeps the plugin's library loaded while it lives:
// the inner translator's code (including its destructor) is in that library. Members are
// destroyed in reverse order, so `inner_` goes before `library_`.
class PluginTranslator final : public Translator {
 public:
  PluginTranslator(Library library, std::unique_ptr<Translator> inner)
      : library_(std::move(library)), inner_(std::move(inner)) {}
  SystemInfo info() const override { return inner_->info(); }
  void train(const TrainData& data, const TrainOptions& options) override { inner_->train(data, options); }
  void save(const fs::path& dir) const override { inner_->save(dir); }
  void load(const fs::path& dir) override { inner_->load(dir); }
  std::vector<Translation> translate(const std::vector<std::string>& sources,
                                     const TranslateOptions& options) override {
    return inner_->translate(sources, options);
  }

 private:
  Library library_;                    // keeps the code of inner_ loaded
  std::unique_ptr<Translator> inner_;  // the plugin's object
};

// A factory made by the plugin (its std::function code lives in the library, too).
struct PluginFactory {
  Library library;                                      // declared first: destroyed last
  std::function<std::unique_ptr<Translator>()> create;  // the plugin's factory
};

// Collects what a plugin registers, so that a clash can refuse the whole plugin.
class CollectingRegistrar final : public PluginRegistrar {
 public:
  void add(const SystemInfo& info, std::function<std::unique_ptr<Translator>()> create) override {
    entries.push_back({info, std::move(create)});
  }
  const PluginHost& host() const override { return mtbench::host(); }

  std::vector<std::pair<SystemInfo, std::function<std::unique_ptr<Translator>()>>> entries;
};

// dlopen's own message (Boost.DLL resets dlerror() and reports only an errno-like code).
std::string dlopen_message(const fs::path& file) {
  void* handle = dlopen(file.c_str(), RTLD_LAZY | RTLD_LOCAL);
  if (handle) {
    dlclose(handle);
    return "unknown error";
  }
  const char* message = dlerror();
  return message ? message : "unknown error";
}

std::mutex g_mutex;                                                             // guards g_loaded
std::map<std::pair<const TranslatorRegistry*, fs::path>, PluginInfo> g_loaded;  // per registry

}  // namespace

std::string host_plugin_abi() {
  return MTBENCH_PLUGIN_ABI;
}

PluginInfo load_plugin(const fs::path& file, TranslatorRegistry& registry) {
  std::error_code ec;
  const fs::path path = fs::weakly_canonical(fs::absolute(file), ec);
  if (!fs::is_regular_file(path)) fail("plugin {} does not exist or is not a file", file.string());

  std::lock_guard<std::mutex> lock(g_mutex);
  const auto key = std::make_pair(&registry, path);
  if (auto it = g_loaded.find(key); it != g_loaded.end()) return it->second;

  boost::system::error_code load_error;
  auto library = std::make_shared<boost::dll::shared_library>(
      boost::dll::fs::path(path.string()), load_error,
      boost::dll::load_mode::rtld_lazy | boost::dll::load_mode::rtld_local);
  if (load_error || !library->is_loaded()) {
    fail("cannot load plugin {}: {}", path.string(), dlopen_message(path));
  }

  PluginInfo info;
  info.path = path;
  // 1. The API version, before any C++ of the plugin is called.
  if (!library->has("mtbench_plugin_api_version")) {
    fail(
        "{} is not an mtbench plugin: it has no mtbench_plugin_api_version() entry point "
        "(define the entry points with MTBENCH_PLUGIN from systems/plugin_api.h)",
        path.string());
  }
  info.api_version = library->get<MtbenchPluginApiVersionFn>("mtbench_plugin_api_version")();
  if (info.api_version != MTBENCH_PLUGIN_API_VERSION) {
    fail(
        "plugin {} was built against mtbench plugin API version {}, but this mtbench provides "
        "version {}{}; rebuild the plugin against this mtbench",
        path.string(), info.api_version, MTBENCH_PLUGIN_API_VERSION,
        info.api_version < MTBENCH_PLUGIN_API_VERSION
            ? " (version 2 added Translator::supports_pair; an older plugin's vtable does not match)"
            : "");
  }
  // 2. The compiler / standard library ABI fingerprint.
  if (!library->has("mtbench_plugin_abi") || !library->has("mtbench_plugin_register")) {
    fail(
        "plugin {} lacks the mtbench_plugin_abi() or mtbench_plugin_register() entry point "
        "(define the entry points with MTBENCH_PLUGIN from systems/plugin_api.h)",
        path.string());
  }
  const char* abi = library->get<MtbenchPluginAbiFn>("mtbench_plugin_abi")();
  info.abi = abi ? abi : "";
  const std::string host_abi = host_plugin_abi();
  if (info.abi != host_abi) {
    fail(
        "plugin {} was built with an incompatible compiler or interface layout ('{}'; this "
        "mtbench is '{}'); rebuild the plugin with the same compiler against this mtbench",
        path.string(), info.abi, host_abi);
  }
  // 3. Registration: collect first, so a name clash refuses the plugin as a whole.
  CollectingRegistrar registrar;
  try {
    library->get<MtbenchPluginRegisterFn>("mtbench_plugin_register")(&registrar);
  } catch (const std::exception& e) {
    fail("plugin {} failed to register its systems: {}", path.string(), e.what());
  }
  if (registrar.entries.empty()) fail("plugin {} registered no systems", path.string());
  for (const auto& [system, create] : registrar.entries) {
    if (system.name.empty()) fail("plugin {} registered a system without a name", path.string());
    if (!create) fail("plugin {} registered system '{}' without a factory", path.string(), system.name);
    if (registry.contains(system.name)) {
      fail("plugin {} registers system '{}', which is already registered from {}", path.string(), system.name,
           registry.entry(system.name).origin);
    }
  }
  for (auto& [system, create] : registrar.entries) {
    auto factory = std::make_shared<PluginFactory>(PluginFactory{library, std::move(create)});
    TranslatorEntry entry;
    entry.info = system;
    entry.origin = path.string();
    entry.create = [factory]() -> std::unique_ptr<Translator> {
      auto inner = factory->create();
      if (!inner) return nullptr;
      return std::make_unique<PluginTranslator>(factory->library, std::move(inner));
    };
    registry.add(std::move(entry));
    info.systems.push_back(system.name);
  }
  g_loaded.emplace(key, info);
  return info;
}

std::vector<PluginInfo> load_plugin_dir(const fs::path& dir, TranslatorRegistry& registry) {
  if (!fs::is_directory(dir)) fail("plugin directory {} does not exist", dir.string());
  std::vector<fs::path> files;
  for (const auto& item : fs::directory_iterator(dir)) {
    if (item.path().extension() == ".so" && fs::is_regular_file(item.path())) files.push_back(item.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<PluginInfo> out;
  for (const auto& file : files) out.push_back(load_plugin(file, registry));
  return out;
}

std::vector<fs::path> plugin_path_from_env() {
  std::vector<fs::path> out;
  const char* env = std::getenv("MTBENCH_PLUGIN_PATH");
  if (!env) return out;
  std::string value = env;
  std::size_t start = 0;
  while (start <= value.size()) {
    const std::size_t colon = std::min(value.find(':', start), value.size());
    if (colon > start) out.emplace_back(value.substr(start, colon - start));
    start = colon + 1;
  }
  return out;
}

std::vector<PluginInfo> load_plugins(const std::vector<fs::path>& dirs, TranslatorRegistry& registry) {
  std::vector<PluginInfo> out;
  for (const auto& dir : dirs) {
    auto loaded = load_plugin_dir(dir, registry);
    out.insert(out.end(), loaded.begin(), loaded.end());
  }
  for (const auto& dir : plugin_path_from_env()) {
    if (!fs::is_directory(dir)) continue;
    auto loaded = load_plugin_dir(dir, registry);
    out.insert(out.end(), loaded.begin(), loaded.end());
  }
  return out;
}

}  // namespace mtbench
