// A test plugin with the right API version but another compiler/ABI fingerprint, as one
// built by a different compiler would report. Registration must not be reached.

#include <cstdlib>

#include "systems/plugin_api.h"

extern "C" MTBENCH_PLUGIN_EXPORT int mtbench_plugin_api_version() {
  return MTBENCH_PLUGIN_API_VERSION;
}
extern "C" MTBENCH_PLUGIN_EXPORT const char* mtbench_plugin_abi() {
  return "msvc-19 msvcprt layout-8.1.2.3.4.5";
}
extern "C" MTBENCH_PLUGIN_EXPORT void mtbench_plugin_register(mtbench::PluginRegistrar*) {
  std::abort();
}
