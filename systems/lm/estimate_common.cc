#include "systems/lm/estimate_common.h"

#include <string_view>

#include <fmt/format.h>

#include "base/error.h"

namespace mtbench::lm::detail {

// Chen & Goodman eq. 26, computed in float like lmplz's adjust_counts.cc. Throws (or falls
// back to lmplz's --discount_fallback values 0.5, 1, 1.5) when a count-of-count is zero or a
// discount leaves its valid range [0, j].
Discount compute_discount(const std::array<std::uint64_t, 5>& n, int order, bool fallback) {
  for (int j = 1; j <= 3; ++j) {
    if (n[j] == 0) {
      if (fallback) return {0.0f, 0.5f, 1.0f, 1.5f};
      fail(
          "could not calculate Kneser-Ney discounts for {}-grams with adjusted count {}: no {}-grams "
          "with adjusted count {} were observed (small or artificial data? use --discount-fallback)",
          order, j + 1, order, j);
    }
  }
  Discount d{0.0f, 0.0f, 0.0f, 0.0f};
  const float y = static_cast<float>(n[1]) / static_cast<float>(n[1] + 2.0 * n[2]);
  for (int j = 1; j <= 3; ++j) {
    d[j] =
        static_cast<float>(j) - static_cast<float>(j + 1) * y * static_cast<float>(n[j + 1]) / static_cast<float>(n[j]);
    if (d[j] < 0.0f || d[j] > static_cast<float>(j)) {
      if (fallback) return {0.0f, 0.5f, 1.0f, 1.5f};
      fail(
          "{}-gram discount D{} = {} is out of range [0, {}] (counts-of-counts n1..n4 = {} {} {} {}; "
          "use --discount-fallback)",
          order, j, d[j], j, n[1], n[2], n[3], n[4]);
    }
  }
  return d;
}

// Shortest round-trip digits like KenLM's writer (double-conversion's ToShortest with decimal
// notation down to 1e-6, so "-0.00004162663" and not fmt's "-4.162663e-05"; below that
// "-1.5e-7" without exponent padding).
void append_float(std::string& out, float value) {
  char buffer[32];
  const auto end = fmt::format_to_n(buffer, sizeof(buffer) - 1, "{}", value).out;
  const std::string_view s(buffer, end - buffer);
  const std::size_t e = s.find('e');
  if (e == std::string_view::npos) {
    out += s;
    return;
  }
  const bool negative = s[0] == '-';
  const int exponent = std::stoi(std::string(s.substr(e + 1)));
  std::string digits;
  for (char c : s.substr(negative ? 1 : 0, e - (negative ? 1 : 0)))
    if (c != '.') digits += c;
  if (negative) out += '-';
  if (exponent < 0 && exponent >= -6) {
    out += "0.";
    out.append(static_cast<std::size_t>(-exponent - 1), '0');
    out += digits;
  } else if (exponent < 0) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    out += fmt::format("e{}", exponent);
  } else {
    out += s.substr(negative ? 1 : 0);  // |value| >= 1e16: never a log10 probability
  }
}

}  // namespace mtbench::lm::detail
