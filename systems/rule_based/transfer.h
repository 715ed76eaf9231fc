#pragma once
// Structural transfer: the rules of a RuleSet's [rules] section applied to one analysed
// sentence, in file order, each rule scanning every clause left to right (the classic
// pattern -> action design of transfer systems; cf. Hutchins & Somers 1992, ch. 4).

#include <functional>
#include <string>
#include <vector>

#include "systems/explanation.h"
#include "systems/rule_based/rule_file.h"

namespace mtbench::rule_based {

// One token during transfer.
struct TransferToken {
  int id = 0;             // unique id within the sentence (stable under moves)
  int source_index = -1;  // index of the source token it came from (-1: inserted)
  std::string source;     // source surface form (original case)
  std::string lemma;      // German lemma used for lookup
  std::string tag;        // transfer tag (N, VFIN, ...)
  std::string target;     // English words (space separated; may be empty)
  std::string features;   // "3sg", "pl", "prog", ... used by generation
  bool plural = false;    // plural agreement
  bool unknown = false;   // no lexicon entry: passed through
};

// Hooks into the translator for actions that need the lexicon or English morphology.
struct TransferHooks {
  // Joins a separable prefix (particle) with its verb; false when the lexicon has no such verb.
  std::function<bool(TransferToken& verb, const TransferToken& particle)> reattach;
  // Turns a finite verb into the English progressive ("is playing").
  std::function<void(TransferToken& verb)> progressive;
};

// Options of the rule engine.
struct TransferOptions {
  int max_clause_tokens = 128;  // longer clauses are cut into windows (keeps matching linear)
};

// Applies every structural rule to `tokens` in place and appends one RuleFiring per applied
// rule match to `fired` (if not null).
void apply_structural_rules(const RuleSet& rules, std::vector<TransferToken>& tokens, const TransferHooks& hooks,
                            std::vector<RuleFiring>* fired, const TransferOptions& options = {});

}  // namespace mtbench::rule_based
