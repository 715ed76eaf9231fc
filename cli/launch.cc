#include "cli/launch.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "base/distributed_env.h"
#include "base/error.h"

extern char** environ;

namespace mtbench::cli {
namespace {

std::vector<std::string>& command_line() {
  static std::vector<std::string> args;
  return args;
}

// A TCP port free on the loopback interface now (bound to port 0 and released: the rendezvous
// store binds it moments later, as torchrun's standalone mode does).
int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) fail("cannot open a socket to find a free port: {}", std::strerror(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    const int error = errno;
    ::close(fd);
    fail("cannot find a free loopback port: {}", std::strerror(error));
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

// The worker's command line: this one without --nproc N and --threads N (either spelling),
// with --threads `threads` first.
std::vector<std::string> worker_arguments(int threads) {
  const auto& args = command_line();
  std::vector<std::string> out;
  out.push_back("/proc/self/exe");
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

std::string describe_status(int status) {
  if (WIFEXITED(status)) return fmt::format("exited with status {}", WEXITSTATUS(status));
  if (WIFSIGNALED(status))
    return fmt::format("was killed by signal {} ({})", WTERMSIG(status), strsignal(WTERMSIG(status)));
  return "ended";
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

  // Environment of each worker: ours with the group's variables replaced.
  std::vector<std::string> base_env;
  const std::vector<std::string> ours = {kWorldSizeVar,  kRankVar,       kLocalRankVar,    kLocalWorldSizeVar,
                                         kMasterAddrVar, kMasterPortVar, "OMP_NUM_THREADS"};
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& o : ours) replaced = replaced || name == o;
    if (!replaced) base_env.push_back(entry);
  }
  // Ctrl-C goes to the whole foreground process group, workers included: they checkpoint and
  // stop; the launcher counts it and waits for them.
  struct sigaction action {};
  action.sa_handler = count_interrupt;
  sigemptyset(&action.sa_mask);
  struct sigaction previous {};
  sigaction(SIGINT, &action, &previous);

  std::vector<pid_t> pids;
  for (int rank = 0; rank < nproc; ++rank) {
    std::vector<std::string> env = base_env;
    env.push_back(fmt::format("{}={}", kWorldSizeVar, nproc));
    env.push_back(fmt::format("{}={}", kRankVar, rank));
    env.push_back(fmt::format("{}={}", kLocalRankVar, rank));
    env.push_back(fmt::format("{}={}", kLocalWorldSizeVar, nproc));
    env.push_back(fmt::format("{}=127.0.0.1", kMasterAddrVar));
    env.push_back(fmt::format("{}={}", kMasterPortVar, port));
    env.push_back(fmt::format("OMP_NUM_THREADS={}", threads_per_worker));
    std::vector<char*> argv, envp;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (pid_t p : pids) ::kill(p, SIGKILL);
      fail("cannot start worker {} of {}: {}", rank, nproc, std::strerror(errno));
    }
    if (pid == 0) {
      // The worker dies with the launcher (even a SIGKILLed one): no orphaned training.
      ::prctl(PR_SET_PDEATHSIG, SIGTERM);
      if (::getppid() != parent) ::_exit(1);
      ::execve("/proc/self/exe", argv.data(), envp.data());
      ::_exit(127);
    }
    pids.push_back(pid);
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
    others += fmt::format("; rank {} {}", r, describe_status(status[r]));
  }
  if (g_interrupts > 0)
    fail<InterruptedError>("training interrupted: rank {} {}{}", first_failed,
                           describe_status(status[static_cast<std::size_t>(first_failed)]), others);
  fail("data-parallel training failed: rank {} {} first{}", first_failed,
       describe_status(status[static_cast<std::size_t>(first_failed)]), others);
}

}  // namespace mtbench::cli
