#pragma once
// Wall-clock durations as people read them. One function, two spellings: the compact one of
// progress lines ("4m05s") and the spaced one of tables and reports ("4 min 05 s").

#include <string>

namespace mtbench {

enum class DurationStyle {
  kCompact,  // "12.3s", "4m05s", "1h02m" (progress lines and logs)
  kSpaced,   // "12.3 s", "4 min 05 s", "1 h 02 min" (tables and reports)
};

// Under a minute with one decimal, then rounded to whole seconds (minutes) or minutes (hours).
std::string format_duration(double seconds, DurationStyle style = DurationStyle::kCompact);

}  // namespace mtbench
