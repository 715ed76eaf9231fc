#pragma once
// Symmetrization of two directional alignments (Och & Ney 2003 §4.1; Koehn et al. 2003 §3.2,
// the grow-diag-final heuristics as Moses' symal applies them).

#include <string>

#include "systems/alignment/ibm_align.h"

namespace mtbench::alignment {

enum class Symmetrization { kIntersect, kUnion, kGrowDiag, kGrowDiagFinal, kGrowDiagFinalAnd };

// Parses "intersect", "union", "grow-diag", "grow-diag-final", "grow-diag-final-and" (alias
// "gdfa", "gdf", "gd"); throws ConfigError listing the valid names otherwise.
Symmetrization parse_symmetrization(const std::string& name);
std::string symmetrization_name(Symmetrization method);

// Combines the links of both directions (both given as (source, target) pairs) of a sentence
// pair with `source_length` and `target_length` tokens. Links outside the lengths are a DataError.
Alignment symmetrize(const Alignment& forward, const Alignment& reverse, int source_length, int target_length,
                     Symmetrization method);

}  // namespace mtbench::alignment
