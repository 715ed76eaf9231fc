// A test plugin built against plugin API version 1 (mtbench 0.1, before
// Translator::supports_pair). Its registration function aborts: the loader must refuse it
// after reading the version, without calling anything else.

#include <cstdlib>

#include "systems/plugin_api.h"

extern "C" MTBENCH_PLUGIN_EXPORT int mtbench_plugin_api_version() {
  return 1;
}
extern "C" MTBENCH_PLUGIN_EXPORT const char* mtbench_plugin_abi() {
  std::abort();
}
extern "C" MTBENCH_PLUGIN_EXPORT void mtbench_plugin_register(mtbench::PluginRegistrar*) {
  std::abort();
}
