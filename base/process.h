#pragma once
// Starting copies of this executable as worker processes (data-parallel training: the
// `--nproc` launcher in cli/launch.cc and `compare --nproc`, compare/pipeline.cc).

#include <sys/types.h>

#include <string>
#include <vector>

namespace mtbench {

// A TCP port free on the loopback interface now (bound to port 0 and released: the caller's
// server binds it moments later, as torchrun's standalone mode does). Error when none is.
int free_loopback_port();

// Starts /proc/self/exe with `args` (argv[1..]) and this process's environment with the
// NAME=VALUE entries of `env` added (replacing variables of the same name). The child gets
// SIGTERM when this process dies, SIGKILL included: no orphaned workers. Error when it cannot
// be started.
pid_t spawn_self(const std::vector<std::string>& args, const std::vector<std::string>& env);

// "exited with status N" / "was killed by signal N (NAME)" for a waitpid status.
std::string describe_exit_status(int status);

}  // namespace mtbench
