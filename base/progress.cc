#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

#include "base/memory.h"
#include "base/time.h"

namespace mtbench {
namespace {

ProgressMode g_global_mode = ProgressMode::kAuto;
std::mutex g_latest_mutex;   // guards g_latest_stage
std::string g_latest_stage;  // see Progress::latest_stage()

ProgressMode resolve(ProgressMode mode) {
  if (mode != ProgressMode::kAuto) return mode;
  return isatty(fileno(stderr)) ? ProgressMode::kBar : ProgressMode::kPlain;
}

std::string format_rate(double rate, const std::string& unit) {
  if (rate >= 1e6) return fmt::format("{:.1f}M {}/s", rate / 1e6, unit);
  if (rate >= 1e3) return fmt::format("{:.1f}k {}/s", rate / 1e3, unit);
  return fmt::format("{:.1f} {}/s", rate, unit);
}

}  // namespace

Progress::Progress(ProgressMode mode) : mode_(resolve(mode)), created_(Clock::now()) {}

Progress::~Progress() = default;

Progress& Progress::global() {
  static Progress progress(g_global_mode);
  return progress;
}

void Progress::set_global_mode(ProgressMode mode) {
  g_global_mode = mode;
  global().mode_ = resolve(mode);
}

std::string Progress::latest_stage() {
  std::lock_guard<std::mutex> lock(g_latest_mutex);
  return g_latest_stage;
}

void Progress::begin(const std::string& stage, std::uint64_t total, const std::string& unit) {
  {
    std::lock_guard<std::mutex> latest(g_latest_mutex);
    g_latest_stage = stage;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (mode_ != ProgressMode::kQuiet) reset_sampled_peak();
  stage_ = stage;
  unit_ = unit.empty() ? "it" : unit;
  total_ = total;
  done_ = 0;
  time_limit_ = 0;
  last_plain_decile_ = 0;
  stage_start_ = Clock::now();
  last_draw_ = Clock::time_point{};
  if (mode_ == ProgressMode::kPlain) {
    std::fprintf(stderr, "[%s] started%s\n", stage.c_str(), total ? fmt::format(" ({} {})", total, unit_).c_str() : "");
  } else if (mode_ == ProgressMode::kBar) {
    draw_locked(false);
  }
}

void Progress::set_time_limit(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  time_limit_ = std::max(0.0, seconds);
}

double Progress::fraction_locked(double elapsed) const {
  double fraction = total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 0.0;
  if (time_limit_ > 0) fraction = std::max(fraction, elapsed / time_limit_);
  return std::min(1.0, fraction);
}

void Progress::advance(std::uint64_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  done_ += n;
  if (mode_ == ProgressMode::kBar) {
    const auto now = Clock::now();
    if (now - last_draw_ > std::chrono::milliseconds(100)) draw_locked(false);
  } else if (mode_ == ProgressMode::kPlain && total_ > 0) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - stage_start_).count();
    const auto decile = static_cast<std::uint64_t>(fraction_locked(elapsed) * 10);
    if (decile > last_plain_decile_ && decile < 10) {
      last_plain_decile_ = decile;
      draw_locked(false);
    }
  }
}

void Progress::draw_locked(bool final_line) {
  const auto now = Clock::now();
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - stage_start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_) / elapsed : 0.0;
  std::string line;
  if (total_ > 0) {
    const double fraction = fraction_locked(elapsed);
    std::string eta = "?";
    if (rate > 0 && done_ < total_) {
      double seconds = static_cast<double>(total_ - done_) / rate;
      if (time_limit_ > 0) seconds = std::min(seconds, std::max(0.0, time_limit_ - elapsed));
      eta = format_duration(seconds);
    }
    if (mode_ == ProgressMode::kBar) {
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(fraction * kWidth);
      line = fmt::format("{} [{}{}] {:3.0f}% {}/{} {} {} ETA {}", stage_, std::string(filled, '#'),
                         std::string(kWidth - filled, '.'), fraction * 100, done_, total_, format_rate(rate, unit_),
                         format_duration(elapsed), final_line ? "-" : eta);
    } else {
      line = fmt::format("[{}] {:3.0f}% {}/{} {} elapsed {} ETA {}", stage_, fraction * 100, done_, total_,
                         format_rate(rate, unit_), format_duration(elapsed), eta);
    }
  } else {
    line = fmt::format("{}{} {} {} {}", mode_ == ProgressMode::kBar ? "" : "[",
                       stage_ + (mode_ == ProgressMode::kBar ? "" : "]"), done_, format_rate(rate, unit_),
                       format_duration(elapsed));
  }
  if (mode_ == ProgressMode::kBar) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  std::fflush(stderr);
}

void Progress::end(const std::string& summary) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stage_.empty()) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - stage_start_).count();
  stage_times_.emplace_back(stage_, elapsed);
  if (mode_ == ProgressMode::kBar) {
    draw_locked(true);
    if (!summary.empty()) std::fprintf(stderr, "  %s\n", summary.c_str());
  } else if (mode_ == ProgressMode::kPlain) {
    // Memory beside time: at scale a stage's footprint matters as much as its duration.
    // "peak" is the stage's own (sampled every 20 ms), not the process's so far.
    std::fprintf(stderr, "[%s] done in %s%s%s (RSS %s, peak %s)\n", stage_.c_str(), format_duration(elapsed).c_str(),
                 summary.empty() ? "" : ": ", summary.c_str(), format_bytes(resident_bytes()).c_str(),
                 format_bytes(sampled_peak_bytes()).c_str());
  }
  std::fflush(stderr);
  stage_.clear();
}

void Progress::log(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (mode_ == ProgressMode::kQuiet) return;
  if (mode_ == ProgressMode::kBar && !stage_.empty()) std::fprintf(stderr, "\r\033[K");
  std::fprintf(stderr, "%s\n", message.c_str());
  if (mode_ == ProgressMode::kBar && !stage_.empty()) draw_locked(false);
  std::fflush(stderr);
}

void Progress::print_summary() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (mode_ == ProgressMode::kQuiet || stage_times_.empty()) return;
  std::string line = "time:";
  for (const auto& [name, seconds] : stage_times_) line += fmt::format(" {} {},", name, format_duration(seconds));
  line += fmt::format(" total {}", format_duration(std::chrono::duration<double>(Clock::now() - created_).count()));
  if (const auto peak = peak_resident_bytes()) line += fmt::format("; peak RSS {}", format_bytes(peak));
  std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace mtbench
