#pragma once
// TER (Snover et al. 2006) as sacreBLEU 2.6.0 computes it (sacrebleu/metrics/ter.py and
// lib_ter.py, a port of tercom 0.7.25): the tercom tokenizer/normalizer, then a greedy
// search for block shifts followed by a word-level edit distance. Per-segment statistics
// are [edits against the best reference, average reference length]; corpus TER is
// total edits / total average reference length.

#include <memory>
#include <string>
#include <vector>

#include "eval/metric.h"

namespace mtbench::eval {

// Options of Ter (sacreBLEU's TER(...) arguments in parentheses).
struct TerOptions {
  bool normalized = false;      // tercom's normalization (normalized)
  bool no_punct = false;        // remove punctuation (no_punct)
  bool asian_support = false;   // split CJK characters and Japanese punctuation (asian_support)
  bool case_sensitive = false;  // keep case (case_sensitive); tercom's default lowercases
};

// The tercom tokenization sacreBLEU's TercomTokenizer applies to one segment.
std::string tercom_tokenize(const std::string& line, const TerOptions& options);

class Ter : public Metric {
 public:
  explicit Ter(TerOptions options = {});
  ~Ter() override;

  std::string name() const override { return "TER"; }
  std::string signature() const override;
  bool higher_is_better() const override { return false; }
  void set_references(const std::vector<std::vector<std::string>>& refs) override;
  std::size_t num_segments() const override;
  StatsMatrix segment_stats(const std::vector<std::string>& hyps) const override;
  Score score_from_stats(const std::vector<double>& stats) const override;
  Score sentence_score_from_stats(const double* row) const override;
  double score_value(const double* stats, std::size_t width) const override;
  // edits / reference length as a float32 quotient, as numpy 1.x computes it on sacreBLEU's
  // float32 bootstrap sums.
  double score_value_float32(const float* stats, std::size_t width) const override;

  // Statistics per segment: [edits, average reference length].
  std::size_t stats_width() const { return 2; }
  const TerOptions& options() const { return options_; }

  struct RefCache;  // preprocessed references (implementation detail)

 protected:
  // sacreBLEU's TERSignature abbreviations.
  std::vector<std::pair<std::string, std::string>> signature_abbreviations() const override {
    return {{"tok", "t"}, {"norm", "nr"}, {"punct", "pn"}, {"asian", "as"}};
  }

 private:
  TerOptions options_;              // as given
  std::unique_ptr<RefCache> refs_;  // set by set_references
  std::string nrefs_ = "1";         // signature nrefs: "1", "2", ... or "var"
};

}  // namespace mtbench::eval
