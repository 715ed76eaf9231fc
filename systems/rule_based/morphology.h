#pragma once
// German analysis for translation: closed-class words from the rule file, direct lexicon
// lookup (including the dictionary's inflected forms, which point to their lemma), suffix
// rules for regular inflection with stem-vowel alternations, and compound splitting of nouns
// against the lexicon (longest known head first, linking elements -s-/-es-/-n-/-en-/-e-).

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

class GermanAnalyzer {
 public:
  GermanAnalyzer(const Lexicon& lexicon, const RuleSet& rules) : lexicon_(lexicon), rules_(rules) {}
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
};

// The transfer tag for a lexicon part of speech ("n" -> "N", "v" -> "VFIN", ...).
std::string tag_for_pos(const std::string& pos);

}  // namespace mtbench::rule_based
