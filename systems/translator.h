#pragma once
// The interface every MT system implements, built-in or plugin. The harness only sees a
// system through this: metadata, train, save/load, translate (+ optional explanations).
// Systems take and return detokenized text; each carries its own preprocessing.
//
// Keep this header self-contained (standard library only): plugins compile against it.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "systems/explanation.h"

namespace mtbench {

class Progress;

// Descriptive metadata shown by `mtbench systems` and in the report's timeline.
struct SystemInfo {
  std::string name;         // registry name used on the command line, e.g. "rule-based"
  std::string title;        // human-readable name, e.g. "Rule-based dictionary translation"
  std::string era;          // era label, e.g. "1954", "1993-2003", "2014", "2017"
  int year = 0;             // year of the landmark (placement on the timeline)
  std::string paradigm;     // "rule-based", "statistical", "neural", "external"
  std::string citation;     // landmark paper, e.g. "Bahdanau, Cho & Bengio (2014) ..."
  std::string description;  // one or two sentences on what the system does
};

// Training data; dev may be empty when a system does not need it.
struct TrainData {
  std::vector<std::string> train_source;  // raw (detokenized) source segments
  std::vector<std::string> train_target;  // raw target segments, aligned with train_source
  std::vector<std::string> dev_source;    // raw dev source segments (tuning / validation)
  std::vector<std::string> dev_target;    // raw dev target segments
  // Set by a caller with no further use for train_source/train_target (`mtbench train`): a
  // system may call it once it has derived all it needs from them, to free them (the neural
  // systems do after encoding: 340 MB of raw text at 1M pairs). Null: keep them (`compare`
  // trains several systems on the same data).
  std::function<void()> release_training_text;
};

// Options every system understands; system-specific options come as YAML text that each
// system parses into its own typed struct (rejecting unknown keys).
struct TrainOptions {
  std::string source_lang;          // ISO code of the source language, e.g. "de"
  std::string target_lang;          // ISO code of the target language, e.g. "en"
  std::string preset;               // named preset ("quick", "full"); empty = system default
  std::string config_yaml;          // system-specific YAML mapping (may be empty)
  std::string config_origin;        // where config_yaml came from (for error messages)
  std::filesystem::path model_dir;  // output directory; systems may checkpoint here while training
  int threads = 1;                  // worker threads (already applied to LibTorch/OpenMP)
  std::uint64_t seed = 1234;        // random seed
  std::string device = "cpu";       // "cpu" or "cuda" (neural systems)
  bool resume = false;              // continue from checkpoints found in model_dir
  Progress* progress = nullptr;     // progress reporter (never null when called by the harness)
};

// Options for translating a batch.
struct TranslateOptions {
  int beam_size = 0;             // 0 = the system's default
  bool explain = false;          // fill Translation::explanation
  int nbest = 0;                 // >0: also return that many alternatives where supported
  int threads = 1;               // worker threads
  std::string device = "cpu";    // "cpu" or "cuda"
  Progress* progress = nullptr;  // progress reporter (may be null)
};

// One translated segment.
struct Translation {
  std::string text;                                   // detokenized hypothesis
  std::vector<std::pair<std::string, double>> nbest;  // alternatives with scores
  Explanation explanation;                            // empty unless requested
};

// Whether a system can translate one language pair (ISO codes as in TrainOptions).
struct PairSupport {
  bool supported = true;  // false: train() would refuse this pair
  std::string supports;   // what the system supports, in words ("de-en, en-de" or "any pair it is trained on")
  std::string reason;     // why not, when unsupported ("no FreeDict dictionary for fr-de")
};

class Translator {
 public:
  virtual ~Translator() = default;

  // Metadata (constant for a given system).
  virtual SystemInfo info() const = 0;

  // Whether train() accepts this language pair. Asked before any training (`compare` refuses
  // or skips an unsupported system at plan time), so it must be cheap and must not need a
  // model. The default: every pair, as for a system that learns everything from its data.
  virtual PairSupport supports_pair(const std::string& source_lang, const std::string& target_lang) const {
    (void)source_lang;
    (void)target_lang;
    return PairSupport{true, "any pair it is trained on", ""};
  }

  // Trains (or, for systems without learning, prepares) a model.
  virtual void train(const TrainData& data, const TrainOptions& options) = 0;

  // Writes the model into `dir` (which exists). Each file must be written atomically; the
  // harness writes its manifest last, so a directory without it is never taken as complete.
  virtual void save(const std::filesystem::path& dir) const = 0;

  // Reads a model written by save().
  virtual void load(const std::filesystem::path& dir) = 0;

  // Translates raw source segments; returns exactly one Translation per input, in order.
  virtual std::vector<Translation> translate(const std::vector<std::string>& sources,
                                             const TranslateOptions& options) = 0;
};

}  // namespace mtbench
