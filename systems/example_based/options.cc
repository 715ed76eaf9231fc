#include "systems/example_based/options.h"

namespace mtbench::example_based {

const OptionTable<ExampleBasedOptions>& example_based_option_table() {
  static const OptionTable<ExampleBasedOptions> table = [] {
    using O = ExampleBasedOptions;
    OptionTable<O> t("example-based");
    t.add<int>(
        "align_iterations", [](O& o) -> int& { return o.align_iterations; },
        "EM iterations per direction of the word alignment", in_range(1, 50, true));
    t.add<int>(
        "max_sentence_length", [](O& o) -> int& { return o.max_sentence_length; },
        "training pairs longer than this (tokens) are not kept as examples", at_least(1));
    t.add<int>(
        "retrieve_candidates", [](O& o) -> int& { return o.retrieve_candidates; },
        "examples ranked by the word index before fuzzy matching", in_range(1, 10000, true));
    t.add<int>(
        "max_fragment_length", [](O& o) -> int& { return o.max_fragment_length; },
        "longest source fragment (words) looked up in other examples", in_range(1, 10, true));
    t.add<int>(
        "fragment_examples", [](O& o) -> int& { return o.fragment_examples; }, "examples inspected per fragment lookup",
        in_range(1, 10000, true));
    return t;
  }();
  return table;
}

const std::vector<Preset>& example_based_presets() {
  static const std::vector<Preset> presets = {
      {"full", "", "", "50 retrieved candidates, fragments up to 4 words (the default)"},
      {"quick", "", "align_iterations: 4\nretrieve_candidates: 30\nfragment_examples: 20\n",
       "fewer alignment iterations and candidates"},
  };
  return presets;
}

ExampleBasedOptions parse_example_based_options(const std::string& yaml, const std::string& preset,
                                                const std::string& origin) {
  return example_based_option_table().parse(yaml, example_based_presets(), preset, "full", origin);
}

std::string example_based_options_yaml(const ExampleBasedOptions& options) {
  return example_based_option_table().to_yaml(options);
}

}  // namespace mtbench::example_based
