#include "eval/ter_distance.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "base/error.h"

namespace mtbench::eval::ter_internal {

Band::Band(int nh_, int nr_) : nh(nh_), nr(nr_) {
  ratio = nh > 0 ? static_cast<double>(nr) / static_cast<double>(nh) : 1.0;
  // Very different lengths: widen so consecutive rows still overlap.
  if (kBeamWidth < ratio / 2) width = static_cast<int>(std::ceil(ratio / 2 + kBeamWidth));
}

void Band::range(int i, int& lo, int& hi) const {
  const int diag = static_cast<int>(std::floor(static_cast<double>(i) * ratio));
  lo = std::max(0, diag - width);
  hi = std::min(nr + 1, diag + width);
  if (i == nh) hi = nr + 1;
}

// Full matrix with operations for `w` (the current hypothesis); returns the distance.
// Tie-breaking as sacreBLEU: substitution/match, then deletion, then insertion.
std::int32_t full_distance(const std::vector<std::uint32_t>& w, const std::vector<std::uint32_t>& r, TerScratch& s) {
  const int nh = static_cast<int>(w.size()), nr = static_cast<int>(r.size());
  const std::size_t width = static_cast<std::size_t>(nr) + 1;
  s.cost.assign((static_cast<std::size_t>(nh) + 1) * width, kInf);
  s.op.assign(s.cost.size(), kUndef);
  for (int j = 0; j <= nr; ++j) {
    s.cost[static_cast<std::size_t>(j)] = j;
    s.op[static_cast<std::size_t>(j)] = kIns;
  }
  const Band band(nh, nr);
  for (int i = 1; i <= nh; ++i) {
    int lo, hi;
    band.range(i, lo, hi);
    const std::int32_t* prev = s.cost.data() + static_cast<std::size_t>(i - 1) * width;
    std::int32_t* cur = s.cost.data() + static_cast<std::size_t>(i) * width;
    std::uint8_t* op = s.op.data() + static_cast<std::size_t>(i) * width;
    const std::uint32_t word = w[static_cast<std::size_t>(i - 1)];
    for (int j = lo; j < hi; ++j) {
      if (j == 0) {
        cur[0] = std::min(prev[0] + 1, kInf);
        op[0] = kDel;
        continue;
      }
      const bool same = word == r[static_cast<std::size_t>(j - 1)];
      std::int32_t best = kInf;
      std::uint8_t best_op = kUndef;
      const std::int32_t sub = prev[j - 1] + (same ? 0 : 1);
      if (best > sub) {
        best = sub;
        best_op = same ? kNop : kSub;
      }
      if (best > prev[j] + 1) {
        best = prev[j] + 1;
        best_op = kDel;
      }
      if (best > cur[j - 1] + 1) {
        best = cur[j - 1] + 1;
        best_op = kIns;
      }
      cur[j] = best;
      op[j] = best_op;
    }
  }
  return s.cost[static_cast<std::size_t>(nh) * width + static_cast<std::size_t>(nr)];
}

// The operations on the best path of the current matrix, from the last cell back.
void trace_from_matrix(int nh, int nr, TerScratch& s) {
  const std::size_t width = static_cast<std::size_t>(nr) + 1;
  s.trace.clear();
  int i = nh, j = nr;
  while (i > 0 || j > 0) {
    const std::uint8_t op = s.op[static_cast<std::size_t>(i) * width + static_cast<std::size_t>(j)];
    s.trace.push_back(op);
    if (op == kNop || op == kSub) {
      --i;
      --j;
    } else if (op == kIns) {
      --j;
    } else if (op == kDel) {
      --i;
    } else {
      fail("TER: unreachable cell ({}, {}) in the edit distance band", i, j);
    }
  }
}

// Distance of candidate `c`, whose first `prefix` words equal the current hypothesis (so
// its matrix rows up to `prefix` are reused). Returns a value > limit as soon as a lower
// bound (row minimum plus the length difference still to cover) exceeds `limit`.
// Without `have_matrix` (the current hypothesis' matrix was not computed) it starts from
// row 0; `current` is the current hypothesis' distance, returned for an unchanged candidate.
std::int32_t candidate_distance(const std::vector<std::uint32_t>& c, const std::vector<std::uint32_t>& r, int prefix,
                                std::int32_t limit, TerScratch& s, bool have_matrix, std::int32_t current) {
  const int nh = static_cast<int>(c.size()), nr = static_cast<int>(r.size());
  const std::size_t width = static_cast<std::size_t>(nr) + 1;
  if (prefix >= nh) return current;
  if (have_matrix) {
    s.row_a.assign(s.cost.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(prefix) * width),
                   s.cost.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(prefix + 1) * width));
  } else {
    prefix = 0;
    s.row_a.resize(width);
    for (std::size_t j = 0; j < width; ++j) s.row_a[j] = static_cast<std::int32_t>(j);
  }
  s.row_b.assign(width, kInf);
  std::int32_t* prev = s.row_a.data();
  std::int32_t* cur = s.row_b.data();
  const Band band(nh, nr);
  for (int i = prefix + 1; i <= nh; ++i) {
    int lo, hi;
    band.range(i, lo, hi);
    // Cells outside the band must read as unreachable in the next row, which looks at
    // columns lo-1 .. its own hi (bands only move right), so only those are reset.
    if (lo > 0) cur[lo - 1] = kInf;
    std::fill(cur + hi, cur + width, kInf);
    const std::uint32_t word = c[static_cast<std::size_t>(i - 1)];
    std::int32_t bound = kInf;
    const int rest_h = nh - i;
    for (int j = lo; j < hi; ++j) {
      std::int32_t v;
      if (j == 0) {
        v = std::min(prev[0] + 1, kInf);
      } else {
        v = prev[j - 1] + (word == r[static_cast<std::size_t>(j - 1)] ? 0 : 1);
        v = std::min(v, prev[j] + 1);
        v = std::min(v, cur[j - 1] + 1);
        v = std::min(v, kInf);
      }
      cur[j] = v;
      bound = std::min(bound, v + std::abs(rest_h - (nr - j)));
    }
    if (bound > limit) return bound;
    std::swap(prev, cur);
  }
  return prev[nr];
}

