#pragma once
// The edit-distance kernels behind TER (see ter_shift.h for the shift search): sacreBLEU's
// beam-restricted Levenshtein matrix (lib_ter.py BeamEditDistance: unit costs, a band of
// +-25 columns around the length-ratio diagonal, ties broken match/substitution, deletion,
// insertion) and Myers' bit-parallel distance (Myers 1999, in Hyyro's 2001 formulation),
// which equals the banded distance whenever it is below the cost of leaving the band.
// Words are integer ids; "hypothesis" rows i, "reference" columns j as in sacreBLEU.

#include <cstdint>
#include <vector>

namespace mtbench::eval {

// Scratch memory for ter_edits (one per thread); reused so the inner loops never allocate.
struct TerScratch {
  std::vector<std::int32_t> cost;   // (nh + 1) x (nr + 1) costs of the current hypothesis
  std::vector<std::uint8_t> op;     // the operation chosen in each cell
  std::vector<std::int32_t> row_a;  // rolling rows for candidate evaluation
  std::vector<std::int32_t> row_b;
  std::vector<std::uint32_t> words;       // the current (shifted) hypothesis
  std::vector<std::uint32_t> shifted;     // a candidate
  std::vector<std::int32_t> align;        // reference position -> hypothesis position
  std::vector<std::int32_t> hyp_err;      // prefix sums of hypothesis error flags
  std::vector<std::int32_t> ref_err;      // prefix sums of reference error flags
  std::vector<std::uint8_t> trace;        // edit operations, reference order
  std::vector<std::uint64_t> eq;          // per current hypothesis word: reference positions holding it
  std::vector<std::uint64_t> shifted_eq;  // the same for a candidate
  std::vector<std::uint64_t> vp;          // bit-parallel state after each prefix of the current hypothesis
  std::vector<std::uint64_t> vn;
  std::vector<std::int32_t> score;
};

namespace ter_internal {

// Half-width of the band (tercom's and sacreBLEU's beam width).
constexpr int kBeamWidth = 25;
// Unreachable cell (sacreBLEU: int(1e16)); any sum involving it is >= kInf and never wins.
constexpr std::int32_t kInf = 1 << 29;

// Edit operations of the distance matrix, in sacreBLEU's orientation: kDel consumes a
// hypothesis word, kIns a reference word.
enum Op : std::uint8_t { kNop, kSub, kIns, kDel, kUndef };

// The band of columns computed in each row: +-width around floor(i * nr / nh), the last
// row complete (sacreBLEU's BeamEditDistance._edit_distance).
struct Band {
  int nh = 0;              // hypothesis length (rows)
  int nr = 0;              // reference length (columns)
  double ratio = 1.0;      // nr / nh (1 for an empty hypothesis)
  int width = kBeamWidth;  // half-width, widened for very different lengths

  Band(int nh_, int nr_);
  // Columns [lo, hi) of row i >= 1.
  void range(int i, int& lo, int& hi) const;
};

// Full banded matrix with operations for `w` (the current hypothesis) into s.cost/s.op;
// returns the distance.
std::int32_t full_distance(const std::vector<std::uint32_t>& w, const std::vector<std::uint32_t>& r, TerScratch& s);
// The operations on the best path of that matrix, from the last cell back, into s.trace.
void trace_from_matrix(int nh, int nr, TerScratch& s);
// Banded distance of candidate `c` whose first `prefix` words equal the current hypothesis
// (whose matrix rows are reused when `have_matrix`); returns a value > limit as soon as a
// lower bound exceeds `limit`; `current` is returned for an unchanged candidate.
std::int32_t candidate_distance(const std::vector<std::uint32_t>& c, const std::vector<std::uint32_t>& r, int prefix,
                                std::int32_t limit, TerScratch& s, bool have_matrix, std::int32_t current);
// Lower bound on the cost of any path leaving the band; kInf when the band is everything.
std::int32_t band_exit_cost(int nh, int nr);
// Bit-parallel plain distance to a reference of nr <= 64 words, hypothesis words given as
// eq[k] (the reference positions holding word k), starting from the state after `prefix`
// words stored by bitparallel_prefixes; returns a value > limit once it must exceed it.
std::int32_t bitparallel_distance(const std::vector<std::uint64_t>& eq, int nr, int prefix, std::int32_t limit,
                                  const TerScratch& s);
// The bit-parallel states after every prefix of the current hypothesis, into s.vp/vn/score.
void bitparallel_prefixes(const std::vector<std::uint64_t>& eq, int nr, TerScratch& s);
// trace_from_matrix's result recovered from those states (valid when the plain distance is
// below band_exit_cost).
void trace_from_bits(const std::vector<std::uint32_t>& w, const std::vector<std::uint32_t>& r, TerScratch& s);

}  // namespace ter_internal
}  // namespace mtbench::eval
