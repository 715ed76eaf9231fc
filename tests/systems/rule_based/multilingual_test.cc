// The 1954 era beyond German (issue 14): French and Czech from their own rule files with
// the same engine, which pairs the system supports, FreeDict's numbered senses, and the
// inversion of a reverse-direction dictionary.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "systems/model_dir.h"
#include "systems/rule_based/dictd.h"
#include "systems/rule_based/rule_based_translator.h"
#include "tests/test_util.h"

namespace mtbench::rule_based {
namespace {

using ::testing::HasSubstr;

const std::filesystem::path kRulesDir = std::filesystem::path(MTBENCH_SOURCE_DIR) / "systems/rule_based/data";

// A translator of `pair`'s rule file over a hand-made TSV lexicon.
RuleBasedTranslator translator_for(const std::string& pair, const std::string& lexicon_tsv) {
  testing::ScratchDir dir;
  write_file_atomic(dir / "lex.tsv", lexicon_tsv);
  const std::string text = read_file(kRulesDir / (pair + ".rules"));
  RuleBasedTranslator t;
  t.set_model(Lexicon::from_tsv(dir / "lex.tsv"), parse_rules(text, pair + ".rules"), text);
  return t;
}

TEST(RuleBasedFrench, MorphologyAdjectiveOrderAndProgressive) {
  const RuleBasedTranslator t = translator_for(
      "fr-en",
      "chien\tdog\tn\nnoir\tblack\tadj\ncourir\trun\tv\nmaison\thouse\tn\nrouge\tred\tadj\njouer\tplay\tv\n"
      "balle\tball\tn\nfemme\twoman\tn\nparc\tpark\tn\n");
  EXPECT_EQ(t.translate_one("Un chien noir court.", false).text, "A black dog is running.");
  // Plural noun and adjective (-s), an -er verb in the plural (-ent), the au = à le contraction.
  EXPECT_EQ(t.translate_one("Des chiens noirs jouent au parc.", false).text, "Black dogs are playing at the park.");
  const Translation explained = t.translate_one("La femme joue avec une balle rouge.", true);
  EXPECT_EQ(explained.text, "The woman is playing with a red ball.");
  bool moved = false;
  for (const auto& r : explained.explanation.rules) moved = moved || r.rule == "adjective-before-noun";
  EXPECT_TRUE(moved);
}

// The model directory says what the lexicon is; the report shows it (model_stats.json).
TEST(RuleBasedFrench, SavedModelSummarizesItsLexicon) {
  const RuleBasedTranslator t = translator_for("fr-en", "chien\tdog\tn\nnoir\tblack\tadj\n");
  testing::ScratchDir dir;
  t.save(dir.path());
  EXPECT_EQ(read_model_summary(dir.path()), "lexicon 2 entries; 5 structural rules");
}

TEST(RuleBasedCzech, CaseEndingsAndInsertedArticles) {
  const RuleBasedTranslator t =
      translator_for("cs-en", "klobouk\that\tn\nzelený\tgreen\tadj\ntráva\tgrass\tn\nhrát\tplay\tv\n");
  // muž/v are in the rule file; klobouku (locative) -> klobouk; no articles in Czech.
  EXPECT_EQ(t.translate_one("Muž v klobouku.", false).text, "A man in a hat.");
  EXPECT_EQ(t.translate_one("Pes hraje na zelené trávě.", false).text, "A dog is playing on a green grass.");
}

TEST(RuleBasedPairs, SupportedPairsFollowRuleFilesAndInstalledDictionaries) {
  const PairSupport de = rule_based_supports_pair("de", "en");
  EXPECT_TRUE(de.supported) << de.reason;
  const PairSupport bad = rule_based_supports_pair(std::string(300, 'x'), "en");
  EXPECT_FALSE(bad.supported);
  EXPECT_THAT(bad.reason, HasSubstr("is not a language code"));
  EXPECT_FALSE(rule_based_supports_pair("../de", "en").supported);
  const PairSupport fr_de = rule_based_supports_pair("fr", "de");
  EXPECT_FALSE(fr_de.supported);
  EXPECT_THAT(fr_de.reason, HasSubstr("no rule file data/fr-de.rules"));
  EXPECT_THAT(fr_de.supports, HasSubstr("de-en"));
  for (const char* pair : {"fr-en", "cs-en", "en-de"}) {
    const std::string p = pair;
    const std::string dictionary = p == "fr-en" ? "fra-eng" : p == "cs-en" ? "eng-ces" : "eng-deu";
    const PairSupport s = rule_based_supports_pair(p.substr(0, 2), p.substr(3));
    if (!std::filesystem::exists("/usr/share/dictd/freedict-" + dictionary + ".index")) {
      EXPECT_FALSE(s.supported);
      EXPECT_THAT(s.reason, HasSubstr("apt install dict-freedict-"));
      continue;
    }
    EXPECT_TRUE(s.supported) << pair << ": " << s.reason;
    EXPECT_THAT(s.supports, HasSubstr(pair));
  }
}

TEST(RuleBasedDictionaries, NumberedSensesAndInversion) {
  const DictEntry e = parse_dict_entry("Asiate /azjat/ <n, fem>\n1. Asian woman\n2. Asian\nsee: {Asie}\n");
  EXPECT_EQ(e.headword, "Asiate");
  EXPECT_EQ(e.translations, (std::vector<std::string>{"Asian woman", "Asian"}));
  EXPECT_EQ(e.see, (std::vector<std::string>{"Asie"}));
  testing::ScratchDir dir;
  write_file_atomic(dir / "eng-ces.tsv",
                    "house\tdům\tn\nhome\tdům\tn\nplay\thrát (si)\tv\nwalk\tjít pěšky po ulici\tv\n");
  const Lexicon inverted = Lexicon::inverted(Lexicon::from_tsv(dir / "eng-ces.tsv"));
  const auto [b, e2] = inverted.lookup("dům");
  ASSERT_EQ(e2 - b, 2);
  EXPECT_EQ(b->translations, (std::vector<std::string>{"home"}));  // keys sorted, senses kept in order
  EXPECT_TRUE(inverted.has("hrát", "v"));                          // "(si)" removed
  EXPECT_FALSE(inverted.has("jít pěšky po ulici"));                // over three words
}

}  // namespace
}  // namespace mtbench::rule_based