// A lower bound on the cost of any path through a cell outside the band: reaching (i, j)
// takes at least |i - j| edits and finishing from it |(nh - i) - (nr - j)|. A plain
// (unbanded) distance below this bound is therefore also the banded distance, and the
// plain matrix's best path (with the same tie-breaking) is the banded one. Returns kInf
// when the band covers the whole matrix.
std::int32_t band_exit_cost(int nh, int nr) {
  const Band band(nh, nr);
  std::int32_t best = kInf;
  for (int i = 1; i <= nh; ++i) {
    int lo, hi;
    band.range(i, lo, hi);
    for (int j = 0; j <= nr; ++j) {
      if (j >= lo && j < hi) {
        j = hi - 1;  // skip the band
        continue;
      }
      best = std::min(best, std::abs(i - j) + std::abs((nh - i) - (nr - j)));
    }
  }
  return best;
}

// Bit-parallel Levenshtein distance (Myers 1999; Hyyro 2001) between a reference of
// nr <= 64 words (bit j = reference word j) and a hypothesis given by eq[k], the set of
// reference positions equal to hypothesis word k. Starts from the state after `prefix`
// words (vp/vn/score of the current hypothesis) and returns early with a value > limit as
// soon as score - (words left) exceeds it (the distance drops by at most one per word).
std::int32_t bitparallel_distance(const std::vector<std::uint64_t>& eq, int nr, int prefix, std::int32_t limit,
                                  const TerScratch& s) {
  const int nh = static_cast<int>(eq.size());
  const std::uint64_t top = std::uint64_t{1} << (nr - 1);
  std::uint64_t vp = s.vp[static_cast<std::size_t>(prefix)], vn = s.vn[static_cast<std::size_t>(prefix)];
  std::int32_t score = s.score[static_cast<std::size_t>(prefix)];
  for (int k = prefix; k < nh; ++k) {
    const std::uint64_t e = eq[static_cast<std::size_t>(k)];
    const std::uint64_t xv = e | vn;
    const std::uint64_t xh = (((e & vp) + vp) ^ vp) | e;
    std::uint64_t hp = vn | ~(xh | vp);
    std::uint64_t hn = vp & xh;
    score += (hp & top) ? 1 : 0;
    score -= (hn & top) ? 1 : 0;
    if (score - (nh - k - 1) > limit) return score - (nh - k - 1);
    hp = (hp << 1) | 1;  // row 0 of a global distance grows by one per column
    hn <<= 1;
    vp = hn | ~(xv | hp);
    vn = hp & xv;
  }
  return score;
}

