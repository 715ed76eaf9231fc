#pragma once
// Loading system plugins (shared libraries, see systems/plugin_api.h) with Boost.DLL into
// the TranslatorRegistry. Each library stays loaded as long as a registry entry or a
// translator created from it lives.

#include <filesystem>
#include <string>
#include <vector>

#include "systems/registry.h"

namespace mtbench {

// What one loaded plugin provided.
struct PluginInfo {
  std::filesystem::path path;        // canonical path of the shared library
  int api_version = 0;               // the plugin's MTBENCH_PLUGIN_API_VERSION
  std::string abi;                   // the plugin's ABI fingerprint (equal to the host's)
  std::vector<std::string> systems;  // names of the systems it registered
};

// The host's ABI fingerprint (what mtbench_plugin_abi() must return).
std::string host_plugin_abi();

// Loads one plugin and registers its systems (origin = its path). Loading the same file a
// second time returns the first result without registering again. Throws Error when the file
// cannot be loaded, lacks the entry points, was built for another API version or ABI, or
// registers a name that already exists (nothing of it is registered then).
PluginInfo load_plugin(const std::filesystem::path& file,
                       TranslatorRegistry& registry = TranslatorRegistry::instance());

// Loads every *.so file of `dir` in name order. A missing directory is an Error.
std::vector<PluginInfo> load_plugin_dir(const std::filesystem::path& dir,
                                        TranslatorRegistry& registry = TranslatorRegistry::instance());

// The directories of MTBENCH_PLUGIN_PATH (colon-separated; empty entries dropped).
std::vector<std::filesystem::path> plugin_path_from_env();

// Loads plugins from every directory of `dirs` (each must exist) and then from each existing
// directory of MTBENCH_PLUGIN_PATH (missing ones are skipped, as with PATH).
std::vector<PluginInfo> load_plugins(const std::vector<std::filesystem::path>& dirs,
                                     TranslatorRegistry& registry = TranslatorRegistry::instance());

}  // namespace mtbench
