#include "systems/alignment/symmetrize.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::alignment {
namespace {

std::string sym(const std::string& f, const std::string& r, int I, int J, const std::string& m) {
  return format_pharaoh(symmetrize(parse_pharaoh(f), parse_pharaoh(r), I, J, parse_symmetrization(m)));
}

TEST(Symmetrize, IntersectAndUnion) {
  EXPECT_EQ(sym("0-0 1-1 2-1", "0-0 1-1 1-2", 3, 3, "intersect"), "0-0 1-1");
  EXPECT_EQ(sym("0-0 1-1 2-1", "0-0 1-1 1-2", 3, 3, "union"), "0-0 1-1 1-2 2-1");
}

TEST(Symmetrize, GrowDiagAddsNeighboursOfUnalignedWords) {
  // Intersection 0-0; grow adds 1-1 (diagonal neighbour, both words unaligned), then from 1-1
  // its neighbours 0-2 (target 2 unaligned) and 2-1 (source 2 unaligned).
  EXPECT_EQ(sym("0-0 1-1 2-1", "0-0 0-2", 3, 3, "grow-diag"), "0-0 0-2 1-1 2-1");
  EXPECT_EQ(sym("0-0 1-1", "0-0", 3, 3, "grow-diag"), "0-0 1-1");
  // A union point not adjacent to any alignment point is never grown into.
  EXPECT_EQ(sym("0-0 0-3", "0-0", 4, 4, "grow-diag"), "0-0");
  // final adds it when one of its words is unaligned (target 3) ...
  EXPECT_EQ(sym("0-0 0-3", "0-0", 4, 4, "grow-diag-final"), "0-0 0-3");
  // ... final-and only when both are: source 0 is aligned, so 0-3 stays out.
  EXPECT_EQ(sym("0-0 0-3", "0-0", 4, 4, "gdfa"), "0-0");
  // An isolated point with both words unaligned is added by final-and.
  EXPECT_EQ(sym("0-0 2-3", "0-0", 4, 4, "grow-diag"), "0-0");
  EXPECT_EQ(sym("0-0 2-3", "0-0", 4, 4, "gdfa"), "0-0 2-3");
}

TEST(Symmetrize, GrowDiagFinalExamplesFromMoses) {
  // A 4x4 case: crossing links of the two directions.
  const std::string f = "0-0 1-2 2-1 3-3", r = "0-0 1-1 2-2 3-3";
  EXPECT_EQ(sym(f, r, 4, 4, "intersect"), "0-0 3-3");
  // grow-diag scans points in (source, target) order: 1-1 (diagonal to 0-0, both words free),
  // then from 1-1 its neighbours 1-2 (target 2 free) and 2-1 (source 2 free); 2-2 then has
  // both words aligned and is left out. Order-dependent, like Moses' symal.
  EXPECT_EQ(sym(f, r, 4, 4, "grow-diag"), "0-0 1-1 1-2 2-1 3-3");
  EXPECT_EQ(sym(f, r, 4, 4, "grow-diag-final"), "0-0 1-1 1-2 2-1 3-3");
  EXPECT_EQ(sym(f, r, 4, 4, "union"), "0-0 1-1 1-2 2-1 2-2 3-3");
}

TEST(Symmetrize, Errors) {
  EXPECT_THROW(parse_symmetrization("grow"), ConfigError);
  EXPECT_THROW(symmetrize(parse_pharaoh("5-0"), {}, 3, 3, Symmetrization::kUnion), DataError);
  EXPECT_EQ(symmetrization_name(parse_symmetrization("gdfa")), "grow-diag-final-and");
}

}  // namespace
}  // namespace mtbench::alignment
