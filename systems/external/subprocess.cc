#include "systems/external/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "base/error.h"
#include "base/text_file.h"

extern char** environ;

namespace mtbench::external {
namespace {

using Clock = std::chrono::steady_clock;

// Process groups of the commands running now, killed when mtbench is interrupted: without
// this, SIGINT during a command left `/bin/sh -c CMD` and its children running.
constexpr int kMaxGroups = 32;
std::atomic<pid_t> g_groups[kMaxGroups];
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
struct sigaction g_previous[3];
std::mutex g_install_mutex;  // guards g_running and the installation of the handlers
int g_running = 0;           // commands running (handlers installed while > 0)

void on_signal(int signal_number) {
  for (auto& group : g_groups) {
    const pid_t pgid = group.load();
    if (pgid > 0) ::kill(-pgid, SIGKILL);
  }
  // Then what mtbench would have done without us (by default: terminate).
  for (int i = 0; i < 3; ++i)
    if (kSignals[i] == signal_number) sigaction(signal_number, &g_previous[i], nullptr);
  ::raise(signal_number);
}

// Registers a running command's process group for the duration of its run.
class GroupGuard {
 public:
  explicit GroupGuard(pid_t pgid) {
    std::lock_guard<std::mutex> lock(g_install_mutex);
    for (auto& group : g_groups) {
      pid_t empty = 0;
      if (group.compare_exchange_strong(empty, pgid)) {
        slot_ = &group;
        break;
      }
    }
    if (g_running++ == 0) {
      struct sigaction action {};
      action.sa_handler = on_signal;
      sigemptyset(&action.sa_mask);
      for (int i = 0; i < 3; ++i) {
        sigaction(kSignals[i], nullptr, &g_previous[i]);
        // An ignored signal stays ignored (nohup, a background job without job control).
        if (g_previous[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &action, nullptr);
      }
    }
  }
  ~GroupGuard() {
    std::lock_guard<std::mutex> lock(g_install_mutex);
    if (slot_) slot_->store(0);
    if (--g_running == 0)
      for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &g_previous[i], nullptr);
  }
  GroupGuard(const GroupGuard&) = delete;
  GroupGuard& operator=(const GroupGuard&) = delete;

 private:
  std::atomic<pid_t>* slot_ = nullptr;
};

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

// Collects stdout, bounded by the expected line count and the line-length limit.
class OutputSink {
 public:
  OutputSink(std::size_t max_lines, std::size_t max_line_bytes) : max_lines_(max_lines), max_line_(max_line_bytes) {}
  // Appends a chunk; returns a problem ("" when fine).
  std::string add(const char* data, std::size_t n) {
    text_.append(data, n);
    for (std::size_t i = text_.size() - n; i < text_.size(); ++i) {
      if (text_[i] != '\n') continue;
      ++lines_;
      line_start_ = i + 1;
      if (lines_ > max_lines_)
        return fmt::format("it wrote more than {} output lines for {} input lines", max_lines_, max_lines_);
    }
    if (text_.size() - line_start_ > max_line_ + 1)
      return fmt::format("output line {} is longer than {} bytes", lines_ + 1, max_line_);
    return {};
  }
  std::string& text() { return text_; }

