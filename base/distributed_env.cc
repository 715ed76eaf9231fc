#include "base/distributed_env.h"

#include <cstdlib>
#include <string>

#include "base/error.h"

namespace mtbench {
namespace {

const char* get(const char* name) {
  const char* value = std::getenv(name);
  return value && *value ? value : nullptr;
}

// An integer variable in [low, high]; `fallback` when unset and not required.
long integer_var(const char* name, long low, long high, long fallback, bool required) {
  const char* value = get(name);
  if (!value) {
    if (required)
      fail<ConfigError>(
          "{} is not set (distributed training needs WORLD_SIZE, RANK, LOCAL_RANK, "
          "MASTER_ADDR and MASTER_PORT, as torchrun sets them)",
          name);
    return fallback;
  }
  char* end = nullptr;
  const long n = std::strtol(value, &end, 10);
  if (end == value || *end != '\0' || n < low || n > high)
    fail<ConfigError>("{}={}: expected an integer from {} to {}", name, value, low, high);
  return n;
}

}  // namespace

DistributedEnv distributed_env() {
  DistributedEnv env;
  env.world_size = static_cast<int>(integer_var(kWorldSizeVar, 1, 65536, 1, false));
  if (const char* backend = get(kBackendVar)) {
    env.backend = backend;
    if (env.backend != "gloo" && env.backend != "nccl")
      fail<ConfigError>("{}={}: unknown backend (valid: gloo, nccl)", kBackendVar, env.backend);
  }
  if (const char* timeout = get(kTimeoutVar)) {
    char* end = nullptr;
    env.timeout_seconds = std::strtod(timeout, &end);
    if (end == timeout || *end != '\0' || !(env.timeout_seconds >= 1 && env.timeout_seconds <= 86400))
      fail<ConfigError>("{}={}: expected seconds from 1 to 86400", kTimeoutVar, timeout);
  }
  if (!env.distributed()) return env;
  env.rank = static_cast<int>(integer_var(kRankVar, 0, env.world_size - 1, 0, true));
  env.local_rank = static_cast<int>(integer_var(kLocalRankVar, 0, env.world_size - 1, 0, true));
  const char* addr = get(kMasterAddrVar);
  if (!addr) fail<ConfigError>("{} is not set (the host of rank 0, e.g. 127.0.0.1)", kMasterAddrVar);
  env.master_addr = addr;
  env.master_port = static_cast<int>(integer_var(kMasterPortVar, 1, 65535, 0, true));
  return env;
}

}  // namespace mtbench
