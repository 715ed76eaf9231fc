#pragma once
// Source-language analysis for translation, driven by the rule file: closed-class words,
// direct lexicon lookup (including the dictionary's inflected forms, which point to their
// lemma), suffix rules for regular inflection with stem-vowel alternations and, where the
// rule file's [language] section says so, capitalisation as the mark of nouns and compound
// splitting of nouns against the lexicon (longest known head first, linking elements
// -s-/-es-/-n-/-en-/-e-). German is the first instance (data/de-en.rules); French and Czech
// use the same code with other data.

#include <string>
#include <vector>

#include "systems/rule_based/lexicon.h"
#include "systems/rule_based/rule_file.h"

namespace mtbench::rule_based {

// The analysis of one source token.
struct Analysis {
  std::string tag;                       // transfer tag (N, VFIN, ADJ, PREP, UNK, ...)
  std::string lemma;                     // German lemma looked up ("" when unknown)
  std::string features;                  // "3sg pres", "pl pres", "inflected", ...
  bool plural = false;                   // plural noun or verb form
  std::string fixed_target;              // set for closed-class words and compounds
  bool has_fixed_target = false;         // fixed_target is final (may be empty)
  std::vector<const LexEntry*> entries;  // candidate lexicon entries for sense selection
  std::string how;                       // "rule file", "direct", "inflected form of X", "suffix -t", "compound A+B"
};

class SourceAnalyzer {
 public:
  SourceAnalyzer(const Lexicon& lexicon, const RuleSet& rules)
      : lexicon_(lexicon),
        rules_(rules),
        nouns_capitalized_(language_setting(rules, "nouns_capitalized", "yes") == "yes"),
        compounds_(language_setting(rules, "compounds", "yes") == "yes") {}
  // Whether capitalisation marks nouns in this source language (German).
  bool nouns_capitalized() const { return nouns_capitalized_; }
  // Analyses `token`; `sentence_initial` allows a capitalised non-noun; `before_noun` (the
  // next token is capitalised) prefers an attributive adjective reading (grünen: green, not
  // the verb "to green").
  Analysis analyze(const std::string& token, bool sentence_initial, bool before_noun = false) const;
  // Picks the English translation of `entries` (see senses.h) — exposed for compounds.
  const Lexicon& lexicon() const { return lexicon_; }

 private:
  Analysis analyze_word(const std::string& token, bool sentence_initial, bool before_noun, int depth) const;
  // Suffix rules; `only_tag` ("" = any) restricts to rules producing that tag.
  bool try_inflection(const std::string& token, bool noun, Analysis& out, const std::string& only_tag = "") const;
  bool try_compound(const std::string& token, int depth, Analysis& out) const;
  std::vector<const LexEntry*> entries_for(const std::string& key, bool noun, const std::string& pos) const;

  const Lexicon& lexicon_;
  const RuleSet& rules_;
  bool nouns_capitalized_;  // [language] nouns_capitalized
  bool compounds_;          // [language] compounds
};

// The transfer tag for a lexicon part of speech ("n" -> "N", "v" -> "VFIN", ...).
std::string tag_for_pos(const std::string& pos);

}  // namespace mtbench::rule_based
