#include "eval/chrf.h"

#include "corpus/error.h"

namespace mtbench::eval {

struct Chrf::RefCache {};

Chrf::Chrf(ChrfOptions options) : options_(std::move(options)) {}
Chrf::~Chrf() = default;
std::string Chrf::signature() const { return ""; }
void Chrf::set_references(const std::vector<std::vector<std::string>>&) { fail("Chrf: not implemented yet"); }
std::size_t Chrf::num_segments() const { return 0; }
StatsMatrix Chrf::segment_stats(const std::vector<std::string>&) const { fail("Chrf: not implemented yet"); }
Score Chrf::score_from_stats(const std::vector<double>&) const { fail("Chrf: not implemented yet"); }
Score Chrf::sentence_score_from_stats(const double*) const { fail("Chrf: not implemented yet"); }

std::string Chrf::name() const { return "chrF2"; }
double Chrf::f_score(const double*) const { return 0; }

}  // namespace mtbench::eval
