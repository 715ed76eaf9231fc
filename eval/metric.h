#pragma once
// The one interface every metric implements, built on per-segment sufficient statistics
// (as sacreBLEU 2.x does): a corpus score is the score of the summed statistics, so
// resampling tests (bootstrap, approximate randomization) only add rows of numbers.

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace mtbench::eval {

// Per-segment sufficient statistics: `rows` segments x `width` numbers, row-major.
// Counts are stored as double (exact up to 2^53) so all metrics share one representation.
struct StatsMatrix {
  std::size_t rows = 0;        // number of segments
  std::size_t width = 0;       // statistics per segment (fixed per metric configuration)
  std::vector<double> values;  // rows * width numbers

  const double* row(std::size_t i) const { return values.data() + i * width; }
  double* row(std::size_t i) { return values.data() + i * width; }
  // Column sums over all rows (the corpus-level statistics).
  std::vector<double> sum() const;
  // Sum of the rows listed in `indices` (with repetition, for bootstrap samples).
  std::vector<double> sum(const std::vector<std::size_t>& indices) const;
};

// A score as sacreBLEU reports it.
struct Score {
  std::string name;     // "BLEU", "chrF2", "chrF2++", "TER" (sacreBLEU's score names)
  double score = 0.0;   // the number (BLEU/chrF in 0..100; TER in 0..100+, lower is better)
  std::string verbose;  // BLEU's "59.9/34.0/21.8/14.4 (BP = ... ref_len = N)"; empty otherwise
  // sacreBLEU's text form: "BLEU = 25.21 59.9/34.0/... (BP = ...)" or "chrF2 = 57.83".
  std::string text(int width = 2) const;
};

// References regrouped per segment, with sacreBLEU's rules (metrics/base.py
// _cache_references): empty reference lines are dropped when the segment has another
// reference; the signature's nrefs is the per-segment count, or "var" when it varies.
// Deliberate difference: where every reference of a segment is empty sacreBLEU stops with
// an error; we keep one empty reference (nothing matches it, TER counts every hypothesis
// word as an edit) and leave that segment out of the nrefs count.
struct SegmentReferences {
  std::vector<std::vector<const std::string*>> segments;  // per segment, its references
  std::string nrefs = "1";                                // "1", "2", ... or "var"
};
// Throws Error when the streams differ in length (naming the stream and both counts) or
// when there are no streams.
SegmentReferences group_references(const std::vector<std::vector<std::string>>& refs);

// Throws Error naming both counts when a system's hypotheses and the references differ.
void check_segment_count(std::size_t hypotheses, std::size_t references, const std::string& metric);

// Runs fn(i, worker) for every i in [0, n) on all cores (OpenMP, dynamic schedule), with
// 0 <= worker < parallel_workers() identifying the thread (for per-thread scratch buffers).
// The first exception thrown by fn is rethrown after the loop.
void parallel_for(std::size_t n, const std::function<void(std::size_t, int)>& fn);
// The number of workers parallel_for uses.
int parallel_workers();

class Metric {
 public:
  virtual ~Metric() = default;

  // Score name as sacreBLEU prints it, e.g. "BLEU", "chrF2++", "TER".
  virtual std::string name() const = 0;
  // sacreBLEU-compatible signature, e.g. "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0".
  // Reflects the number of references set (nrefs) once set_references() was called.
  virtual std::string signature() const = 0;
  // sacreBLEU's --short form of a signature of this metric (signature(), possibly with test
  // fields added by signature_with_test): every key abbreviated as sacreBLEU's Signature
  // classes do, the shared keys here and the metric's own from signature_abbreviations().
  std::string short_signature(const std::string& signature) const;
  // True for BLEU and chrF, false for TER.
  virtual bool higher_is_better() const { return true; }

  // Preprocesses and caches the references: refs[k][i] is segment i of reference stream k.
  // Every stream must have the same length; an empty string is an empty reference (sacreBLEU
  // skips empty references when several are given). Reused for every scored system.
  virtual void set_references(const std::vector<std::vector<std::string>>& refs) = 0;
  // Number of segments of the cached references.
  virtual std::size_t num_segments() const = 0;

  // Sufficient statistics of each hypothesis segment against the cached references.
  // hyps.size() must equal num_segments() (Error naming both counts otherwise).
  virtual StatsMatrix segment_stats(const std::vector<std::string>& hyps) const = 0;
  // The corpus score of (summed) statistics.
  virtual Score score_from_stats(const std::vector<double>& stats) const = 0;
  // Sentence-level score of one segment's statistics row (BLEU uses effective order here, as
  // sacreBLEU's sentence_score does).
  virtual Score sentence_score_from_stats(const double* row) const = 0;

  // The score alone from summed statistics (`width` numbers). Resampling tests call this
  // thousands of times; metrics override it to skip formatting.
  virtual double score_value(const double* stats, std::size_t width) const;
  // The same from float32 sums, with the arithmetic sacreBLEU's numpy bootstrap applies to
  // this metric (eval/significance.cc explains why it differs per metric). Default: promote
  // the sums to float64 and use score_value.
  virtual double score_value_float32(const float* stats, std::size_t width) const;

  // Conveniences built on the above.
  Score corpus_score(const std::vector<std::string>& hyps) const { return score_from_stats(segment_stats(hyps).sum()); }

 protected:
  // (key, abbreviation) of the metric's own signature keys, e.g. BLEU's ("smooth", "s").
  virtual std::vector<std::pair<std::string, std::string>> signature_abbreviations() const { return {}; }
};

}  // namespace mtbench::eval
