#include "systems/word_based/options.h"

namespace mtbench::word_based {

const OptionTable<WordBasedOptions>& word_based_option_table() {
  static const OptionTable<WordBasedOptions> table = [] {
    using O = WordBasedOptions;
    OptionTable<O> t("word-based");
    t.add<std::string>(
        "align_model", [](O& o) -> std::string& { return o.align_model; },
        "ibm1 (Brown et al. 1993), ibm2 (fast_align's reparameterized Model 2, Dyer et al. 2013) or hmm "
        "(Vogel et al. 1996, started from Model 1)",
        one_of({"ibm1", "ibm2", "hmm"}));
    t.add<int>(
        "align_iterations", [](O& o) -> int& { return o.align_iterations; }, "EM iterations per direction",
        at_least(1));
    t.add<bool>(
        "variational_bayes", [](O& o) -> bool& { return o.variational_bayes; },
        "fast_align's variational Bayes M-step instead of maximum likelihood");
    t.add<int>(
        "max_sentence_length", [](O& o) -> int& { return o.max_sentence_length; },
        "training pairs longer than this (tokens) are left out of EM", at_least(1));
    t.add<double>(
        "prune_below", [](O& o) -> double& { return o.prune_below; },
        "translation probabilities below this are dropped from the model",
        [](const double& v) { return v >= 0 && v < 1 ? std::string() : std::string("must be in [0, 1)"); });
    t.add<int>(
        "lm_order", [](O& o) -> int& { return o.lm_order; }, "n-gram order of the language model",
        in_range(2, 6, true));
    t.add<int>(
        "translations_per_word", [](O& o) -> int& { return o.translations_per_word; },
        "candidate target words per source word, by t(e|f)", in_range(1, 100, true));
    t.add<int>(
        "insertion_words", [](O& o) -> int& { return o.insertion_words; },
        "target words that may be generated from nothing (zero fertility), 0 = none", in_range(0, 50, true));
    t.add<int>(
        "stack_size", [](O& o) -> int& { return o.stack_size; }, "hypotheses kept per decoder stack",
        in_range(1, 10000, true));
    t.add<int>(
        "distortion_limit", [](O& o) -> int& { return o.distortion_limit; },
        "maximum reordering jump in source words (0 = monotone)", in_range(0, 20, true));
    t.add<bool>(
        "tune", [](O& o) -> bool& { return o.tune; }, "tune the feature weights on dev BLEU (when a dev set is given)");
    t.add<int>(
        "tune_rounds", [](O& o) -> int& { return o.tune_rounds; }, "passes of the coordinate search over the weights",
        in_range(1, 10, true));
    t.add<int>(
        "tune_sentences", [](O& o) -> int& { return o.tune_sentences; }, "dev sentences used for tuning (0 = all)",
        at_least(0));
    return t;
  }();
  return table;
}

const std::vector<Preset>& word_based_presets() {
  static const std::vector<Preset> presets = {
      {"full", "", "", "IBM Model 2 both ways, 4-gram LM, weights tuned on 400 dev sentences (the default)"},
      {"quick", "", "tune_rounds: 1\ntune_sentences: 200\nstack_size: 20\n",
       "one tuning pass on 200 dev sentences, smaller stacks"},
  };
  return presets;
}

WordBasedOptions parse_word_based_options(const std::string& yaml, const std::string& preset,
                                          const std::string& origin) {
  return word_based_option_table().parse(yaml, word_based_presets(), preset, "full", origin);
}

std::string word_based_options_yaml(const WordBasedOptions& options) {
  return word_based_option_table().to_yaml(options);
}

}  // namespace mtbench::word_based
