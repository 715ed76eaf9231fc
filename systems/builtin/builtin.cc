#include "systems/builtin/builtin.h"

#include <mutex>

#include "systems/example_based/example_based_translator.h"
#include "systems/external/external_translator.h"
#include "systems/phrase_based/phrase_based_translator.h"
#include "systems/registry.h"
#include "systems/rule_based/rule_based_translator.h"
#include "systems/word_based/word_based_translator.h"
#ifdef MTBENCH_HAVE_TORCH
// Entries only: the systems themselves live in the neural module, loaded on first use.
#include "systems/rnn_attention/rnn_entry.h"
#include "systems/transformer/transformer_entry.h"
#endif

namespace mtbench {

void register_builtin_translators() {
  static std::once_flag once;
  std::call_once(once, [] {
    [[maybe_unused]] auto& registry = TranslatorRegistry::instance();
    // Built-in systems are added here as their issues land (one line each).
    registry.add(external::external_translator_entry());
    registry.add(example_based::example_based_translator_entry());
    registry.add(phrase_based::phrase_based_translator_entry());
    registry.add(rule_based::rule_based_translator_entry());
    registry.add(word_based::word_based_translator_entry());
#ifdef MTBENCH_HAVE_TORCH
    registry.add(rnn_attention::rnn_attention_translator_entry());
    registry.add(rnn_attention::rnn_encdec_translator_entry());
    registry.add(transformer::transformer_translator_entry());
#endif
  });
}

}  // namespace mtbench