 private:
  std::size_t max_lines_, max_line_;
  std::string text_;
  std::size_t lines_ = 0, line_start_ = 0;
};

// Keeps the last kStderrTailBytes of a stream.
void append_tail(std::string& tail, const char* data, std::size_t n) {
  tail.append(data, n);
  if (tail.size() > 2 * kStderrTailBytes) tail.erase(0, tail.size() - kStderrTailBytes);
}

// Starts a watchdog in the command's process group `pgid`: /bin/sh blocked reading a pipe
// whose only writer is mtbench (`*life_fd`, close-on-exec). If mtbench dies in any way,
// SIGKILL included (which no handler sees), the kernel closes that pipe, `read` returns and
// the watchdog kills its own group: the command and everything it started. On a normal end
// mtbench kills the group itself, the watchdog with it. As a member the watchdog also keeps
// the group id from being reused while mtbench may still signal it. Returns the watchdog's
// pid, or -1 when it could not be started (the command then runs without one: a SIGKILL of
// mtbench would leave it running, as before, but nothing else changes).
pid_t start_watchdog(pid_t pgid, int* life_fd) {
  *life_fd = -1;
  int life[2];
  if (pipe2(life, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, life[0], 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, pgid);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  char sh[] = "/bin/sh", dash_c[] = "-c", script[] = "read -r _; kill -KILL 0";
  char* argv[] = {sh, dash_c, script, nullptr};
  pid_t pid = -1;
  const int error = posix_spawn(&pid, sh, &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(life[0]);
  if (error != 0) {
    ::close(life[1]);
    return -1;
  }
  *life_fd = life[1];
  return pid;
}

}  // namespace

CommandResult run_line_filter(const Command& command, const std::vector<std::string>& input, double timeout_seconds) {
  if (command.empty()) fail("external: no command to run");
  const std::string name = command.display();
  std::vector<std::string> args =
      command.argv.empty() ? std::vector<std::string>{"/bin/sh", "-c", command.shell} : command.argv;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0) fail("cannot create a pipe for '{}': {}", name, std::strerror(errno));
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]), ::close(in_pipe[1]);
    fail("cannot create a pipe for '{}': {}", name, std::strerror(errno));
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    ::close(in_pipe[0]), ::close(in_pipe[1]), ::close(out_pipe[0]), ::close(out_pipe[1]);
    fail("cannot create a pipe for '{}': {}", name, std::strerror(errno));
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Own process group, so a timeout or an interrupt kills the command and everything it
  // started; default signal dispositions and an empty mask, whatever mtbench itself uses.
  sigset_t defaults, empty;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigemptyset(&empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  const int spawn_error = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  if (spawn_error != 0) {
    ::close(in_pipe[1]), ::close(out_pipe[0]), ::close(err_pipe[0]);
    fail("cannot start command '{}': {}", name, std::strerror(spawn_error));
  }
  GroupGuard guard(pid);
  int life_fd = -1;
  const pid_t watchdog = start_watchdog(pid, &life_fd);

  std::thread writer(write_input, in_pipe[1], std::cref(input));
  const bool limited = timeout_seconds > 0;
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(limited ? timeout_seconds : 0));
  OutputSink out(input.size(), ReadOptions::max_line_bytes_limit());
  std::string err_tail, problem;
  int fds[2] = {out_pipe[0], err_pipe[0]};
  bool timed_out = false, exited = false;
  int status = 0;
  char chunk[1 << 16];
  // Until stdout is at EOF, or the command has exited and stdout is drained.
  while (fds[0] >= 0 && problem.empty()) {
    if (!exited) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done == pid) {
        exited = true;
        ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);  // drain what is there, no more
      }
    }
    pollfd polls[2];
    int count = 0;
    for (int fd : fds)
      if (fd >= 0) polls[count++] = pollfd{fd, POLLIN, 0};
    int wait_ms = exited ? 0 : 100;  // 100 ms: how soon an exit is noticed while a detached child holds stdout
    if (limited) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0 && !exited) {
        timed_out = true;
        break;
      }
      wait_ms = std::min<int>(wait_ms, static_cast<int>(std::max<long long>(left, 0)));
    }
    const int ready = ::poll(polls, count, wait_ms);
    if (ready < 0 && errno != EINTR) break;
    bool stdout_idle = true;
    for (int i = 0; i < count && ready > 0; ++i) {
      if (!(polls[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const bool is_out = polls[i].fd == fds[0];
      const ssize_t n = ::read(polls[i].fd, chunk, sizeof chunk);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      int& slot = is_out ? fds[0] : fds[1];
      if (n <= 0) {
        close_fd(slot);
      } else if (is_out) {
        stdout_idle = false;
        problem = out.add(chunk, static_cast<std::size_t>(n));
      } else {
        append_tail(err_tail, chunk, static_cast<std::size_t>(n));
      }
    }
    if (exited && stdout_idle) break;  // exited and nothing more in the pipe
  }
  // Stdout closed first: the command is finishing; wait for its exit, within the deadline.
  while (!exited && !timed_out && problem.empty()) {
    const pid_t done = ::waitpid(pid, &status, limited ? WNOHANG : 0);
    if (done == pid || (done < 0 && errno != EINTR)) {
      exited = true;
    } else if (limited && Clock::now() >= deadline) {
      timed_out = true;
    } else if (limited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // Whatever is left of the group (background children) goes with the command.
  ::kill(-pid, SIGKILL);
  if (!exited) ::waitpid(pid, &status, 0);
  if (watchdog > 0) {
    ::kill(watchdog, SIGKILL);  // already, as a member of the group; the group may be gone
    while (::waitpid(watchdog, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  close_fd(life_fd);
  // A short last look at stderr: the command's final words usually explain its failure.
  if (fds[1] >= 0) {
    ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
    for (ssize_t n; (n = ::read(fds[1], chunk, sizeof chunk)) > 0;)
      append_tail(err_tail, chunk, static_cast<std::size_t>(n));
  }
  close_fd(fds[0]);
  close_fd(fds[1]);
  writer.join();
  if (err_tail.size() > kStderrTailBytes) err_tail.erase(0, err_tail.size() - kStderrTailBytes);
  const std::string stderr_note =
      err_tail.empty()
          ? ""
          : "; its stderr ends: " + err_tail.substr(err_tail.size() - std::min<std::size_t>(err_tail.size(), 2000));
  if (timed_out)
    fail("command '{}' did not finish within {} s (timeout_seconds); it was killed{}", name, timeout_seconds,
         stderr_note);
  if (!problem.empty()) fail<DataError>("command '{}' was stopped: {}{}", name, problem, stderr_note);
  CommandResult result;
  result.lines = split_lines(out.text());
  result.error_output = std::move(err_tail);
  result.exit_status = decode_status(status);
  return result;
}

}  // namespace mtbench::external
