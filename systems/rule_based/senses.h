#pragma once
// Deterministic, explainable sense selection: among the candidate entries of a word, keep
// those whose part of speech agrees with the analysis, then prefer the English alternative
// that is most frequent in the target side of the training corpus (a monolingual count,
// not a translation model), breaking ties by dictionary order (entry, then alternative).

#include <string>
#include <vector>

#include "systems/rule_based/lexicon.h"

namespace mtbench::rule_based {

// The chosen translation and why.
struct SenseChoice {
  std::string target;               // English text ("" when there was no candidate)
  std::string pos;                  // part of speech of the chosen entry
  const LexEntry* entry = nullptr;  // the chosen entry
  std::string note;                 // e.g. "pos v; corpus count 812; entry 3/12"
};

// Chooses among `entries`; `pos` ("" = any) restricts to entries with that part of speech
// when at least one exists.
SenseChoice choose_sense(const Lexicon& lexicon, const std::vector<const LexEntry*>& entries, const std::string& pos);

}  // namespace mtbench::rule_based
