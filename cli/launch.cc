#include "cli/launch.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "base/distributed_env.h"
#include "base/error.h"
#include "base/process.h"

namespace mtbench::cli {
namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

// The worker's command line: this one without --nproc N and --threads N (either spelling),
// with --threads `threads` first.
std::vector<std::string> worker_arguments(int threads) {
  const auto& args = command_line();
  std::vector<std::string> out;
  out.push_back("--threads");
  out.push_back(std::to_string(threads));
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--nproc" || a == "--threads") {
      ++i;  // and its value
      continue;
    }
    if (a.rfind("--nproc=", 0) == 0 || a.rfind("--threads=", 0) == 0) continue;
    out.push_back(a);
  }
  return out;
}

volatile sig_atomic_t g_interrupts = 0;
extern "C" void count_interrupt(int) {
  g_interrupts = g_interrupts + 1;
}

}  // namespace

void remember_command_line(int argc, char** argv) {
  command_line().assign(argv, argv + argc);
}

void run_local_workers(int nproc, int threads_per_worker, double grace_seconds) {
  if (distributed_env().distributed())
    fail<ConfigError>(
        "--nproc {}: this process is already rank {} of {} (WORLD_SIZE is set): a launcher started "
        "it; drop --nproc",
        nproc, distributed_env().rank, distributed_env().world_size);
  const int port = free_loopback_port();
  const auto args = worker_arguments(threads_per_worker);

  // Ctrl-C goes to the whole foreground process group, workers included: they checkpoint and
  // stop; the launcher counts it and waits for them.
  struct sigaction action {};
  action.sa_handler = count_interrupt;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  sigaction(SIGINT, &action, &previous);

  std::vector<pid_t> pids;
  for (int rank = 0; rank < nproc; ++rank) {
    try {
      pids.push_back(
          spawn_self(args, {fmt::format("{}={}", kWorldSizeVar, nproc), fmt::format("{}={}", kRankVar, rank),
                            fmt::format("{}={}", kLocalRankVar, rank), fmt::format("{}={}", kLocalWorldSizeVar, nproc),
                            fmt::format("{}=127.0.0.1", kMasterAddrVar), fmt::format("{}={}", kMasterPortVar, port),
                            fmt::format("OMP_NUM_THREADS={}", threads_per_worker)}));
    } catch (...) {
      for (pid_t p : pids) ::kill(p, SIGKILL);
      sigaction(SIGINT, &previous, nullptr);
      throw;
    }
  }

  // Wait for every worker; after the first failure the others get `grace_seconds` to notice
  // (their own fault detection names the rank) before they are killed.
  std::vector<int> status(pids.size(), -1);
  std::size_t running = pids.size();
  int first_failed = -1;
  auto failed_at = std::chrono::steady_clock::now();
  while (running > 0) {
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, WNOHANG);
    if (pid > 0) {
      for (std::size_t r = 0; r < pids.size(); ++r) {
        if (pids[r] != pid) continue;
        status[r] = st;
        --running;
        const bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        if (!ok && first_failed < 0) {
          first_failed = static_cast<int>(r);
          failed_at = std::chrono::steady_clock::now();
        }
      }
      continue;
    }
    if (first_failed >= 0 &&
        std::chrono::duration<double>(std::chrono::steady_clock::now() - failed_at).count() > grace_seconds) {
      for (std::size_t r = 0; r < pids.size(); ++r)
        if (status[r] == -1) ::kill(pids[r], SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  sigaction(SIGINT, &previous, nullptr);
  if (first_failed < 0) return;
  std::string others;
  for (std::size_t r = 0; r < pids.size(); ++r) {
    if (static_cast<int>(r) == first_failed) continue;
    others += fmt::format("; rank {} {}", r, describe_exit_status(status[r]));
  }
  if (g_interrupts > 0)
    fail<InterruptedError>("training interrupted: rank {} {}{}", first_failed,
                           describe_exit_status(status[static_cast<std::size_t>(first_failed)]), others);
  fail("data-parallel training failed: rank {} {} first{}", first_failed,
       describe_exit_status(status[static_cast<std::size_t>(first_failed)]), others);
}

}  // namespace mtbench::cli
