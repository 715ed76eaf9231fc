#include "systems/rule_based/morphology.h"

#include <fmt/format.h>

#include "systems/rule_based/english.h"
#include "systems/rule_based/senses.h"
#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

bool has_feature(const std::string& features, const std::string& f) {
  for (const std::string& x : split(features, ' '))
    if (x == f) return true;
  return false;
}

bool char_boundary(const std::string& w, std::size_t i) {
  return i == 0 || i >= w.size() || (static_cast<unsigned char>(w[i]) & 0xC0) != 0x80;
}

// Replaces the last occurrence of `from` in `stem` by `to` ("läuf" -> "lauf").
bool alternate(const std::string& stem, const std::string& from, const std::string& to, std::string& out) {
  const std::size_t at = stem.rfind(from);
  if (at == std::string::npos) return false;
  out = stem.substr(0, at) + to + stem.substr(at + from.size());
  return true;
}

// The English of a noun analysis, pluralised when the German was plural and the entry is not.
std::string noun_target(const Lexicon& lexicon, const Analysis& a) {
  if (a.has_fixed_target) return a.fixed_target;
  const SenseChoice c = choose_sense(lexicon, a.entries, "n");
  if (c.entry && a.plural && !c.entry->plural) return english::plural(c.target);
  return c.target;
}

}  // namespace

std::string tag_for_pos(const std::string& pos) {
  if (pos == "n") return "N";
  if (pos == "v") return "VFIN";
  if (pos == "adj") return "ADJ";
  if (pos == "art") return "ART";
  if (pos == "pron") return "PRON";
  if (pos == "prep") return "PREP";
  if (pos == "conj") return "CONJ";
  if (pos == "num") return "NUM";
  return "ADV";
}

std::vector<const LexEntry*> SourceAnalyzer::entries_for(const std::string& key, bool noun,
                                                         const std::string& pos) const {
  std::vector<const LexEntry*> out;
  auto [b, e] = lexicon_.lookup(key);
  for (const LexEntry* p = b; p != e; ++p) {
    if (p->prefix_form) continue;
    // German capitalises nouns: case tells nouns from the rest (Essen "food" vs essen "eat").
    if (nouns_capitalized_ && starts_upper(p->headword) != noun) continue;
    if (!pos.empty() && p->pos != pos) continue;
    out.push_back(p);
  }
  return out;
}

Analysis SourceAnalyzer::analyze(const std::string& token, bool sentence_initial, bool before_noun) const {
  return analyze_word(token, sentence_initial, before_noun, 0);
}

Analysis SourceAnalyzer::analyze_word(const std::string& token, bool sentence_initial, bool before_noun,
                                      int depth) const {
  Analysis out;
  if (is_punctuation(token) || is_number(token)) {
    out.tag = is_number(token) ? "NUM" : "PUNCT";
    out.fixed_target = token;
    out.has_fixed_target = true;
    out.how = "copied";
    return out;
  }
  const std::string key = lower(token);
  const bool upper = starts_upper(token);
  if (const auto it = rules_.words.find(key);
      it != rules_.words.end() && (!upper || sentence_initial || entries_for(key, true, "n").empty())) {
    out.tag = it->second.tag;
    out.lemma = key;
    out.plural = it->second.plural;
    out.fixed_target = it->second.target;
    out.has_fixed_target = true;
    out.how = "rule file";
    return out;
  }
  // Hyphenated words ("blau-weißes", "Giants-Trikot"): translate the parts.
  if (const std::size_t dash = token.find('-');
      dash != std::string::npos && dash > 0 && dash + 1 < token.size() && depth < 2) {
    std::vector<std::string> parts;
    Analysis last;
    for (const std::string& part : split(token, '-')) {
      if (part.empty()) continue;
      last = analyze_word(part, false, false, depth + 1);
      if (last.has_fixed_target)
        parts.push_back(last.fixed_target);
      else if (last.tag == "N")
        parts.push_back(noun_target(lexicon_, last));
      else
        parts.push_back(choose_sense(lexicon_, last.entries, "").target);
    }
    out = last;
    out.fixed_target = join(parts, last.tag == "ADJ" ? "-" : " ");
    out.has_fixed_target = true;
    out.lemma = token;
    out.how = "hyphenated parts";
    return out;
  }
  bool noun = upper && nouns_capitalized_;
  if (noun && sentence_initial && entries_for(key, true, "").empty()) noun = false;
  std::vector<const LexEntry*> direct = entries_for(key, noun, "");
  if (!noun && direct.empty() && upper && nouns_capitalized_)
    direct = entries_for(key, true, ""), noun = !direct.empty();

  if (!noun) {
    // Attributive position, or an inflected adjective the dictionary also lists as a
    // comparative (kleiner): the base adjective reading wins.
    bool adjective = false, listed_inflected = false;
    for (const LexEntry* e : direct) {
      adjective = adjective || e->pos == "adj";
      listed_inflected = listed_inflected || !e->lemma.empty() || e->pos == "adj";
    }
    if ((before_noun || listed_inflected) && try_inflection(token, false, out, "ADJ")) return out;
    if (before_noun && adjective) {
      std::vector<const LexEntry*> adj;
      for (const LexEntry* e : direct)
        if (e->pos == "adj") adj.push_back(e);
      direct = std::move(adj);
    }
  }
  if (!direct.empty()) {
    bool inflected_verb = false;
    for (const LexEntry* e : direct) inflected_verb = inflected_verb || (e->pos == "v" && !e->lemma.empty());
    // A finite verb listed as an inflected form is still analysed by the suffix rules when
    // they apply, so that present tense is generated from the lemma ("geht" -> goes).
    if (inflected_verb && try_inflection(token, false, out)) return out;
    const SenseChoice best = choose_sense(lexicon_, direct, noun ? "n" : "");
    out.tag = noun ? "N" : tag_for_pos(best.pos);
    if (!nouns_capitalized_ && out.tag == "N") noun = true;  // the lexicon says noun
    out.entries = direct;
    out.lemma = best.entry && !best.entry->lemma.empty() ? best.entry->lemma
                : best.entry                             ? best.entry->headword
                                                         : token;
    out.plural = noun && best.entry && best.entry->plural;
    if (out.tag == "VFIN") {
      if (best.entry && !best.entry->lemma.empty()) {
        const bool participle = (starts_with(key, "ge") || key.find("ge", 2) != std::string::npos) &&
                                (ends_with(key, "t") || ends_with(key, "en"));
        out.tag = participle ? "VPART" : "VFIN";
        out.features = "inflected";
      } else {
        out.features = "pl pres";  // the infinitive form is also the plural present
        out.plural = true;
      }
    }
    out.how = best.entry && !best.entry->lemma.empty() ? "inflected form of " + best.entry->lemma : "direct";
    return out;
  }
  if (try_inflection(token, noun, out)) return out;
  if (noun && compounds_ && depth < 2 && try_compound(token, depth, out)) return out;
  out.tag = noun ? "N" : "UNK";
  out.fixed_target = token;
  out.has_fixed_target = true;
  out.how = "unknown";
  return out;
}

