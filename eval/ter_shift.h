#pragma once
// tercom's edit count with block shifts (Snover et al. 2006, section 3), exactly as
// sacreBLEU 2.6.0's lib_ter.py computes it (a port of tercom 0.7.25 with a beam-restricted
// edit distance):
//  - greedy rounds: among candidate shifts of hypothesis blocks (up to 10 words, moved up
//    to 50 positions, matching the reference, at misaligned positions), take the one that
//    lowers the edit distance most (ties: longer block, earlier start, earlier target);
//    stop when none helps or after 1000 candidates in total;
//  - edits = shifts + the final word-level Levenshtein distance (unit costs), computed in a
//    band of +-25 cells around the length-ratio diagonal, as sacreBLEU does.
//
// Words are integer ids; id 0 means "in no reference" (it never equals a reference word).
// sacreBLEU memoizes edit-distance rows in a prefix trie; we reuse the rows of the current
// hypothesis for the unchanged prefix of each candidate and abandon a candidate as soon as
// a lower bound shows it cannot become the best one. For references of up to 64 words the
// candidates are measured with Myers' bit-parallel edit distance (ter_distance.h), exact
// whenever it is below the cost of leaving the band and a lower bound otherwise. All of
// this only saves work: the results are those of sacreBLEU's exhaustive computation
// (tests/eval/ter_test.cc compares with a literal transcription on random inputs).

#include <cstdint>
#include <vector>

#include "eval/ter_distance.h"

namespace mtbench::eval {

// A reference prepared for repeated TER computations.
struct TerReference {
  std::vector<std::uint32_t> words;  // word ids (never 0)
  // (word id, position) pairs sorted by id then position: where each word occurs.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;

  explicit TerReference(std::vector<std::uint32_t> ids);
};

// Number of edits (shifts + insertions + deletions + substitutions) turning `hyp` into
// `ref`. An empty reference costs one edit per hypothesis word.
int ter_edits(const std::vector<std::uint32_t>& hyp, const TerReference& ref, TerScratch& scratch);

// Number of edits of the plain beam-restricted Levenshtein distance (no shifts); exposed
// for tests.
int ter_beam_edit_distance(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref);

}  // namespace mtbench::eval
