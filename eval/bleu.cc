#include "eval/bleu.h"

#include "corpus/error.h"

namespace mtbench::eval {

struct Bleu::RefCache {};

Bleu::Bleu(BleuOptions options) : options_(std::move(options)) {}
Bleu::~Bleu() = default;
std::string Bleu::signature() const { return ""; }
void Bleu::set_references(const std::vector<std::vector<std::string>>&) { fail("Bleu: not implemented yet"); }
std::size_t Bleu::num_segments() const { return 0; }
StatsMatrix Bleu::segment_stats(const std::vector<std::string>&) const { fail("Bleu: not implemented yet"); }
Score Bleu::score_from_stats(const std::vector<double>&) const { fail("Bleu: not implemented yet"); }
Score Bleu::sentence_score_from_stats(const double*) const { fail("Bleu: not implemented yet"); }

BleuDetails Bleu::details_from_stats(const double*, bool) const { fail("Bleu: not implemented yet"); }

}  // namespace mtbench::eval
