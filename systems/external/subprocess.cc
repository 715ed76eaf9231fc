#include "systems/external/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "base/error.h"

extern char** environ;

namespace mtbench::external {
namespace {

using Clock = std::chrono::steady_clock;

// Closes a descriptor once; -1 means already closed.
void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Writes all input lines to `fd` and closes it. SIGPIPE is blocked in this thread (and a
// pending one consumed) so a command that stops reading makes write() fail with EPIPE
// instead of killing mtbench.
void write_input(int fd, const std::vector<std::string>& input) {
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, nullptr);
  std::string buffer;
  for (std::size_t i = 0; i < input.size(); ++i) {
    buffer += input[i];
    buffer += '\n';
    if (buffer.size() < (1 << 16) && i + 1 < input.size()) continue;
    std::size_t done = 0;
    bool broken = false;
    while (done < buffer.size()) {
      const ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken = true;
        break;
      }
      done += static_cast<std::size_t>(n);
    }
    buffer.clear();
    if (broken) break;
  }
  ::close(fd);
  sigset_t pending;
  sigpending(&pending);
  if (sigismember(&pending, SIGPIPE)) {
    const timespec zero{0, 0};
    sigtimedwait(&pipe_set, nullptr, &zero);
  }
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult run_line_filter(const std::string& command, const std::vector<std::string>& input,
                              double timeout_seconds) {
  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) fail("cannot create a pipe for '{}': {}", command, std::strerror(errno));
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]), ::close(in_pipe[1]);
    fail("cannot create a pipe for '{}': {}", command, std::strerror(errno));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]), ::close(in_pipe[1]), ::close(out_pipe[0]), ::close(out_pipe[1]);
    fail("cannot create a pipe for '{}': {}", command, std::strerror(errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout kills the shell and everything it started; default
  // signal dispositions and an empty mask, whatever mtbench itself uses.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  std::string shell = "/bin/sh", dash_c = "-c", command_copy = command;
  char* argv[] = {shell.data(), dash_c.data(), command_copy.data(), nullptr};
  pid_t pid = -1;
  const int spawn_error = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(in_pipe[1]), ::close(out_pipe[0]), ::close(err_pipe[0]);
    fail("cannot start command '{}': {}", command, std::strerror(spawn_error));
  }

  std::thread writer(write_input, in_pipe[1], std::cref(input));
  const bool limited = timeout_seconds > 0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(limited ? timeout_seconds : 0));
  std::string out_text, err_text;
  int fds[2] = {out_pipe[0], err_pipe[0]};
  bool timed_out = false;
  char chunk[1 << 16];
  while (fds[0] >= 0 || fds[1] >= 0) {
    pollfd polls[2];
    int count = 0;
    for (int fd : fds) {
      if (fd >= 0) polls[count++] = pollfd{fd, POLLIN, 0};
    }
    int wait_ms = -1;
    if (limited) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        timed_out = true;
        break;
      }
      wait_ms = static_cast<int>(std::min<long long>(left, 1000));
    }
    const int ready = ::poll(polls, count, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    for (int i = 0; i < count && ready > 0; ++i) {
      if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(polls[i].fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      int& slot = polls[i].fd == fds[0] ? fds[0] : fds[1];
      std::string& sink = polls[i].fd == fds[0] ? out_text : err_text;
      if (n <= 0) {
        close_fd(slot);
      } else {
        sink.append(chunk, static_cast<std::size_t>(n));
      }
    }
  }
  // Output closed (or time is up): wait for the exit, still within the deadline.
  int status = 0;
  while (!timed_out) {
    const pid_t done = ::waitpid(pid, &status, limited ? WNOHANG : 0);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (limited && Clock::now() >= deadline) timed_out = true;
    if (limited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (timed_out) {
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  close_fd(fds[0]);
  close_fd(fds[1]);
  writer.join();
  if (timed_out) {
    fail("command '{}' did not finish within {} s (timeout_seconds); it was killed{}", command, timeout_seconds,
         err_text.empty() ? "" : "; its stderr: " + err_text.substr(0, 2000));
  }
  CommandResult result;
  result.lines = split_lines(out_text);
  result.error_output = std::move(err_text);
  result.exit_status = decode_status(status);
  return result;
}

}  // namespace mtbench::external
