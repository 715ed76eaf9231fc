#include "base/time.h"

#include <cmath>

#include <fmt/format.h>

namespace mtbench {

std::string format_duration(double seconds, DurationStyle style) {
  const bool spaced = style == DurationStyle::kSpaced;
  if (seconds < 60) return fmt::format(spaced ? "{:.1f} s" : "{:.1f}s", seconds);
  const auto total = static_cast<long long>(std::llround(seconds));
  if (total < 3600) return fmt::format(spaced ? "{} min {:02d} s" : "{}m{:02d}s", total / 60, total % 60);
  return fmt::format(spaced ? "{} h {:02d} min" : "{}h{:02d}m", total / 3600, (total % 3600) / 60);
}

}  // namespace mtbench
