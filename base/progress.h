#pragma once
// Progress reporting for long jobs: a bar with rate and ETA on a terminal, plain lines
// otherwise (logs, CI), and a summary of time spent per stage at the end.

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace mtbench {

// How progress is shown.
enum class ProgressMode {
  kAuto,   // bar on a terminal (stderr is a TTY), plain lines otherwise
  kBar,    // always draw the bar
  kPlain,  // one line per ~10% of a stage
  kQuiet,  // nothing
};

// Reports stages of work to stderr. Thread-safe: advance() may be called from workers.
class Progress {
 public:
  explicit Progress(ProgressMode mode = ProgressMode::kAuto);
  ~Progress();

  // Starts a stage; `total` 0 means unknown; `unit` names what is counted ("sent", "tok").
  void begin(const std::string& stage, std::uint64_t total = 0, const std::string& unit = "");
  // A wall-clock budget for the current stage (e.g. a training time limit): the bar and the
  // ETA show whichever of work and time runs out first. Reset by begin().
  void set_time_limit(double seconds);
  // Adds `n` units of work to the current stage.
  void advance(std::uint64_t n = 1);
  // Ends the current stage (records its duration; prints a final line).
  void end(const std::string& summary = "");
  // A free-form message (printed on its own line; never lost under the bar).
  void log(const std::string& message);
  // Prints the time spent per stage ("time: align 5.1s, lm 1.2s, ... total 20.4s").
  void print_summary();

  // Seconds spent in each finished stage, in order.
  const std::vector<std::pair<std::string, double>>& stage_times() const { return stage_times_; }
  bool quiet() const { return mode_ == ProgressMode::kQuiet; }

  // A process-wide reporter configured by --quiet/--verbose (used when none is passed).
  static Progress& global();
  // The stage most recently begun by any Progress in this process ("" before the first), so a
  // last-resort error (out of memory) can say where it happened.
  static std::string latest_stage();
  static void set_global_mode(ProgressMode mode);

 private:
  using Clock = std::chrono::steady_clock;
  void draw_locked(bool final_line);
  double fraction_locked(double elapsed) const;  // of work or of the time limit, whichever is larger

  ProgressMode mode_;                                        // resolved mode (never kAuto after construction)
  std::mutex mutex_;                                         // guards everything below
  std::string stage_;                                        // current stage name, empty when idle
  std::string unit_;                                         // unit of the current stage
  std::uint64_t total_ = 0;                                  // expected units, 0 if unknown
  std::uint64_t done_ = 0;                                   // units done so far
  double time_limit_ = 0;                                    // seconds allowed for the stage, 0 = none
  std::uint64_t last_plain_decile_ = 0;                      // plain mode: last 10% step printed
  Clock::time_point stage_start_;                            // when the stage began
  Clock::time_point last_draw_;                              // throttles redraws
  Clock::time_point created_;                                // for the total in the summary
  std::vector<std::pair<std::string, double>> stage_times_;  // finished stages
};

}  // namespace mtbench
