#include "systems/rule_based/german.h"

#include <map>

#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based::german {
namespace {

bool has_feature(const std::string& features, const std::string& f) {
  for (const std::string& x : split(features, ' '))
    if (x == f) return true;
  return false;
}

enum Case { kNom = 0, kAcc = 1, kDat = 2 };

// Gender index: masc 0, fem 1, neut 2, plural 3.
int slot(const std::string& gender, bool plural) {
  if (plural) return 3;
  return gender == "fem" ? 1 : gender == "neut" ? 2 : 0;
}

// Articles by [case][slot] (Duden Grammatik, the declension tables of the articles).
const char* const kDefinite[3][4] = {
    {"der", "die", "das", "die"}, {"den", "die", "das", "die"}, {"dem", "der", "dem", "den"}};
const char* const kIndefinite[3][4] = {
    {"ein", "eine", "ein", ""}, {"einen", "eine", "ein", ""}, {"einem", "einer", "einem", ""}};
// Adjective endings after a definite article (weak), an indefinite one (mixed), none (strong).
const char* const kWeak[3][4] = {{"e", "e", "e", "en"}, {"en", "e", "e", "en"}, {"en", "en", "en", "en"}};
const char* const kMixed[3][4] = {{"er", "e", "es", "en"}, {"en", "e", "es", "en"}, {"en", "en", "en", "en"}};
const char* const kStrong[3][4] = {{"er", "e", "es", "e"}, {"en", "e", "es", "e"}, {"em", "er", "em", "en"}};

// Prepositions that take the accusative; the others of Multi30k's captions mostly take the
// dative (in, auf, an, mit, vor, neben, bei, zu, von, aus, unter, hinter, über, zwischen).
bool takes_accusative(const std::string& prep) {
  static const char* const kAccusative[] = {"durch", "für", "gegen", "ohne", "um", "entlang"};
  for (const char* p : kAccusative)
    if (prep == p) return true;
  return false;
}

std::string first_word(const std::string& s) {
  const std::size_t space = s.find(' ');
  return space == std::string::npos ? s : s.substr(0, space);
}

}  // namespace

std::string third_singular(const std::string& infinitive) {
  // Verbs of several words ("Fahrrad fahren"): the last word is the verb.
  const std::size_t space = infinitive.rfind(' ');
  if (space != std::string::npos)
    return third_singular(infinitive.substr(space + 1)) + " " + infinitive.substr(0, space);
  static const std::map<std::string, std::string> kIrregular = {
      {"sein", "ist"},     {"haben", "hat"},        {"fahren", "fährt"},   {"laufen", "läuft"},     {"tragen", "trägt"},
      {"halten", "hält"},  {"schlafen", "schläft"}, {"fallen", "fällt"},   {"lesen", "liest"},      {"sehen", "sieht"},
      {"geben", "gibt"},   {"nehmen", "nimmt"},     {"essen", "isst"},     {"sprechen", "spricht"}, {"werfen", "wirft"},
      {"fangen", "fängt"}, {"schlagen", "schlägt"}, {"waschen", "wäscht"}, {"treten", "tritt"},     {"helfen", "hilft"},
      {"werden", "wird"},  {"wissen", "weiß"},      {"tun", "tut"},        {"springen", "springt"}};
  if (const auto it = kIrregular.find(infinitive); it != kIrregular.end()) return it->second;
  std::string stem = infinitive;
  if (ends_with(stem, "en")) {
    stem.resize(stem.size() - 2);
  } else if (ends_with(stem, "n")) {
    stem.resize(stem.size() - 1);
  } else {
    return infinitive;  // not an infinitive
  }
  if (ends_with(stem, "t") || ends_with(stem, "d")) return stem + "et";
  return stem + "t";
}

