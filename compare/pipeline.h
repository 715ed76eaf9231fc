#pragma once
// The `mtbench compare` pipeline: data -> train or load each system (models cached by a hash
// of their configuration and data) -> translate every test set -> score with significance ->
// analyses -> results.json, tables and the HTML report in a run directory.
//
// A run directory holds everything: the effective config, a manifest (versions, seeds, data
// and config hashes, machine, timings), outputs and explanations per system and test set,
// results.json, tables/ and report.html. Every file is written atomically, and every stage
// that finds its output already present reuses it, so an interrupted run resumes where it
// stopped and nothing in an existing run directory is lost.

#include <filesystem>
#include <string>

#include "compare/config.h"
#include "compare/results.h"

namespace mtbench::compare {

// How to run (everything that is not part of the comparison itself).
struct PipelineOptions {
  std::filesystem::path run_dir;      // where the run lives
  std::filesystem::path model_cache;  // trained models by hash (default $MTBENCH_HOME/models)
  int threads = 1;                    // worker threads for training, decoding and scoring
  std::string device = "cpu";         // "cpu" or "cuda" for neural systems
  bool quiet = false;                 // no progress output
  bool retrain = false;               // ignore cached models
  std::size_t max_explained = 200;    // explanations kept per system and test set (first N sentences)
  int nproc = 1;                      // data-parallel processes of every neural training (compare --nproc)
};

// Runs the whole comparison; returns (and saves in run_dir/results.json) the results.
RunResults run_comparison(const CompareConfig& config, const PipelineOptions& options);

// The config as canonical YAML (written to RUN_DIR/config.yaml) and its hash.
std::string config_to_yaml(const CompareConfig& config);

}  // namespace mtbench::compare
