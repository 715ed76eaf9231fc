#pragma once
// Typed options of the phrase-based system, parsed from the training YAML (unknown keys are a
// ConfigError) and saved with the model so that decoding uses the same settings.

#include <cstdint>
#include <string>
#include <vector>

#include "base/option_table.h"

namespace mtbench::phrase_based {

struct PhraseBasedOptions {
  // Preprocessing.
  std::string casing = "truecase";  // "truecase" (Moses truecaser) or "lowercase" (output recased by the truecaser)
  int max_sentence_length = 80;     // training pairs longer than this (tokens) are dropped (clean-corpus-n)
  // Word alignment.
  std::string align_model = "fastalign";               // "fastalign", "ibm1" or "hmm"
  int align_iterations = 5;                            // EM iterations per direction
  double align_prune = 0;                              // drop t(f|e) <= this after each EM iteration (0 = keep all)
  std::string symmetrization = "grow-diag-final-and";  // symmetrization heuristic
  // Language model.
  int lm_order = 5;  // n-gram order (2..6)
  // Phrase table.
  int max_phrase_length = 7;           // words per side
  int max_targets_per_source = 30;     // kept per source phrase by p(e|f) when building
  bool lexicalized_reordering = true;  // msd-bidirectional-fe features
  std::string sort_memory = "1G";      // phrase pairs (and LM n-grams) in memory before a sorted run goes to disk
  // Decoding.
  int stack_size = 100;          // histogram pruning
  double beam_threshold = 1e-5;  // threshold pruning (probability ratio)
  int distortion_limit = 6;      // maximum jump
  int table_limit = 20;          // options per source phrase
  // Tuning.
  bool tune = true;         // run MERT on the dev set (when given)
  int mert_iterations = 6;  // MERT decoding iterations
  int mert_nbest = 100;     // n-best size for MERT
  int mert_restarts = 10;   // random restarts per optimization
  int tune_sentences = 0;   // use at most this many dev sentences (0 = all)
};

// Every option, declared once: key, member, help, validator (base/option_table.h).
const OptionTable<PhraseBasedOptions>& phrase_based_option_table();
// The presets: "full" (the default) and "quick".
const std::vector<Preset>& phrase_based_presets();

// Parses a YAML mapping (empty = defaults) after applying `preset` ("", "full", "quick");
// `origin` names the source in errors.
PhraseBasedOptions parse_phrase_based_options(const std::string& yaml, const std::string& preset,
                                              const std::string& origin);
// The options as YAML (saved into the model directory).
std::string phrase_based_options_yaml(const PhraseBasedOptions& options);

}  // namespace mtbench::phrase_based
