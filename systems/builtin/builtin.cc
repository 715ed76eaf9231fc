#include "systems/builtin/builtin.h"

#include <mutex>

#include "systems/external/external_translator.h"
#include "systems/phrase_based/phrase_based_translator.h"
#include "systems/registry.h"
#include "systems/rule_based/rule_based_translator.h"

namespace mtbench {

void register_builtin_translators() {
  static std::once_flag once;
  std::call_once(once, [] {
    [[maybe_unused]] auto& registry = TranslatorRegistry::instance();
    // Built-in systems are added here as their issues land (one line each).
    registry.add(external::external_translator_entry());
    registry.add(pb::phrase_based_translator_entry());
    registry.add(rule_based::rule_based_translator_entry());
  });
}

}  // namespace mtbench
