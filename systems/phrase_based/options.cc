#include "systems/phrase_based/options.h"

#include "base/error.h"
#include "base/memory.h"

namespace mtbench::phrase_based {

const OptionTable<PhraseBasedOptions>& phrase_based_option_table() {
  static const OptionTable<PhraseBasedOptions> table = [] {
    using O = PhraseBasedOptions;
    OptionTable<O> t("phrase-based");
    t.add<std::string>(
        "casing", [](O& o) -> std::string& { return o.casing; },
        "truecase (Moses truecaser) or lowercase (output recased by the truecaser)", one_of({"truecase", "lowercase"}));
    t.add<int>(
        "max_sentence_length", [](O& o) -> int& { return o.max_sentence_length; },
        "training pairs longer than this (tokens) are dropped (clean-corpus-n)", at_least(1));
    t.add<std::string>(
        "align_model", [](O& o) -> std::string& { return o.align_model; },
        "fastalign (Dyer et al. 2013), ibm1 (Brown et al. 1993) or hmm (Vogel et al. 1996, as GIZA++)",
        one_of({"fastalign", "ibm1", "hmm"}));
    t.add<int>(
        "align_iterations", [](O& o) -> int& { return o.align_iterations; }, "EM iterations per direction",
        at_least(1));
    t.add<double>(
        "align_prune", [](O& o) -> double& { return o.align_prune; },
        "drop word pairs whose t(f|e) is at most this after each EM iteration but the last (GIZA++'s t-table "
        "cutoff; 0 keeps every co-occurring pair)",
        [](const double& v) { return v >= 0 && v < 1 ? std::string() : std::string("must be in [0, 1)"); });
    t.add<std::string>(
        "symmetrization", [](O& o) -> std::string& { return o.symmetrization; },
        "symmetrization heuristic of the two directions (Koehn et al. 2003)",
        one_of({"intersect", "intersection", "union", "grow-diag", "gd", "grow-diag-final", "gdf",
                "grow-diag-final-and", "gdfa"}));
    t.add<int>(
        "lm_order", [](O& o) -> int& { return o.lm_order; }, "n-gram order of the language model",
        in_range(2, 6, true));
    t.add<int>(
        "max_phrase_length", [](O& o) -> int& { return o.max_phrase_length; }, "words per phrase side",
        in_range(1, 20, true));
    t.add<int>(
        "max_targets_per_source", [](O& o) -> int& { return o.max_targets_per_source; },
        "translations kept per source phrase by p(e|f) when building the table");
    t.add<bool>(
        "lexicalized_reordering", [](O& o) -> bool& { return o.lexicalized_reordering; },
        "msd-bidirectional-fe reordering features");
    t.add<std::string>(
        "sort_memory", [](O& o) -> std::string& { return o.sort_memory; },
        "memory for phrase-pair statistics and LM n-grams before sorted runs are spilled to the model directory (e.g. "
        "512M, 2G)",
        [](const std::string& v) {
          try {
            parse_byte_size(v, "sort_memory");
            return std::string();
          } catch (const ConfigError&) {
            return std::string("must be a size such as 512M or 2G");
          }
        });
    t.add<int>(
        "stack_size", [](O& o) -> int& { return o.stack_size; }, "histogram pruning of decoder stacks", at_least(1));
    t.add<double>(
        "beam_threshold", [](O& o) -> double& { return o.beam_threshold; },
        "threshold pruning (probability ratio to the best)",
        [](const double& v) { return v > 0 && v <= 1 ? std::string() : std::string("must be in (0, 1]"); });
    t.add<int>(
        "distortion_limit", [](O& o) -> int& { return o.distortion_limit; }, "maximum reordering jump");
    t.add<int>(
        "table_limit", [](O& o) -> int& { return o.table_limit; }, "translation options per source phrase");
    t.add<bool>(
        "tune", [](O& o) -> bool& { return o.tune; }, "run MERT on the dev set (when given)");
    t.add<int>(
        "mert_iterations", [](O& o) -> int& { return o.mert_iterations; }, "MERT decoding iterations", at_least(1));
    t.add<int>(
        "mert_nbest", [](O& o) -> int& { return o.mert_nbest; }, "n-best list size for MERT", at_least(1));
    t.add<int>(
        "mert_restarts", [](O& o) -> int& { return o.mert_restarts; }, "random restarts per optimization");
    t.add<int>(
        "tune_sentences", [](O& o) -> int& { return o.tune_sentences; },
        "use at most this many dev sentences for MERT (0 = all)");
    return t;
  }();
  return table;
}

const std::vector<Preset>& phrase_based_presets() {
  static const std::vector<Preset> presets = {
      {"full", "", "", "Moses' defaults with MERT (the default)"},
      {"quick", "", "mert_iterations: 2\nmert_restarts: 3\nstack_size: 50\ntune_sentences: 300\nalign_prune: 1e-7\n",
       "shorter MERT on 300 dev sentences, smaller stacks, pruned alignment table"},
  };
  return presets;
}

PhraseBasedOptions parse_phrase_based_options(const std::string& yaml, const std::string& preset,
                                              const std::string& origin) {
  return phrase_based_option_table().parse(yaml, phrase_based_presets(), preset, "full", origin);
}

std::string phrase_based_options_yaml(const PhraseBasedOptions& o) {
  return phrase_based_option_table().to_yaml(o);
}

}  // namespace mtbench::phrase_based
