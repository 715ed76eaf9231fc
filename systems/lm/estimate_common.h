#pragma once
// Pieces shared by the in-memory (estimate.cc) and the disk-backed (estimate_external.cc)
// Kneser-Ney estimators, so both compute every value with the same float operations and
// print it with the same digits: the two ARPA files are byte-identical.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "systems/lm/ngram_lm.h"

namespace mtbench::lm::detail {

constexpr WordIndex kUnk = 0;  // lmplz's fixed ids for the special words
constexpr WordIndex kBos = 1;
constexpr WordIndex kEos = 2;

using Discount = std::array<float, 4>;

// Whether `c` separates tokens (lmplz's delimiters).
inline bool is_delimiter(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

// Calls visit(token) for every token of `line`, split at lmplz's delimiters.
template <typename Visit>
void for_each_token(std::string_view line, Visit&& visit) {
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_delimiter(line[i])) ++i;
    std::size_t j = i;
    while (j < line.size() && !is_delimiter(line[j])) ++j;
    if (j == i) break;
    visit(line.substr(i, j - i));
    i = j;
  }
}

// Chen & Goodman eq. 26, computed in float like lmplz's adjust_counts.cc, from the
// counts-of-counts n[1..4] of the adjusted counts of one order. Throws (or falls back to
// lmplz's --discount_fallback values 0.5, 1, 1.5) when a count-of-count is zero or a discount
// leaves its valid range [0, j].
Discount compute_discount(const std::array<std::uint64_t, 5>& n, int order, bool fallback);

// Appends `value` with the shortest round-trip digits like KenLM's ARPA writer.
void append_float(std::string& out, float value);

}  // namespace mtbench::lm::detail
