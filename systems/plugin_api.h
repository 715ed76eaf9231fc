#pragma once
// The C++ entry points of an mtbench system plugin: a shared library (*.so) that mtbench
// loads at run time from `--plugin-dir DIR` or a directory of MTBENCH_PLUGIN_PATH and that
// adds one or more Translator implementations to the registry.
//
// Standard library only: a plugin compiles against this header (and translator.h,
// explanation.h) and links nothing of mtbench. What it needs from the host (progress
// reporting, atomic file writes) it reaches through PluginHost, so a plugin has no undefined
// mtbench symbols and loads into any mtbench executable or test.
//
// Writing a plugin:
//
//   #include "systems/plugin_api.h"
//   class MySystem : public mtbench::Translator { ... };
//   MTBENCH_PLUGIN(registrar) {
//     registrar.add(MySystem::static_info(), [&host = registrar.host()] {
//       return std::make_unique<MySystem>(host);
//     });
//   }
//
// The loader calls, in this order (each an `extern "C"` symbol the macro defines):
//   1. mtbench_plugin_api_version()   must equal MTBENCH_PLUGIN_API_VERSION of the host;
//   2. mtbench_plugin_abi()           must equal the host's MTBENCH_PLUGIN_ABI string
//                                     (compiler, C++ standard library and its ABI, and the
//                                     layout of the interface structs);
//   3. mtbench_plugin_register(PluginRegistrar*)   adds the systems.
// A mismatch at step 1 or 2 refuses the plugin with a message naming the file and both
// values, before any of its C++ code is called. The C++ types cross the boundary by value
// (std::string, std::function, std::unique_ptr), which is why step 2 exists: they are only
// compatible when both sides use the same standard library ABI.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "systems/translator.h"

// Bump whenever translator.h, explanation.h or this header change in a way that affects
// plugins (new virtual function, changed struct field). Version 1: mtbench 0.1. Version 2:
// Translator::supports_pair (the vtable changed: a version-1 plugin would call the wrong
// function, so the loader refuses it). Version 3: TrainData::release_training_text (the
// struct grew: a version-2 plugin would read the wrong layout).
#define MTBENCH_PLUGIN_API_VERSION 3

#define MTBENCH_PLUGIN_STRINGIFY_(x) #x
#define MTBENCH_PLUGIN_STRINGIFY(x) MTBENCH_PLUGIN_STRINGIFY_(x)

// Compiler family and major version (ABI details of std::function and exceptions may change
// between majors; being strict here costs a rebuild, being lax costs a crash).
#if defined(__clang__)
#define MTBENCH_PLUGIN_COMPILER_ "clang-" MTBENCH_PLUGIN_STRINGIFY(__clang_major__)
#elif defined(__GNUC__)
#define MTBENCH_PLUGIN_COMPILER_ "gcc-" MTBENCH_PLUGIN_STRINGIFY(__GNUC__)
#else
#define MTBENCH_PLUGIN_COMPILER_ "unknown-compiler"
#endif

// The C++ standard library and, for libstdc++, its dual ABI (std::string layout).
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define MTBENCH_PLUGIN_STDLIB_ "libstdc++-cxx11abi" MTBENCH_PLUGIN_STRINGIFY(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define MTBENCH_PLUGIN_STDLIB_ "libc++"
#else
#define MTBENCH_PLUGIN_STDLIB_ "unknown-stdlib"
#endif

// The fingerprint compared in step 2. The struct sizes catch an interface change made
// without bumping MTBENCH_PLUGIN_API_VERSION (and 32/64-bit mixes).
#define MTBENCH_PLUGIN_ABI                                                                                             \
  (std::string(MTBENCH_PLUGIN_COMPILER_ " " MTBENCH_PLUGIN_STDLIB_) + " layout-" + std::to_string(sizeof(void*)) +     \
   "." + std::to_string(sizeof(::mtbench::SystemInfo)) + "." + std::to_string(sizeof(::mtbench::TrainOptions)) + "." + \
   std::to_string(sizeof(::mtbench::TranslateOptions)) + "." + std::to_string(sizeof(::mtbench::Translation)) + "." +  \
   std::to_string(sizeof(::mtbench::Explanation)))

#define MTBENCH_PLUGIN_EXPORT __attribute__((visibility("default")))

namespace mtbench {

// Services of the host a plugin may use. The object outlives every plugin (it is a static of
// the loader), so a plugin may keep a reference to it in its translators.
class PluginHost {
 public:
  virtual ~PluginHost() = default;
  // Progress reporting on the TrainOptions/TranslateOptions reporter (no-op when null).
  virtual void progress_begin(Progress* progress, const std::string& stage, std::uint64_t total,
                              const std::string& unit) const = 0;
  virtual void progress_advance(Progress* progress, std::uint64_t n) const = 0;
  virtual void progress_end(Progress* progress, const std::string& summary) const = 0;
  virtual void progress_log(Progress* progress, const std::string& message) const = 0;
  // Writes a file atomically (temp file + rename), as Translator::save requires.
  virtual void write_file_atomic(const std::filesystem::path& path, std::string_view content) const = 0;
  // The host's MTBENCH_PLUGIN_API_VERSION and mtbench version, for a plugin's own records.
  virtual int api_version() const = 0;
  virtual std::string mtbench_version() const = 0;
};

// Passed to mtbench_plugin_register(): the plugin adds its systems through it.
class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;
  // Adds a system; `info.name` must be unique among all registered systems.
  virtual void add(const SystemInfo& info, std::function<std::unique_ptr<Translator>()> create) = 0;
  // Host services (valid for the whole process lifetime).
  virtual const PluginHost& host() const = 0;
};

}  // namespace mtbench

// Signatures of the entry points (what the loader looks up by name).
using MtbenchPluginApiVersionFn = int();
using MtbenchPluginAbiFn = const char*();
using MtbenchPluginRegisterFn = void(mtbench::PluginRegistrar*);

// Defines the three entry points; the block that follows is the registration function body,
// with `registrar_name` bound to the PluginRegistrar&. Use once per plugin.
#define MTBENCH_PLUGIN(registrar_name)                                                           \
  static void mtbench_plugin_register_impl(::mtbench::PluginRegistrar& registrar_name);          \
  extern "C" MTBENCH_PLUGIN_EXPORT int mtbench_plugin_api_version() {                            \
    return MTBENCH_PLUGIN_API_VERSION;                                                           \
  }                                                                                              \
  extern "C" MTBENCH_PLUGIN_EXPORT const char* mtbench_plugin_abi() {                            \
    static const std::string abi = MTBENCH_PLUGIN_ABI;                                           \
    return abi.c_str();                                                                          \
  }                                                                                              \
  extern "C" MTBENCH_PLUGIN_EXPORT void mtbench_plugin_register(::mtbench::PluginRegistrar* r) { \
    mtbench_plugin_register_impl(*r);                                                            \
  }                                                                                              \
  static void mtbench_plugin_register_impl(::mtbench::PluginRegistrar& registrar_name)
