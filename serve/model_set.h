#pragma once
// The models `mtbench serve` holds: every model of a compare run directory, or model
// directories named on the command line, each loaded once and shared by all requests.

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "systems/model_dir.h"
#include "systems/translator.h"

namespace mtbench {
class Progress;
}

namespace mtbench::serve {

// Where one model comes from.
struct ModelSource {
  std::string label;          // name in the page and the API ("" = the system's name)
  std::filesystem::path dir;  // model directory (`mtbench train --out`, or the compare cache)
};

// One model being served.
struct ServedSystem {
  std::string label;                       // unique name in requests ("systems": [...]) and the page
  std::filesystem::path dir;               // its model directory
  ModelManifest manifest;                  // its manifest (empty when it could not be read)
  SystemInfo info;                         // the system's metadata (name only when loading failed)
  std::unique_ptr<Translator> translator;  // null when loading failed
  std::string load_error;                  // why loading failed ("" when loaded)
  double load_seconds = 0;                 // time to load
  // One translate() at a time per model: the neural systems keep the attention of the call
  // being explained in the translator, and LibTorch's thread setting is per call. Different
  // models translate concurrently.
  std::mutex mutex;
};

// "DIR" or "LABEL=DIR" (a label is letters, digits and -_.+ only).
ModelSource parse_model_argument(const std::string& argument);

// The models of a `mtbench compare` run directory: every system of RUN_DIR/results.json that
// has a model directory. Systems without one (precomputed outputs) are named in `skipped`.
std::vector<ModelSource> run_models(const std::filesystem::path& run_dir, std::vector<std::string>* skipped);

// Loads each model (checksums verified by load_model). A model that fails to load is kept
// with its error, so the page and /api/systems can say why; labels are made unique.
std::vector<std::unique_ptr<ServedSystem>> load_systems(const std::vector<ModelSource>& sources, Progress& progress);

}  // namespace mtbench::serve
