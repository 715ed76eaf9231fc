#pragma once
// Everything one `mtbench compare` run produced, as plain data: written by the pipeline to
// RUN_DIR/results.json, read back by `mtbench report RUN_DIR` to regenerate tables and the
// HTML report without retraining. The report never sees a system's internals except through
// the explanations stored here.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mtbench::reports {

// A corpus-level score of one metric, with its bootstrap interval.
struct MetricScore {
  std::string metric;            // score name as sacreBLEU prints it: "BLEU", "chrF2++", "TER"
  double score = 0.0;            // corpus score
  std::string signature;         // sacreBLEU signature
  std::string verbose;           // BLEU's verbose part ("59.9/34.0/... (BP = ...)"), else empty
  std::optional<double> mean;    // bootstrap mean (when bootstrap was run)
  std::optional<double> ci;      // bootstrap 95% half-width
  bool higher_is_better = true;  // false for TER
};

// Paired significance between every pair of systems for one metric and one test.
struct SignificanceMatrix {
  std::string metric;                                        // "BLEU", "chrF2++", "TER"
  std::string test;                                          // "bootstrap" or "approximate-randomization"
  std::size_t samples = 0;                                   // resamples / trials
  std::vector<std::string> labels;                           // system labels (rows and columns)
  std::vector<std::vector<std::optional<double>>> p_values;  // [row][col]; nullopt on the diagonal
  std::vector<std::vector<double>> deltas;                   // score(row) - score(col)
};

// One bucket of a compare-mt-style analysis.
struct Bucket {
  std::string label;                                     // e.g. "10-19 words" or "freq 1", "unseen"
  std::size_t count = 0;                                 // sentences (length) or reference words (frequency)
  std::map<std::string, double> values;                  // system label -> value (BLEU or word F-measure)
  std::map<std::string, std::vector<double>> intervals;  // system label -> [low, high] 95% bootstrap (length buckets)
};

// A salient n-gram difference between two systems (compare-mt's "salient n-grams").
struct NgramDifference {
  std::string ngram;        // the n-gram
  double score = 0.0;       // salience (smoothed ratio of matches in A vs B)
  std::size_t count_a = 0;  // matched occurrences in system A
  std::size_t count_b = 0;  // matched occurrences in system B
};

struct NgramComparison {
  std::string system_a;                   // label of A
  std::string system_b;                   // label of B
  std::vector<NgramDifference> a_better;  // n-grams A gets right more often
  std::vector<NgramDifference> b_better;  // n-grams B gets right more often
};

// Per-system counts: output length, unknown and untranslated words.
struct SystemStatistics {
  double length_ratio = 0.0;           // hypothesis words / reference words
  std::size_t output_words = 0;        // words in the output
  std::size_t unknown_words = 0;       // words the system reported as unknown (explanations)
  std::size_t untranslated_words = 0;  // output words copied verbatim from the source (not in the reference)
};

// All analyses of one test set.
struct Analyses {
  std::vector<Bucket> length_buckets;                  // sentence BLEU by source length bucket
  std::vector<Bucket> frequency_buckets;               // word F-measure by training frequency of reference words
  std::vector<NgramComparison> ngrams;                 // salient n-gram differences between pairs
  std::vector<std::size_t> examples;                   // segment indices where systems differ most
  std::map<std::string, SystemStatistics> statistics;  // system label -> counts
};

// Results on one test set.
struct TestSetResults {
  std::string name;                                                                   // test set name
  std::vector<std::string> source;                                                    // source segments (may be empty)
  std::vector<std::vector<std::string>> references;                                   // references[k][i]
  std::map<std::string, std::vector<std::string>> outputs;                            // system label -> hypotheses
  std::map<std::string, std::vector<MetricScore>> scores;                             // system label -> corpus scores
  std::map<std::string, std::map<std::string, std::vector<double>>> sentence_scores;  // label -> metric -> per segment
  std::vector<SignificanceMatrix> significance;                                       // all-pairs matrices
  Analyses analyses;                                                                  // compare-mt-style analyses
  std::map<std::string, std::vector<nlohmann::json>>
      explanations;  // label -> per-segment explanation JSON (systems/explanation_json.h), null where absent
  std::vector<std::size_t>
      explained_on_demand;  // segments explained after the run (`mtbench explain`), kept by the report
};

