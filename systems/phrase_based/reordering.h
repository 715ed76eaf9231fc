#pragma once
// Reordering models (Koehn et al. 2005; Moses' "msd-bidirectional-fe" lexicalized model and
// distance-based distortion). Orientation of a phrase with respect to the previous one
// (Tillmann 2004): monotone (M), swap (S) or discontinuous (D), both when estimating from
// word-aligned training data and when decoding.

#include <array>
#include <cstdint>
#include <vector>

#include "systems/phrase_based/word_alignment.h"

namespace mtbench::phrase_based {

enum class Orientation : std::uint8_t { kMonotone = 0, kSwap = 1, kDiscontinuous = 2 };

// Word-based orientations of one extracted phrase pair (source [sb,se), target [tb,te)) in a
// sentence pair whose link matrix is `linked` (row-major, source x target): previous =
// orientation of this phrase relative to the one before it in target order, next = of the
// following phrase relative to this one. Sentence boundaries count as monotone (as Moses).
struct PhraseOrientations {
  Orientation previous;  // M if (sb-1, tb-1) is linked (or sb = tb = 0), S if (se, tb-1), else D
  Orientation next;      // M if (se, te) is linked (or the pair ends both sentences), S if (sb-1, te), else D
};
PhraseOrientations phrase_orientations(const std::vector<char>& linked, int source_length, int target_length, int sb,
                                       int se, int tb, int te);

// Decoding-time orientation of a phrase covering source [begin, end) applied right after a
// phrase covering [prev_begin, prev_end) (prev_end = 0, prev_begin = -1 at sentence start).
Orientation decode_orientation(int prev_begin, int prev_end, int begin, int end);

// Six orientation counts of one phrase pair: previous M,S,D then next M,S,D.
using OrientationCounts = std::array<float, 6>;

// Natural-log probabilities from counts with additive smoothing `smoothing` per orientation
// (Moses' lexical-reordering-score default is 0.5), each direction normalized separately.
std::array<float, 6> reordering_log_probs(const OrientationCounts& counts, double smoothing = 0.5);

// Distance-based distortion cost (Koehn et al. 2003 §3.4) as a log-linear feature value:
// -|begin - prev_end|, the number of source words jumped over.
inline float distortion_feature(int prev_end, int begin) {
  return -static_cast<float>(begin > prev_end ? begin - prev_end : prev_end - begin);
}

}  // namespace mtbench::phrase_based
