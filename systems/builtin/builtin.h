#pragma once

namespace mtbench {

// Adds every built-in system to TranslatorRegistry::instance(); safe to call repeatedly
// (std::call_once). The list is explicit: adding a system means adding a line here.
void register_builtin_translators();

}  // namespace mtbench