// The bit-parallel states after every prefix of the current hypothesis (for reuse).
void bitparallel_prefixes(const std::vector<std::uint64_t>& eq, int nr, TerScratch& s) {
  const int nh = static_cast<int>(eq.size());
  const std::uint64_t top = std::uint64_t{1} << (nr - 1);
  s.vp.resize(static_cast<std::size_t>(nh) + 1);
  s.vn.resize(static_cast<std::size_t>(nh) + 1);
  s.score.resize(static_cast<std::size_t>(nh) + 1);
  std::uint64_t vp = ~std::uint64_t{0}, vn = 0;
  std::int32_t score = nr;
  for (int k = 0; k <= nh; ++k) {
    s.vp[static_cast<std::size_t>(k)] = vp;
    s.vn[static_cast<std::size_t>(k)] = vn;
    s.score[static_cast<std::size_t>(k)] = score;
    if (k == nh) break;
    const std::uint64_t e = eq[static_cast<std::size_t>(k)];
    const std::uint64_t xv = e | vn;
    const std::uint64_t xh = (((e & vp) + vp) ^ vp) | e;
    std::uint64_t hp = vn | ~(xh | vp);
    std::uint64_t hn = vp & xh;
    score += (hp & top) ? 1 : 0;
    score -= (hn & top) ? 1 : 0;
    hp = (hp << 1) | 1;
    hn <<= 1;
    vp = hn | ~(xv | hp);
    vn = hp & xv;
  }
}

// The same trace as trace_from_matrix for a full band, recovered from the bit-parallel
// states after each hypothesis prefix (s.vp/s.vn): with i hypothesis and j reference
// words, D[i][j] = i + (+1 deltas) - (-1 deltas) among the first j vertical deltas. Ties are
// broken as in the matrix: match/substitution, then deletion, then insertion.
void trace_from_bits(const std::vector<std::uint32_t>& w, const std::vector<std::uint32_t>& r, TerScratch& s) {
  const auto d = [&](int i, int j) {
    const std::uint64_t mask = j >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << j) - 1;
    return i + __builtin_popcountll(s.vp[static_cast<std::size_t>(i)] & mask) -
           __builtin_popcountll(s.vn[static_cast<std::size_t>(i)] & mask);
  };
  s.trace.clear();
  int i = static_cast<int>(w.size()), j = static_cast<int>(r.size());
  while (i > 0 || j > 0) {
    std::uint8_t op;
    if (i == 0) {
      op = kIns;
    } else if (j == 0) {
      op = kDel;
    } else {
      const int here = d(i, j);
      const bool same = w[static_cast<std::size_t>(i - 1)] == r[static_cast<std::size_t>(j - 1)];
      if (d(i - 1, j - 1) + (same ? 0 : 1) == here) {
        op = same ? kNop : kSub;
      } else if (d(i - 1, j) + 1 == here) {
        op = kDel;
      } else {
        op = kIns;
      }
    }
    s.trace.push_back(op);
    if (op == kNop || op == kSub) {
      --i;
      --j;
    } else if (op == kIns) {
      --j;
    } else {
      --i;
    }
  }
}

}  // namespace mtbench::eval::ter_internal