void generate(std::vector<TransferToken>& tokens, const NounTable& nouns) {
  // 1. English progressive and reduced relatives: "is playing" -> "spielt"; "a man sitting
  //    on a bench" -> "ein Mann sitzt auf einer Bank" (what Multi30k's German captions say).
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TransferToken& t = tokens[i];
    if (!has_feature(t.features, "ing") || t.target.empty()) continue;
    std::size_t aux = i;
    while (aux > 0 && tokens[aux - 1].tag == "ADV") --aux;
    if (aux > 0 && tokens[aux - 1].tag == "VAUX") {
      TransferToken& a = tokens[aux - 1];
      t.plural = a.plural;
      a.target.clear();
      a.tag = "INS";
    } else if (i > 0 && tokens[i - 1].tag == "N") {
      t.plural = tokens[i - 1].plural;
    } else {
      continue;
    }
    t.tag = "VFIN";
    t.features = t.plural ? "pl pres" : "3sg pres";
  }
  // 2. Finite verbs: the dictionary gives infinitives.
  for (TransferToken& t : tokens) {
    if (t.tag != "VFIN" || t.target.empty()) continue;
    if (!t.plural && !has_feature(t.features, "pl")) t.target = third_singular(t.target);
  }
  // 3. Noun phrases: number, then gender and case into articles and adjectives.
  bool verb_seen = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TransferToken& n = tokens[i];
    if (n.tag == "PUNCT" || n.tag == "CONJ" || n.tag == "SUB" || n.tag == "REL") verb_seen = false;
    if (n.tag == "VFIN" || n.tag == "VAUX") verb_seen = true;
    if (n.tag != "N" || n.target.empty()) continue;
    const std::string head = first_word(n.target);
    const auto info = nouns.find(n.target);
    NounInfo noun = info != nouns.end() ? info->second : NounInfo{};
    if (info == nouns.end())
      if (const auto h = nouns.find(head); h != nouns.end()) noun = h->second;
    if (n.plural && !noun.plural.empty()) n.target = noun.plural;
    std::size_t start = i;
    while (start > 0 &&
           (tokens[start - 1].tag == "ADJ" || tokens[start - 1].tag == "ADV" || tokens[start - 1].tag == "NUM"))
      --start;
    const bool has_article = start > 0 && tokens[start - 1].tag == "ART";
    const std::size_t before = has_article ? start - 1 : start;
    Case c = verb_seen ? kAcc : kNom;
    if (before > 0 && tokens[before - 1].tag == "PREP")
      c = takes_accusative(lower(first_word(tokens[before - 1].target))) ? kAcc : kDat;
    const int s = slot(noun.gender, n.plural);
    const char* const(*endings)[4] = kStrong;
    if (has_article) {
      TransferToken& art = tokens[start - 1];
      const std::string a = lower(art.target);
      if (a == "der") {
        art.target = kDefinite[c][s];
        endings = kWeak;
      } else if (a == "ein") {
        art.target = kIndefinite[c][s];
        endings = s == 3 ? kStrong : kMixed;  // plural: no article left, strong endings
      } else {
        endings = kMixed;  // possessives (sein, ihr) decline like ein
        if (a == "sein" || a == "ihr" || a == "mein" || a == "unser") {
          const std::string form = kIndefinite[c][s];
          art.target = a + (form.size() > 2 ? form.substr(2) : (s == 3 ? (c == kDat ? "en" : "e") : ""));
        }
      }
    }
    for (std::size_t k = start; k < i; ++k) {
      TransferToken& adj = tokens[k];
      if (adj.tag != "ADJ" || adj.target.empty() || adj.target.find(' ') != std::string::npos) continue;
      std::string base = adj.target;
      if (ends_with(base, "e")) base.pop_back();  // leise -> leis-e
      adj.target = base + endings[c][s];
    }
  }
  // 4. Preposition + article: im, am, zum, zur, vom, ins, beim.
  static const std::map<std::pair<std::string, std::string>, std::string> kContract = {
      {{"in", "dem"}, "im"},   {{"an", "dem"}, "am"},  {{"zu", "dem"}, "zum"},  {{"zu", "der"}, "zur"},
      {{"von", "dem"}, "vom"}, {{"in", "das"}, "ins"}, {{"bei", "dem"}, "beim"}};
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].tag != "PREP" || tokens[i + 1].tag != "ART") continue;
    const auto it = kContract.find({lower(tokens[i].target), lower(tokens[i + 1].target)});
    if (it == kContract.end()) continue;
    tokens[i].target = it->second;
    tokens[i + 1].target.clear();
  }
}

}  // namespace mtbench::rule_based::german
