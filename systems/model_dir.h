#pragma once
// Model directories: what `mtbench train` writes and `mtbench translate` reads. The system
// writes its own files (Translator::save), then the harness writes `mtbench-model.json` last
// and atomically, so a directory without the manifest (an interrupted training, a directory
// that is not a model) is never taken as complete.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "systems/registry.h"
#include "systems/translator.h"

namespace mtbench {

// The manifest's file name inside a model directory.
inline constexpr const char* kModelManifestFile = "mtbench-model.json";

// One file the model was trained on.
struct TrainingFile {
  std::string role;          // "train-src", "train-tgt", "dev-src", "dev-tgt"
  std::string path;          // path as given (absolute when known)
  std::string sha256;        // SHA-256 of its raw bytes (empty when not computed)
  std::size_t segments = 0;  // number of segments read from it
};

// Contents of mtbench-model.json.
struct ModelManifest {
  std::string system;                        // registry name of the system
  std::string system_origin;                 // "built-in" or the plugin path it came from
  std::string mtbench_version;               // version of mtbench that wrote the model
  int plugin_api_version = 0;                // MTBENCH_PLUGIN_API_VERSION at save time
  std::string source_lang;                   // source language code
  std::string target_lang;                   // target language code
  std::string preset;                        // preset name used ("" = system default)
  std::string config_yaml;                   // system-specific YAML used for training
  std::string created;                       // UTC time of saving, ISO 8601
  std::size_t train_segments = 0;            // training segment pairs
  std::size_t dev_segments = 0;              // dev segment pairs
  std::vector<TrainingFile> training_files;  // the files read, with checksums
  double training_seconds = 0;               // wall time spent in train()
  std::uint64_t training_updates = 0;        // optimizer updates made (systems with a training log; 0 = none)
  std::string training_stop;                 // what ended training: max_steps, max_minutes, patience, ... ("" = n/a)
  // SHA-256 of every file of the model (relative path -> hex; the manifest and checkpoints/
  // excluded), verified by load_model(). Empty in manifests written before checksums existed.
  std::map<std::string, std::string> file_sha256;
};

// Creates `dir` for a new training run and removes a manifest left by an earlier model, so
// the directory is not taken as complete until save_model() finishes.
void prepare_model_dir(const std::filesystem::path& dir);

// Saves `translator` into `dir` (created if needed): Translator::save, then the manifest.
// `manifest` carries the training facts; system, origin, versions and created are filled in
// here. Returns the manifest as written.
ModelManifest save_model(const Translator& translator, ModelManifest manifest, const std::filesystem::path& dir);

// Reads and checks the manifest; Error "not a complete mtbench model" when it is missing,
// DataError naming the file when it is malformed.
ModelManifest read_manifest(const std::filesystem::path& dir);

// A loaded model.
struct LoadedModel {
  ModelManifest manifest;                  // its manifest
  std::unique_ptr<Translator> translator;  // the system, after load(dir)
};

// Hashes the model's files as save_model() records them (every regular file under `dir`
// except the manifest, checkpoints/ and temporary files).
std::map<std::string, std::string> hash_model_files(const std::filesystem::path& dir);
// Checks every file the manifest lists against its SHA-256: a missing or changed file is a
// DataError naming it (a corrupted or edited model is never loaded).
void verify_model_files(const std::filesystem::path& dir, const ModelManifest& manifest);
// Re-hashes the files and rewrites the manifest: for tools that change a finished model on
// purpose (`mtbench average`).
void refresh_model_checksums(const std::filesystem::path& dir);
// True when `dir` holds a complete model whose files match its manifest; `problem` (if
// given) gets the reason when not.
bool is_intact_model(const std::filesystem::path& dir, std::string* problem = nullptr);

// Reads the manifest, verifies the files' checksums, creates the system through `registry` (built-ins and loaded
// plugins; when the system is missing and its plugin file still exists, that plugin is loaded) and calls load(dir).
LoadedModel load_model(const std::filesystem::path& dir, TranslatorRegistry& registry = TranslatorRegistry::instance());

// Optional facts a system states about its saved model, in DIR/model_stats.json (a convention
// plugins may follow too: {"parameters": N}). The report's cost table shows them.
void write_model_parameters(const std::filesystem::path& dir, std::uint64_t parameters);
// A one-line description of what the model is built from (DIR/model_stats.json "summary"),
// e.g. the rule-based system's dictionaries and their sizes; the report shows it.
void write_model_summary(const std::filesystem::path& dir, const std::string& summary);
// The summary of DIR/model_stats.json, or "" when absent.
std::string read_model_summary(const std::filesystem::path& dir);
// The parameter count of DIR/model_stats.json, or nullopt when absent or unreadable.
std::optional<std::uint64_t> read_model_parameters(const std::filesystem::path& dir);

// JSON text of a manifest (pretty-printed) and back; from_json errors name `origin`.
std::string manifest_to_json(const ModelManifest& manifest);
ModelManifest manifest_from_json(const std::string& text, const std::string& origin);

}  // namespace mtbench