bool SourceAnalyzer::try_inflection(const std::string& token, bool noun, Analysis& out,
                                    const std::string& only_tag) const {
  // Without capitalised nouns every rule applies, in file order.
  const std::string w = noun && nouns_capitalized_ ? token : lower(token);
  for (const InflectionRule& rule : rules_.inflections) {
    if (nouns_capitalized_ && (rule.pos == "n") != noun) continue;
    if (!ends_with(w, rule.suffix)) continue;
    if (!only_tag.empty() && rule.tag != only_tag) continue;
    std::string stem = w.substr(0, w.size() - rule.suffix.size());
    if (stem.size() < 2) continue;
    std::vector<std::string> stems;
    if (has_feature(rule.features, "ge")) {
      // ge-...-t participles, also after a separable prefix (auf-ge-baut).
      for (std::size_t at = 0; at + 2 < stem.size() && at <= 6; ++at)
        if (stem.compare(at, 2, "ge") == 0) stems.push_back(stem.substr(0, at) + stem.substr(at + 2));
    } else {
      stems.push_back(stem);
    }
    for (const std::string& base : std::vector<std::string>(stems)) {
      for (const auto& [from, to] : rules_.vowels) {
        std::string alt;
        if (alternate(base, from, to, alt)) stems.push_back(alt);
      }
    }
    for (const std::string& s : stems) {
      const std::string lemma = s + rule.replacement;
      if (lemma == w && rule.suffix == rule.replacement && !noun) continue;
      std::vector<const LexEntry*> entries = entries_for(lower(lemma), rule.pos == "n", rule.pos);
      if (entries.empty()) continue;
      out.tag = rule.tag;
      out.lemma = entries.front()->headword;
      out.features = rule.features;
      if (rule.tag == "VFIN") out.features += " pres";
      out.plural = has_feature(rule.features, "pl");
      out.entries = std::move(entries);
      out.how = fmt::format("suffix -{} -> -{} ({})", rule.suffix.empty() ? "0" : rule.suffix,
                            rule.replacement.empty() ? "0" : rule.replacement, out.lemma);
      return true;
    }
  }
  return false;
}

bool SourceAnalyzer::try_compound(const std::string& token, int depth, Analysis& out) const {
  // Longest known head first: German compounds are right-headed (the last part is the noun
  // that inflects and carries the meaning; Haustür is a kind of Tür).
  for (std::size_t i = 3; i + 3 <= token.size(); ++i) {
    if (!char_boundary(token, i)) continue;
    const std::string head_text = capitalize(token.substr(i));
    Analysis head;
    std::vector<const LexEntry*> direct = entries_for(lower(head_text), true, "n");
    if (!direct.empty()) {
      head.entries = direct;
      head.plural = direct.front()->plural;
      head.lemma = direct.front()->headword;
    } else if (!try_inflection(head_text, true, head)) {
      continue;
    }
    const std::string modifier = token.substr(0, i);
    std::string mod_target;
    for (const char* link : {"", "s", "es", "n", "en", "e", "er"}) {
      if (!ends_with(modifier, link) || modifier.size() < std::string(link).size() + 2) continue;
      const std::string m = lower(modifier.substr(0, modifier.size() - std::string(link).size()));
      auto [b, e] = lexicon_.lookup(m);
      std::vector<const LexEntry*> mods;
      for (const LexEntry* p = b; p != e; ++p) mods.push_back(p);
      if (mods.empty()) continue;
      mod_target = choose_sense(lexicon_, mods, "n").target;
      if (!mod_target.empty()) break;
    }
    if (mod_target.empty() && depth < 1) {
      Analysis inner;
      if (try_compound(capitalize(modifier), depth + 1, inner)) mod_target = inner.fixed_target;
    }
    if (mod_target.empty()) continue;
    const std::string head_target = noun_target(lexicon_, head);
    if (head_target.empty()) continue;
    out.tag = "N";
    out.lemma = token;
    out.plural = head.plural;
    out.fixed_target = mod_target + " " + head_target;
    out.has_fixed_target = true;
    out.how = fmt::format("compound {}+{}", modifier, head_text);
    return true;
  }
  return false;
}

}  // namespace mtbench::rule_based
