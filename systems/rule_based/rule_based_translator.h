#pragma once
// The 1954-era system: dictionary lookup plus explicit rules (Georgetown-IBM experiment,
// 7 January 1954; direct/transfer systems such as SYSTRAN and Apertium after it).
// Pipeline per sentence: Moses tokenization -> contractions -> German analysis (lexicon,
// inflected forms, suffix rules, compounds) -> sense selection -> structural transfer rules
// from the rule file -> English generation (agreement, progressive, a/an) -> detokenization.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/option_table.h"
#include "corpus/tokenizer.h"
#include "systems/registry.h"
#include "systems/rule_based/german.h"
#include "systems/rule_based/lexicon.h"
#include "systems/rule_based/rule_file.h"
#include "systems/translator.h"

namespace mtbench::rule_based {

// System-specific options (YAML keys of the same names; unknown keys are a ConfigError).
struct RuleBasedOptions {
  std::string lexicon = "freedict";  // "freedict", "georgetown", or a path to a TSV lexicon
  std::string dictd_index;           // FreeDict index; "" = the rule file's dictionary in /usr/share/dictd
  std::string dictd_dict;            // FreeDict body (.dict.dz); "" = as dictd_index
  std::string rules;                 // rule file; "" = data/SRC-TGT.rules (georgetown.rules in that mode)
  bool target_counts = true;         // count English words of the training target for sense selection
};

// Every option, declared once (base/option_table.h).
const OptionTable<RuleBasedOptions>& rule_based_option_table();
// Parses the YAML mapping `text` (empty = defaults); `origin` names it in errors.
RuleBasedOptions parse_rule_based_options(const std::string& text, const std::string& origin);
// The language pairs the rule-based system can translate.
PairSupport rule_based_supports_pair(const std::string& source_lang, const std::string& target_lang);
// What train() checks before it reads anything: the language pair (supported pairs), the
// options and that the files they name exist. Returns the options.
RuleBasedOptions check_rule_based_config(const TrainOptions& options);

// Finds a file of systems/rule_based/data: $MTBENCH_RULE_DATA_DIR, next to the executable
// (../systems/rule_based/data, ../../...), then the current directory. Error lists the places tried.
std::filesystem::path find_rule_data(const std::string& name);

class RuleBasedTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  PairSupport supports_pair(const std::string& source_lang, const std::string& target_lang) const override;
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  // Builds the system directly from a lexicon and rule text (tests, Georgetown demo).
  void set_model(Lexicon lexicon, RuleSet rules, std::string rules_text);
  // Translates one sentence (explanation filled when `explain`).
  Translation translate_one(const std::string& source, bool explain) const;

 private:
  Lexicon lexicon_;                 // the lexicon with target counts
  RuleSet rules_;                   // parsed rule file
  std::string rules_text_;          // rule file text (saved verbatim into the model directory)
  bool ready_ = false;              // a model was trained or loaded
  std::string lexicon_note_;        // which dictionaries the lexicon came from, with sizes (training log)
  german::NounTable target_nouns_;  // German nouns' gender and plural (target de)
  std::shared_ptr<const MosesTokenizer> tokenizer_;      // source language ([language] source)
  std::shared_ptr<const MosesDetokenizer> detokenizer_;  // target language ([language] target)
};

// The registry entry of the built-in "rule-based" system.
TranslatorEntry rule_based_translator_entry();

}  // namespace mtbench::rule_based
