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
// candidates are first measured with Myers' bit-parallel edit distance (Myers 1999, in
// Hyyro's 2001 formulation): exact when the band covers the whole matrix (references of up
// to ~24 words), otherwise a lower bound of the banded distance. All of this only saves
// work: the results are those of sacreBLEU's exhaustive computation.

#include <cstdint>
#include <vector>

namespace mtbench::eval {

// A reference prepared for repeated TER computations.
struct TerReference {
  std::vector<std::uint32_t> words;  // word ids (never 0)
  // (word id, position) pairs sorted by id then position: where each word occurs.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> positions;

  explicit TerReference(std::vector<std::uint32_t> ids);
};

// Scratch memory for ter_edits (one per thread); reused so the inner loops never allocate.
struct TerScratch {
  std::vector<std::int32_t> cost;      // (nh + 1) x (nr + 1) costs of the current hypothesis
  std::vector<std::uint8_t> op;        // the operation chosen in each cell
  std::vector<std::int32_t> row_a;     // rolling rows for candidate evaluation
  std::vector<std::int32_t> row_b;
  std::vector<std::uint32_t> words;    // the current (shifted) hypothesis
  std::vector<std::uint32_t> shifted;  // a candidate
  std::vector<std::int32_t> align;     // reference position -> hypothesis position
  std::vector<std::int32_t> hyp_err;   // prefix sums of hypothesis error flags
  std::vector<std::int32_t> ref_err;   // prefix sums of reference error flags
  std::vector<std::uint8_t> trace;     // edit operations, reference order
  std::vector<std::uint64_t> eq;       // per current hypothesis word: reference positions holding it
  std::vector<std::uint64_t> shifted_eq;  // the same for a candidate
  std::vector<std::uint64_t> vp;       // bit-parallel state after each prefix of the current hypothesis
  std::vector<std::uint64_t> vn;
  std::vector<std::int32_t> score;
};

// Number of edits (shifts + insertions + deletions + substitutions) turning `hyp` into
// `ref`. An empty reference costs one edit per hypothesis word.
int ter_edits(const std::vector<std::uint32_t>& hyp, const TerReference& ref, TerScratch& scratch);

// Number of edits of the plain beam-restricted Levenshtein distance (no shifts); exposed
// for tests.
int ter_beam_edit_distance(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref);

}  // namespace mtbench::eval
