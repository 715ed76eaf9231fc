#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "corpus/spm_api.h"

namespace mtbench::spm {
namespace {

// RTLD_DEEPBIND keeps libsentencepiece's embedded protobuf away from LibTorch's. The
// sanitizers' runtime cannot work with it; their builds (scripts/sanitize.sh) have no LibTorch.
#if defined(__SANITIZE_ADDRESS__)
constexpr int kDeepBind = 0;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kDeepBind = 0;
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif
#else
constexpr int kDeepBind = RTLD_DEEPBIND;
#endif

std::vector<std::filesystem::path> candidates() {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv("MTBENCH_SPM_MODULE"); env && *env) out.emplace_back(env);
#ifdef MTBENCH_SPM_MODULE_PATH
  out.emplace_back(MTBENCH_SPM_MODULE_PATH);
#endif
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / "libmtbench_spm.so");
    out.push_back(exe.parent_path().parent_path() / "lib" / "mtbench" / "libmtbench_spm.so");
  }
  return out;
}

const Api* load_module(std::string* errors) {
  for (const auto& path : candidates()) {
    if (!std::filesystem::exists(path)) {
      *errors += "\n  " + path.string() + ": not found";
      continue;
    }
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | kDeepBind);
    if (!handle) {
      *errors += "\n  " + path.string() + ": " + dlerror();
      continue;
    }
    auto entry = reinterpret_cast<const Api* (*)()>(dlsym(handle, kEntryPoint));
    if (!entry) {
      *errors += "\n  " + path.string() + ": no entry point " + kEntryPoint;
      continue;
    }
    const Api* table = entry();
    if (!table || table->version != kApiVersion) {
      *errors += "\n  " + path.string() + ": incompatible module version";
      continue;
    }
    return table;  // the module stays loaded for the life of the process
  }
  return nullptr;
}

}  // namespace

const Api& api() {
  static std::once_flag once;
  static const Api* table = nullptr;
  static std::string errors;
  std::call_once(once, [] { table = load_module(&errors); });
  if (!table) fail("cannot load the SentencePiece module libmtbench_spm.so (set MTBENCH_SPM_MODULE); tried:{}", errors);
  return *table;
}

}  // namespace mtbench::spm