// One point of a training log (neural systems).
struct TrainingLogEntry {
  std::uint64_t step = 0;                   // optimizer step
  double epoch = 0.0;                       // fractional epoch
  std::optional<double> loss;               // training loss
  std::optional<double> dev_loss;           // validation loss
  std::optional<double> dev_bleu;           // dev BLEU
  std::optional<double> learning_rate;      // learning rate
  std::optional<double> tokens_per_second;  // throughput
  std::string type;                         // "train", "valid", "average", "end" ("" when unknown)
  std::string note;  // "end": stop reason (max_minutes, patience, ...); "average": "kept N"/"discarded N"
  std::map<std::string, double> grad_norms;  // "train": gradient L2 norm per layer before clipping
};

// One system of the run.
struct SystemResults {
  std::string label;                           // display name (unique in the run)
  std::string system;                          // registry name
  std::string title;                           // SystemInfo::title
  std::string era;                             // SystemInfo::era
  int year = 0;                                // SystemInfo::year
  std::string paradigm;                        // SystemInfo::paradigm
  std::string citation;                        // SystemInfo::citation
  std::string description;                     // SystemInfo::description
  std::string preset;                          // preset used
  std::string model_dir;                       // where the model lives ("" for precomputed outputs)
  double train_seconds = 0.0;                  // training time (0 when cached or external)
  bool train_cached = false;                   // model reused from the cache
  double translate_seconds = 0.0;              // decoding time over all test sets
  double sentences_per_second = 0.0;           // decoding speed
  std::uint64_t model_bytes = 0;               // size of the model directory
  std::optional<std::uint64_t> parameters;     // learned parameters, where the system says
  std::string model_summary;                   // what the model is built from, where the system says
  std::vector<TrainingLogEntry> training_log;  // learning curve (neural systems)
};

// A configured system that is not in the results, and why.
struct LeftOutSystem {
  std::string label;   // its label in the config
  std::string system;  // registry name
  std::string stage;   // "plan" (it does not support the language pair), "training" or "translation"
  std::string reason;  // the error or the unsupported pair, in words
};

// The data-efficiency study (--train-sizes): BLEU against training-set size.
struct DataEfficiency {
  std::string test;                                                // test set used
  std::vector<std::size_t> sizes;                                  // training sizes
  std::map<std::string, std::vector<std::optional<double>>> bleu;  // label -> BLEU per size
};

// The whole run.
struct RunResults {
  std::string mtbench_version;  // version that produced it
  std::string created;          // ISO 8601 time
  std::string corpus;           // dataset name ("" for file-only runs)
  std::string source_lang;      // language pair
  std::string target_lang;
  std::size_t train_size = 0;                              // training segments
  std::map<std::string, std::uint64_t> train_word_counts;  // target-side training word counts (frequency analysis)
  std::vector<SystemResults> systems;                      // in table order
  std::vector<TestSetResults> tests;                       // one per test set
  std::optional<DataEfficiency> data_efficiency;           // when run
  std::vector<LeftOutSystem> left_out;                     // systems skipped or failed (on_unsupported/on_error)
  nlohmann::json manifest;                                 // run manifest (versions, seeds, hashes, machine, timings)
};

nlohmann::json to_json(const RunResults& results);
// Throws DataError naming `origin` on malformed input.
RunResults run_results_from_json(const nlohmann::json& json, const std::string& origin);
// Reads RUN_DIR/results.json.
RunResults load_run_results(const std::filesystem::path& run_dir);
// Writes RUN_DIR/results.json atomically.
void save_run_results(const RunResults& results, const std::filesystem::path& run_dir);

}  // namespace mtbench::reports
