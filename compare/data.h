#pragma once
// Data loading for the compare pipeline: training/dev data and test sets (from the dataset
// registry or explicit files, with checksums), training logs, and model cache keys.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compare/config.h"
#include "compare/results.h"
#include "systems/model_dir.h"
#include "systems/translator.h"

namespace mtbench::compare {

// One test set's data.
struct TestData {
  TestSetConfig config;                        // as configured
  std::vector<std::string> source;             // source segments (empty if not given)
  std::vector<std::vector<std::string>> refs;  // reference streams
  nlohmann::json files;                        // file -> sha256
};

// The training and dev data of the run (loaded only when a system trains).
struct TrainingData {
  TrainData data;                   // segments
  std::vector<TrainingFile> files;  // with checksums
  std::string hash;                 // combined hash of the files
};

// Loads the configured train and dev splits (Error when the config has no corpus).
TrainingData load_training_data(const CompareConfig& config);
// Loads a test set from the registry or its files; line counts are checked.
TestData load_test_set(const CompareConfig& config, const TestSetConfig& test);
// The learning curve of MODEL_DIR/training_log.jsonl (systems/training_log.h) for the report;
// empty when absent.
std::vector<TrainingLogEntry> training_log_of(const std::filesystem::path& model_dir);
// Everything that determines a trained model, hashed: the name of its cache entry. Files the
// system's options name (an external system's outputs, a rule file) count by their content,
// not their path: edit the file and the cached model is not reused.
std::string model_key(const CompareConfig& config, const SystemConfig& system, const std::string& preset,
                      const std::string& data_hash, std::size_t train_size);

}  // namespace mtbench::compare
