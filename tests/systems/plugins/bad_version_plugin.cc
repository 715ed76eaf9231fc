// A test plugin that claims a future plugin API version, as a plugin built against another
// mtbench would. Its registration function aborts: the loader must refuse the plugin after
// reading the version, without calling anything else.

#include <cstdlib>

#include "systems/plugin_api.h"

extern "C" MTBENCH_PLUGIN_EXPORT int mtbench_plugin_api_version() {
  return MTBENCH_PLUGIN_API_VERSION + 998;
}
extern "C" MTBENCH_PLUGIN_EXPORT const char* mtbench_plugin_abi() {
  std::abort();
}
extern "C" MTBENCH_PLUGIN_EXPORT void mtbench_plugin_register(mtbench::PluginRegistrar*) {
  std::abort();
}
