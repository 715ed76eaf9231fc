#pragma once
// BLEU (Papineni et al. 2002) as sacreBLEU 2.6.0 computes it (sacrebleu/metrics/bleu.py):
// per-segment statistics [hyp_len, ref_len, correct_1..N, total_1..N]; brevity penalty against
// the closest reference length (ties: the shorter); clipped n-gram counts are the maximum
// over references; smoothing methods of Chen & Cherry (2014) as sacreBLEU names them.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eval/metric.h"
#include "eval/tokenizers.h"

namespace mtbench::eval {

// Options of Bleu (sacreBLEU's BLEU(...) arguments in parentheses).
struct BleuOptions {
  bool lowercase = false;              // lowercase hypotheses and references (lowercase)
  std::string tokenize = "13a";        // "13a", "intl", "char", "zh", "none" (tokenize)
  std::string smooth_method = "exp";   // "exp", "floor", "add-k", "none" (smooth_method)
  std::optional<double> smooth_value;  // floor: default 0.1; add-k: default 1 (smooth_value)
  int max_ngram_order = 4;             // highest n-gram order, 1..9 (max_ngram_order)
  bool effective_order = false;        // corpus score ignores orders with no n-grams (effective_order)
};

// BLEU's score parts, as sacreBLEU's BLEUScore carries them.
struct BleuDetails {
  double score = 0.0;              // BLEU in 0..100
  std::vector<double> precisions;  // smoothed n-gram precisions in percent, one per order
  double bp = 0.0;                 // brevity penalty
  double ratio = 0.0;              // hyp_len / ref_len (0 when ref_len is 0)
  std::int64_t sys_len = 0;        // hypothesis length in tokens
  std::int64_t ref_len = 0;        // effective reference length in tokens
};

class Bleu : public Metric {
 public:
  explicit Bleu(BleuOptions options = {});
  ~Bleu() override;

  std::string name() const override { return "BLEU"; }
  std::string signature() const override;
  void set_references(const std::vector<std::vector<std::string>>& refs) override;
  std::size_t num_segments() const override;
  StatsMatrix segment_stats(const std::vector<std::string>& hyps) const override;
  Score score_from_stats(const std::vector<double>& stats) const override;
  Score sentence_score_from_stats(const double* row) const override;
  double score_value(const double* stats, std::size_t width) const override;

  // The full result for summed statistics; `effective_order` as for sentence scoring.
  BleuDetails details_from_stats(const double* stats, bool effective_order) const;
  // Statistics per segment: 2 + 2 * max_ngram_order.
  std::size_t stats_width() const { return 2 + 2 * static_cast<std::size_t>(options_.max_ngram_order); }
  const BleuOptions& options() const { return options_; }

  struct RefCache;  // preprocessed references (implementation detail)

 protected:
  // sacreBLEU's BLEUSignature abbreviations.
  std::vector<std::pair<std::string, std::string>> signature_abbreviations() const override {
    return {{"eff", "e"}, {"tok", "tok"}, {"smooth", "s"}};
  }

 private:
  BleuOptions options_;                       // as given (validated)
  double smooth_value_ = 0.0;                 // resolved smoothing value
  std::unique_ptr<BleuTokenizer> tokenizer_;  // from options_.tokenize
  std::unique_ptr<RefCache> refs_;            // set by set_references
  std::string nrefs_ = "1";                   // signature nrefs: "1", "2", ... or "var"
};

}  // namespace mtbench::eval
