#include "systems/alignment/symmetrize.h"

#include <algorithm>
#include <vector>

#include "base/error.h"

namespace mtbench::alignment {

Symmetrization parse_symmetrization(const std::string& name) {
  if (name == "intersect" || name == "intersection") return Symmetrization::kIntersect;
  if (name == "union") return Symmetrization::kUnion;
  if (name == "grow-diag" || name == "gd") return Symmetrization::kGrowDiag;
  if (name == "grow-diag-final" || name == "gdf") return Symmetrization::kGrowDiagFinal;
  if (name == "grow-diag-final-and" || name == "gdfa") return Symmetrization::kGrowDiagFinalAnd;
  fail<ConfigError>(
      "unknown symmetrization '{}' (valid: intersect, union, grow-diag, grow-diag-final, "
      "grow-diag-final-and)",
      name);
}

std::string symmetrization_name(Symmetrization method) {
  switch (method) {
    case Symmetrization::kIntersect:
      return "intersect";
    case Symmetrization::kUnion:
      return "union";
    case Symmetrization::kGrowDiag:
      return "grow-diag";
    case Symmetrization::kGrowDiagFinal:
      return "grow-diag-final";
    case Symmetrization::kGrowDiagFinalAnd:
      return "grow-diag-final-and";
  }
  return "?";
}

namespace {

// A dense source x target link matrix.
struct Grid {
  int I, J;
  std::vector<char> cells;
  Grid(int i, int j) : I(i), J(j), cells(static_cast<std::size_t>(i) * j, 0) {}
  char& at(int i, int j) { return cells[static_cast<std::size_t>(i) * J + j]; }
};

void fill(Grid& g, const Alignment& links, const char* which) {
  for (auto [s, t] : links) {
    if (s < 0 || t < 0 || s >= g.I || t >= g.J)
      fail<DataError>("{} alignment link {}-{} outside a {}x{} sentence pair", which, s, t, g.I, g.J);
    g.at(s, t) = 1;
  }
}

}  // namespace

Alignment symmetrize(const Alignment& forward, const Alignment& reverse, int source_length, int target_length,
                     Symmetrization method) {
  const int I = source_length, J = target_length;
  Grid f(I, J), r(I, J), a(I, J);
  fill(f, forward, "forward");
  fill(r, reverse, "reverse");
  std::vector<char> src_aligned(I, 0), tgt_aligned(J, 0);
  auto add = [&](int i, int j) {
    a.at(i, j) = 1;
    src_aligned[i] = tgt_aligned[j] = 1;
  };
  for (int i = 0; i < I; ++i)
    for (int j = 0; j < J; ++j) {
      const bool in_f = f.at(i, j), in_r = r.at(i, j);
      if (method == Symmetrization::kUnion ? (in_f || in_r) : (in_f && in_r)) add(i, j);
    }
  if (method != Symmetrization::kIntersect && method != Symmetrization::kUnion) {
    // grow-diag: repeatedly add union points neighbouring (incl. diagonally) an existing
    // point when one of their words is still unaligned.
    static const int kNeighbours[8][2] = {{-1, 0}, {0, -1}, {1, 0}, {0, 1}, {-1, -1}, {-1, 1}, {1, -1}, {1, 1}};
    bool added = true;
    while (added) {
      added = false;
      for (int i = 0; i < I; ++i)
        for (int j = 0; j < J; ++j) {
          if (!a.at(i, j)) continue;
          for (const auto& d : kNeighbours) {
            const int ni = i + d[0], nj = j + d[1];
            if (ni < 0 || nj < 0 || ni >= I || nj >= J || a.at(ni, nj)) continue;
            if ((!src_aligned[ni] || !tgt_aligned[nj]) && (f.at(ni, nj) || r.at(ni, nj))) {
              add(ni, nj);
              added = true;
            }
          }
        }
    }
    if (method != Symmetrization::kGrowDiag) {
      // final(-and): add remaining directional points touching an unaligned word (either
      // word for "final", both words for "final-and"), first forward then reverse.
      const bool both = method == Symmetrization::kGrowDiagFinalAnd;
      for (Grid* g : {&f, &r})
        for (int i = 0; i < I; ++i)
          for (int j = 0; j < J; ++j) {
            if (!g->at(i, j) || a.at(i, j)) continue;
            const bool ok = both ? (!src_aligned[i] && !tgt_aligned[j]) : (!src_aligned[i] || !tgt_aligned[j]);
            if (ok) add(i, j);
          }
    }
  }
  Alignment out;
  for (int i = 0; i < I; ++i)
    for (int j = 0; j < J; ++j)
      if (a.at(i, j)) out.emplace_back(i, j);
  return out;
}

}  // namespace mtbench::alignment
