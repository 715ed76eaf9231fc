#include "systems/rule_based/senses.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "systems/rule_based/english.h"
#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

// Words that say nothing about a sense's fit ("to be", "sth.").
bool function_word(const std::string& w) {
  static const char* const kWords[] = {"to",      "be",  "a",    "an",   "the", "of",    "sth.", "sb.",  "one's",
                                       "oneself", "sth", "sb",   "on",   "in",  "at",    "for",  "with", "up",
                                       "out",     "off", "into", "from", "by",  "about", "get",  "have", "do"};
  for (const char* k : kWords)
    if (w == k) return true;
  return false;
}

}  // namespace

SenseChoice choose_sense(const Lexicon& lexicon, const std::vector<const LexEntry*>& entries, const std::string& pos) {
  SenseChoice best;
  bool any_pos = pos.empty();
  if (!any_pos) {
    any_pos = true;
    for (const LexEntry* e : entries)
      if (e->pos == pos) any_pos = false;
  }
  double best_score = -1e9;
  std::uint32_t best_count = 0;
  std::size_t best_entry = 0, considered = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const LexEntry* e = entries[i];
    if (!any_pos && e->pos != pos) continue;
    ++considered;
    for (std::size_t j = 0; j < e->translations.size(); ++j) {
      const std::string& t = e->translations[j];
      if (t.find("sth") != std::string::npos || t.find("sb.") != std::string::npos) continue;
      // The candidate's frequency counts its inflected forms too: Multi30k-style English
      // says "sleeping" and "dogs" far more often than "sleep" and "dog".
      std::uint32_t count = UINT32_MAX, any_count = UINT32_MAX;
      const std::vector<std::string> parts = split(lower(t), ' ');
      int words = 0;
      for (std::size_t k = 0; k < parts.size(); ++k) {
        const std::string& w = parts[k];
        if (w.empty()) continue;
        ++words;
        std::uint32_t c = lexicon.target_count(w);
        if (e->pos == "v" && k == 0)
          c = std::max(
              {c, lexicon.target_count(english::ing_form(w)), lexicon.target_count(english::third_singular(w))});
        if (e->pos == "n" && k + 1 == parts.size()) c = std::max(c, lexicon.target_count(english::plural(w)));
        any_count = std::min(any_count, c);
        if (!function_word(w)) count = std::min(count, c);
      }
      if (count == UINT32_MAX) count = any_count == UINT32_MAX ? 0 : any_count;
      // Corpus frequency dominates; longer paraphrases and later senses pay a little.
      const double score = std::log1p(static_cast<double>(count)) - 0.4 * (words - 1) - 0.03 * static_cast<double>(i) -
                           0.01 * static_cast<double>(j);
      if (score > best_score) {
        best_score = score;
        best_count = count;
        best_entry = i;
        best.target = t;
        best.pos = e->pos;
        best.entry = e;
      }
    }
  }
  if (best.entry)
    best.note = fmt::format("pos {}; corpus count {}; entry {}/{}", best.pos.empty() ? "-" : best.pos, best_count,
                            best_entry + 1, entries.size());
  (void)considered;
  return best;
}

}  // namespace mtbench::rule_based
