#pragma once
// chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2.6.0 computes them
// (sacrebleu/metrics/chrf.py): per-segment statistics are, for each character order 1..nc
// and then each word order 1..nw, the triple [hyp n-grams, ref n-grams, matching n-grams];
// with several references each segment keeps the statistics of its best-scoring reference.

#include <memory>
#include <string>
#include <vector>

#include "eval/metric.h"

namespace mtbench::eval {

// Options of Chrf (sacreBLEU's CHRF(...) arguments in parentheses).
struct ChrfOptions {
  int char_order = 6;          // character n-gram order (char_order)
  int word_order = 0;          // word n-gram order; 2 gives chrF++ (word_order)
  double beta = 2.0;           // recall weight in the F-score (beta)
  bool lowercase = false;      // lowercase before extracting n-grams (lowercase)
  bool whitespace = false;     // keep whitespace in character n-grams (whitespace)
  bool eps_smoothing = false;  // chrF.cpp/Moses-style epsilon smoothing instead of the
                               // chrF++ paper's effective-order averaging (eps_smoothing)
};

class Chrf : public Metric {
 public:
  explicit Chrf(ChrfOptions options = {});
  ~Chrf() override;

  // "chrF2", "chrF2++" (word order 2), "chrF1+" (word order 1) ...
  std::string name() const override;
  std::string signature() const override;
  void set_references(const std::vector<std::vector<std::string>>& refs) override;
  std::size_t num_segments() const override;
  StatsMatrix segment_stats(const std::vector<std::string>& hyps) const override;
  Score score_from_stats(const std::vector<double>& stats) const override;
  Score sentence_score_from_stats(const double* row) const override;
  double score_value(const double* stats, std::size_t width) const override;
  // Per-order precision and recall as float32 quotients (promoted afterwards), as numpy 1.x
  // computes them on sacreBLEU's float32 bootstrap sums.
  double score_value_float32(const float* stats, std::size_t width) const override;

  // Statistics per segment: 3 * (char_order + word_order).
  std::size_t stats_width() const { return 3 * static_cast<std::size_t>(options_.char_order + options_.word_order); }
  const ChrfOptions& options() const { return options_; }

  struct RefCache;  // preprocessed references (implementation detail)

 protected:
  // sacreBLEU's CHRFSignature abbreviations.
  std::vector<std::pair<std::string, std::string>> signature_abbreviations() const override {
    return {{"eff", "e"}, {"nc", "nc"}, {"nw", "nw"}, {"space", "s"}};
  }

 private:
  ChrfOptions options_;             // as given (validated)
  std::unique_ptr<RefCache> refs_;  // set by set_references
  std::string nrefs_ = "1";         // signature nrefs: "1", "2", ... or "var"
};

}  // namespace mtbench::eval
