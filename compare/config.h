#pragma once
// The typed configuration of `mtbench compare`, parsed from YAML. Unknown keys, wrong types
// and unknown systems are ConfigErrors naming the key and the file, raised before any work.

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::compare {

// A test set: either a split of the configured dataset, or explicit files.
struct TestSetConfig {
  std::string name;                               // label in tables ("test_2016_flickr", "newstest2017")
  std::string split;                              // dataset split to fetch (empty when files are given)
  std::filesystem::path source;                   // explicit source file (may be empty for output-only runs)
  std::vector<std::filesystem::path> references;  // explicit reference files (several = multi-ref)
  std::filesystem::path tsv;                      // explicit TSV file: source<TAB>reference
  std::string sacrebleu;                          // a registered sacreBLEU test set ("wmt17"), in the run's pair
  int join = 1;  // >1: every `join` consecutive segments joined into one (long sentences)
};

// Training or dev data given as files instead of a dataset split: two line-aligned files
// (plain or gzip) or one TSV file with the source in column 1 and the target in column 2.
struct DataFilesConfig {
  std::filesystem::path source;  // source-side file
  std::filesystem::path target;  // target-side file
  std::filesystem::path tsv;     // or: one TSV file holding both sides

  bool empty() const { return source.empty() && target.empty() && tsv.empty(); }
};

// One system in the comparison.
struct SystemConfig {
  std::string label;                                     // unique display name (defaults to the system name)
  std::string system;                                    // registry name ("rule-based", "external", a plugin)
  std::string preset;                                    // preset for training (default: the run's preset)
  std::string options_yaml;                              // system-specific options, passed through as YAML text
  std::map<std::string, std::filesystem::path> outputs;  // test set name -> precomputed output file
};

// Significance testing.
struct SignificanceConfig {
  int bootstrap_samples = 1000;      // paired bootstrap resamples (0 = off)
  int randomization_trials = 10000;  // approximate randomization trials (0 = off)
  bool all_pairs = true;             // test every pair of systems (else against the first)
};

// The whole run.
struct CompareConfig {
  std::filesystem::path origin;                                // file the config came from ("<default>" if built in)
  std::string corpus = "multi30k";                             // dataset registry name (empty for file-only runs)
  std::string source_lang = "de";                              // language pair, source side
  std::string target_lang = "en";                              // language pair, target side
  std::string train_split = "train";                           // split used for training
  std::string dev_split = "val";                               // split used for tuning/validation
  DataFilesConfig train_files;                                 // training data as files (overrides train_split)
  DataFilesConfig dev_files;                                   // dev data as files (overrides dev_split)
  std::string preset = "quick";                                // default preset for every system
  std::vector<TestSetConfig> test_sets;                        // evaluated test sets
  std::vector<SystemConfig> systems;                           // compared systems, in table order
  std::vector<std::string> metrics = {"bleu", "chrf", "ter"};  // metrics to report
  SignificanceConfig significance;                             // significance tests
  std::vector<std::string> analyses = {"length", "frequency", "ngrams", "examples"};  // analyses
  std::vector<std::size_t> train_sizes;  // data-efficiency study sizes (empty = off)
  std::uint64_t seed = 1234;             // seed for training and sampling
  std::vector<std::string> pairs;        // several language pairs ("de-en"): one run each (empty: `pair` only)
  std::string on_unsupported = "error";  // a system without support for the pair: "error" or "skip" it
  std::string on_error = "stop";         // a system failing mid-run: "stop" the run or "continue" without it
};

// Parses YAML text; `origin` names the file in error messages.
CompareConfig parse_compare_config(const std::string& yaml_text, const std::filesystem::path& origin);
// Reads and parses a config file (Error if missing).
CompareConfig load_compare_config(const std::filesystem::path& path);
// The default benchmark: configs/default.yaml (embedded at build time), i.e. Multi30k De->En,
// the four built-in eras with the quick preset, test_2016_flickr.
CompareConfig default_compare_config();
// The text of configs/default.yaml.
std::string_view default_config_yaml();
// Largest accepted significance sample counts (a typo like 2000000000 fails up front, not
// after hours of training).
inline constexpr int kMaxSignificanceSamples = 1'000'000;

// "de-en": two codes of letters (at most 8 each) joined by one '-'.
bool is_language_pair(const std::string& pair);

// One config per language pair of `config.pairs` (each with its pair set and `pairs`
// cleared), or `config` itself when it lists none. Pairs need dataset data: files are of one
// pair, so `train`/`dev` files or file test sets with several pairs are a ConfigError.
std::vector<CompareConfig> configs_per_pair(const CompareConfig& config);

// A label or test-set name as a file name in the run directory: letters, digits, '.', '-'
// and '_' kept, every other byte '_'.
std::string label_file_name(const std::string& label);

// Checks references to the outside world: registered system names, existing files, known
// metrics, non-empty lists and labels, labels and test-set names whose file names differ,
// sample counts within limits. Throws ConfigError naming the key and the config file.
void validate_compare_config(const CompareConfig& config, const std::vector<std::string>& known_systems);

}  // namespace mtbench::compare
