#pragma once
// The options of `mtbench score`, shared by its files (score_command.cc, score_inputs.cc,
// score_tables.cc).

#include <optional>
#include <string>
#include <vector>

namespace mtbench::cli {

// Options of `mtbench score` (sacrebleu's argument names in parentheses where they differ).
struct ScoreOptions {
  std::vector<std::string> refs;                // reference files (positional)
  std::string test_set;                         // -t: a registered test set instead of reference files
  std::string language_pair;                    // -l: its language pair, e.g. en-de
  std::string echo;                             // --echo src|ref|origlang|docid: print that field of -t
  bool list = false;                            // --list: the test sets (with -t: its pairs)
  std::string origlang;                         // --origlang xx or non-xx: segments by original language
  std::vector<std::string> inputs;              // system files (-i); stdin when empty
  bool input_given = false;                     // -i appeared (possibly without files)
  std::vector<std::string> metrics = {"bleu"};  // bleu, chrf, ter (-m)
  int num_refs = 1;                             // tab-separated references per line (-nr)
  std::string encoding = "utf-8";               // only UTF-8 is supported (-e)
  bool sentence_level = false;                  // per-segment scores (-sl)
  // BLEU
  std::string tokenize;                // -tok; empty = 13a
  bool lowercase = false;              // -lc
  std::string smooth_method = "exp";   // -s
  std::optional<double> smooth_value;  // -sv
  bool force = false;                  // accepted for compatibility
  // chrF
  int chrf_char_order = 6, chrf_word_order = 0, chrf_beta = 2;  // -cc, -cw, --chrf-beta
  bool chrf_whitespace = false, chrf_lowercase = false, chrf_eps_smoothing = false;
  // TER
  bool ter_case_sensitive = false, ter_asian_support = false, ter_no_punct = false, ter_normalized = false;
  // statistics
  bool confidence = false;                      // -ci
  int confidence_n = 1000;                      // -cin
  bool paired_bs = false, paired_ar = false;    // -pbs, -par
  int paired_bs_n = 1000, paired_ar_n = 10000;  // -pbsn, -parn
  int paired_jobs = 1;                          // -j (accepted; all cores are used)
  bool all_pairs = false;                       // every pair of systems (mtbench)
  std::string segment_scores;                   // JSONL of per-segment scores (mtbench)
  // reporting
  bool quiet = false, short_signature = false, score_only = false, no_color = false;
  int width = 1;                // -w
  std::string format = "json";  // -f json|text|latex
};

}  // namespace mtbench::cli
