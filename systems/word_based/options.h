#pragma once
// Typed options of the word-based system, parsed from the training YAML (unknown keys are a
// ConfigError) and saved with the model so that decoding uses the same settings.

#include <string>
#include <vector>

#include "base/option_table.h"

namespace mtbench::word_based {

struct WordBasedOptions {
  // Translation model.
  std::string align_model =
      "ibm2";  // "ibm1" (Brown et al. 1993 §4), "ibm2" (fast_align's Model 2) or "hmm" (Vogel et al. 1996)
  int align_iterations = 5;        // EM iterations per direction
  bool variational_bayes = false;  // fast_align's VB M-step (sharper, unnormalized tables)
  int max_sentence_length = 80;    // training pairs longer than this (tokens) are left out of EM
  double prune_below = 1e-4;       // translation probabilities below this are dropped from the model
  // Language model.
  int lm_order = 4;  // n-gram order (2..6)
  // Decoding.
  int translations_per_word = 10;  // candidate English words per source word, by t(e|f)
  int insertion_words = 5;         // English words that may be generated from nothing (zero fertility)
  int stack_size = 40;             // hypotheses kept per stack
  int distortion_limit = 4;        // maximum jump in source words
  // Tuning.
  bool tune = true;          // coordinate search of the feature weights on dev BLEU (when a dev set is given)
  int tune_rounds = 2;       // passes over the weights
  int tune_sentences = 400;  // dev sentences used for tuning (0 = all)
};

// Every option, declared once: key, member, help, validator (base/option_table.h).
const OptionTable<WordBasedOptions>& word_based_option_table();
// The presets: "full" (the default) and "quick".
const std::vector<Preset>& word_based_presets();

// Parses a YAML mapping (empty = defaults) after applying `preset`; `origin` names the source.
WordBasedOptions parse_word_based_options(const std::string& yaml, const std::string& preset,
                                          const std::string& origin);
// The options as YAML (saved into the model directory).
std::string word_based_options_yaml(const WordBasedOptions& options);

}  // namespace mtbench::word_based
