#include "systems/phrase_based/reordering.h"

#include <cmath>

namespace mtbench::phrase_based {

PhraseOrientations phrase_orientations(const std::vector<char>& linked, int source_length, int target_length, int sb,
                                       int se, int tb, int te) {
  auto at = [&](int s, int t) {
    return s >= 0 && t >= 0 && s < source_length && t < target_length &&
           linked[static_cast<std::size_t>(s) * target_length + t];
  };
  PhraseOrientations o{Orientation::kDiscontinuous, Orientation::kDiscontinuous};
  if ((sb == 0 && tb == 0) || at(sb - 1, tb - 1))
    o.previous = Orientation::kMonotone;
  else if (at(se, tb - 1))
    o.previous = Orientation::kSwap;
  if ((se == source_length && te == target_length) || at(se, te))
    o.next = Orientation::kMonotone;
  else if (at(sb - 1, te))
    o.next = Orientation::kSwap;
  return o;
}

Orientation decode_orientation(int prev_begin, int prev_end, int begin, int end) {
  if (begin == prev_end) return Orientation::kMonotone;
  if (end == prev_begin) return Orientation::kSwap;
  return Orientation::kDiscontinuous;
}

std::array<float, 6> reordering_log_probs(const OrientationCounts& counts, double smoothing) {
  std::array<float, 6> out{};
  for (int d = 0; d < 2; ++d) {
    double total = 0;
    for (int k = 0; k < 3; ++k) total += counts[d * 3 + k] + smoothing;
    for (int k = 0; k < 3; ++k) out[d * 3 + k] = static_cast<float>(std::log((counts[d * 3 + k] + smoothing) / total));
  }
  return out;
}

}  // namespace mtbench::phrase_based
