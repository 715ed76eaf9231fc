#pragma once
// compare-mt-style analyses of several systems' outputs on one test set (Neubig et al. 2019,
// "compare-mt: A Tool for Holistic Comparison of Language Generation Systems"):
//  - corpus BLEU per source-sentence length bucket (the figure of Bahdanau et al. 2014,
//  sec. 5.2.1);
//  - word F-measure per training-frequency bucket of the words (compare-mt's word accuracy);
//  - salient n-gram differences between two systems (compare-mt's smoothed match ratio);
//  - the segments where the systems' sentence scores differ most;
//  - per-system length ratio, unknown and untranslated words.
// Words are sacreBLEU's 13a tokens (eval/tokenizers.h), case-sensitive, so the analyses count
// the same units as BLEU. Word-level analyses use the first reference stream, as compare-mt
// takes one reference; BLEU buckets use all references.

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mtbench::eval {

// Options of the analyses (compare-mt's argument names in parentheses).
struct AnalysisOptions {
  std::vector<std::uint64_t> length_edges = {
      10, 15, 20, 25, 30, 40, 50};  // source-length bucket starts after the first (bucket_cutoffs)
  std::vector<std::uint64_t> frequency_edges = {1,  2,   4,   8,   16,  32,
                                                64, 128, 256, 512, 1000};  // training-frequency bucket starts after 0
  int min_ngram_order = 1;                // shortest n-gram compared (min_ngram_length)
  int max_ngram_order = 4;                // longest n-gram compared (max_ngram_length)
  double ngram_alpha = 1.0;               // salience smoothing (alpha)
  std::size_t ngram_top = 15;             // n-grams reported per direction (report_length)
  std::size_t max_ngram_pairs = 28;       // system pairs compared, in order (8 systems = all pairs)
  std::size_t examples = 30;              // segments kept where the systems differ most (report_length)
  std::size_t min_bucket_sentences = 10;  // smaller length buckets are merged into their neighbour
  int bucket_bootstrap_samples = 1000;    // resamples for each length bucket's interval (0 = none)
};

// One bucket: its label, how many items fall in it, one value per system (in input order).
struct BucketValues {
  std::string label;           // "10-14" (length) or "2-3" (frequency), "50+", "0"
  std::size_t count = 0;       // sentences (length) or reference words (frequency)
  std::vector<double> values;  // per system: corpus BLEU (length) or word F-measure in 0..1 (frequency)
  std::vector<std::pair<double, double>> intervals;  // per system, length buckets: 95% bootstrap interval of BLEU
};

// One n-gram with its salience between systems A and B.
struct NgramSalience {
  std::string ngram;        // tokens joined by single spaces
  double score = 0.0;       // (m_A + alpha) / (m_A + m_B + 2 alpha); 1 = only A matches it
  std::size_t count_a = 0;  // occurrences in A matching the reference (clipped)
  std::size_t count_b = 0;  // same for B
};

// The most salient n-grams in each direction.
struct SalientNgrams {
  std::vector<NgramSalience> a_better;  // highest salience first
  std::vector<NgramSalience> b_better;  // lowest salience first
};

// Counts about one system's output.
struct OutputCounts {
  std::size_t output_words = 0;        // 13a tokens in the output
  std::size_t reference_words = 0;     // 13a tokens in the first reference
  double length_ratio = 0.0;           // output_words / reference_words (0 without reference words)
  std::size_t untranslated_words = 0;  // output tokens with a letter that occur in the segment's
                                       // source but in none of its references
};

// Splits a segment into 13a tokens.
std::vector<std::string> words_13a(const std::string& segment);

// Bucket index of `value` given ascending bucket starts `edges`: 0 for value < edges[0], i for
// edges[i-1] <= value < edges[i], edges.size() for value >= edges.back().
std::size_t bucket_of(std::uint64_t value, const std::vector<std::uint64_t>& edges);
// Labels of those buckets: "0-9", "10-14", ..., "50+" (single values as "1").
std::vector<std::string> bucket_labels(const std::vector<std::uint64_t>& edges);

// Corpus BLEU (sacreBLEU defaults) of each system on the segments of each source-length bucket
// (source length in 13a tokens). Buckets without segments are left out; a bucket with fewer
// than `min_bucket_sentences` is merged into its neighbour (the previous one; the first into the
// next), its label spanning both ("25+"): one sentence's BLEU is no point of a curve. With
// `bootstrap_samples` > 0 each bucket also gets a 95% paired-bootstrap percentile interval per
// system (the bucket's sentences resampled; fixed seed). Throws Error when the sizes of source,
// references and outputs differ.
std::vector<BucketValues> bleu_by_source_length(const std::vector<std::string>& source,
                                                const std::vector<std::vector<std::string>>& references,
                                                const std::vector<std::vector<std::string>>& outputs,
                                                const std::vector<std::uint64_t>& edges,
                                                std::size_t min_bucket_sentences = 1, int bootstrap_samples = 0);

// Word F-measure (in 0..1) of each system per bucket of training frequency: a word's bucket is its
// count in `train_counts` (0 when absent); per segment a word type matches min(count in output,
// count in reference) times, as compare-mt's bag-of-words matching; precision and recall are
// summed over the bucket's words. Buckets without reference or output words are left out.
std::vector<BucketValues> fmeasure_by_frequency(const std::vector<std::string>& reference,
                                                const std::vector<std::vector<std::string>>& outputs,
                                                const std::map<std::string, std::uint64_t>& train_counts,
                                                const std::vector<std::uint64_t>& edges);

// compare-mt's salient n-grams (compare_type "match"): n-grams of the outputs matched in the
// reference (clipped per segment, in output order), scored by the smoothed ratio above; ties
// broken by the larger total count, then alphabetically, so the order is deterministic.
SalientNgrams salient_ngrams(const std::vector<std::string>& reference, const std::vector<std::string>& output_a,
                             const std::vector<std::string>& output_b, const AnalysisOptions& options);

// Sentence BLEU (sacreBLEU's sentence_score: exp smoothing, effective order) of each segment.
std::vector<double> sentence_bleu(const std::vector<std::vector<std::string>>& references,
                                  const std::vector<std::string>& output);

// The `n` segments with the largest spread (max - min) of the systems' sentence scores,
// largest first (ties: lower index first). scores[s][i] = system s on segment i.
std::vector<std::size_t> most_different_segments(const std::vector<std::vector<double>>& scores, std::size_t n);

// Length and untranslated-word counts of one output.
OutputCounts output_counts(const std::vector<std::string>& source,
                           const std::vector<std::vector<std::string>>& references,
                           const std::vector<std::string>& output);

}  // namespace mtbench::eval
