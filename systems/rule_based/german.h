#pragma once
// German generation for the rule-based system's English->German direction: articles and
// adjectives inflected for the gender, number and case of their noun, finite verbs
// conjugated, English progressives made simple presents, preposition + article contracted.
// Deliberately 1954-sized: case is guessed from position (after a preposition: dative, as
// most of them govern it; after the finite verb: accusative; else nominative), and verbs
// know the present tense only.

#include <string>
#include <unordered_map>
#include <vector>

#include "systems/rule_based/transfer.h"

namespace mtbench::rule_based::german {

// What generation needs to know of a German noun.
struct NounInfo {
  std::string gender;  // "masc", "fem", "neut" ("" when unknown: masculine is assumed)
  std::string plural;  // plural form ("" when unknown: the singular is kept)
};
using NounTable = std::unordered_map<std::string, NounInfo>;

// Third person singular present: "spielen" -> "spielt", "fahren" -> "fährt", "sein" -> "ist".
std::string third_singular(const std::string& infinitive);

// Rewrites the targets of `tokens` (after transfer) into inflected German.
void generate(std::vector<TransferToken>& tokens, const NounTable& nouns);

}  // namespace mtbench::rule_based::german
