#pragma once
// The readable rule file of the rule-based system (data, loaded at run time). Sections:
//
//   [language]     the pair and how to read the source:  KEY value, with KEY one of
//                  source, target (ISO codes), dictionary, reverse_dictionary (FreeDict
//                  names, e.g. fra-eng / eng-fra: the second is inverted to complement the
//                  first), nouns_capitalized (yes: German, capitalisation tells nouns),
//                  compounds (yes: split unknown nouns into known parts), insert_articles
//                  (yes: the source has no articles; "a" before a bare singular noun phrase
//                  starting a clause, Czech)
//   [words]        closed-class words:      surface  TAG[+pl]  English ("-" = nothing)
//   [contractions] preposition + article:   im  in dem
//   [inflection]   German suffix rules:     surface-suffix  lemma-suffix  pos  TAG  [features]
//   [vowels]       stem vowel alternations: läuft -> lauf:  äu au   (tried on lemma candidates)
//   [rules]        structural transfer:     rule NAME: PATTERN => ACTION; ACTION ...
//                  and macros:              define NP = ART? ADJ* N
//
// A PATTERN is a sequence of elements matched inside one clause (punctuation delimits
// clauses): TAG or TAG|TAG, "word|word" (lowercased source), _ (any token), !X (not X),
// ( ... ) groups, ^ / $ (clause start / end), each optionally quantified by ? * + and
// labelled "name:". ACTIONs refer to labels: move A after|before B, move A to-end,
// insert "text" before|after A, delete A, set A "text", reattach A to B (separable verb
// prefix), progressive A (English "is V-ing"), tag A TAG.
// Every malformed line is a DataError naming file and line.

#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

namespace mtbench::rule_based {

// A closed-class word of the [words] section.
struct WordRule {
  std::string tag;      // transfer tag (ART, PREP, VAUX, ...)
  std::string target;   // English words; empty = translated as nothing
  bool plural = false;  // marks plural agreement (sind, haben, die ... +pl)
};

// One German suffix rule: surface ends with `suffix`; lemma = stem + `replacement`.
struct InflectionRule {
  std::string suffix;       // e.g. "t"
  std::string replacement;  // e.g. "en"
  std::string pos;          // lexicon part of speech the lemma must have (v, n, adj)
  std::string tag;          // transfer tag of the surface form (VFIN, N, ADJ, VPART)
  std::string features;     // free features: "3sg", "pl", "ge" (strip ge- prefix) ...
};

// One element of a structural pattern.
struct PatternElement {
  enum class Kind { kTag, kWord, kAny, kStart, kEnd };
  Kind kind = Kind::kAny;           // what is tested
  std::vector<std::string> values;  // alternatives (tags or lowercased words)
  bool negated = false;             // !X: matches any token that X does not match
  char quantifier = 0;              // 0 (exactly one), '?', '*', '+'
};

// A structural transfer rule.
struct StructuralRule {
  std::string name;                                             // as written after "rule"
  std::vector<PatternElement> pattern;                          // flattened elements
  std::unordered_map<std::string, std::pair<int, int>> labels;  // label -> [first, last] element
  std::vector<std::vector<std::string>> actions;                // each action as words ("move", "v", "after", "s")
  int line = 0;                                                 // line in the rule file
  bool anchored = false;                                        // pattern starts with ^
};

// Everything a rule file defines.
struct RuleSet {
  std::string origin;                                                      // file name, for messages
  std::unordered_map<std::string, std::string> language;                   // [language] settings
  std::unordered_map<std::string, WordRule> words;                         // lowercased surface -> rule
  std::unordered_map<std::string, std::vector<std::string>> contractions;  // "im" -> {"in", "dem"}
  std::vector<InflectionRule> inflections;                                 // tried in file order
  std::vector<std::pair<std::string, std::string>> vowels;                 // alternation: surface, lemma
  std::vector<StructuralRule> rules;                                       // applied in file order
};

// A [language] setting, or `fallback` when the file has none (German-to-English files of
// mtbench 0.1 have no [language] section).
inline std::string language_setting(const RuleSet& rules, const std::string& key, const std::string& fallback) {
  const auto it = rules.language.find(key);
  return it == rules.language.end() ? fallback : it->second;
}

// Parses rule-file text; `origin` names it in error messages.
RuleSet parse_rules(const std::string& text, const std::string& origin);
// Reads and parses a rule file.
RuleSet load_rules(const std::filesystem::path& path);

}  // namespace mtbench::rule_based
