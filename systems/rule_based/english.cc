#include "systems/rule_based/english.h"

#include <unordered_map>

#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based::english {
namespace {

bool vowel(char c) {
  return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

// Splits "look at" into "look" and " at".
std::pair<std::string, std::string> head_rest(std::string_view phrase) {
  const std::size_t space = phrase.find(' ');
  if (space == std::string_view::npos) return {std::string(phrase), ""};
  return {std::string(phrase.substr(0, space)), std::string(phrase.substr(space))};
}

int vowel_groups(const std::string& w) {
  int groups = 0;
  bool in = false;
  for (char c : w) {
    const bool v = vowel(c) || c == 'y';
    if (v && !in) ++groups;
    in = v;
  }
  return groups;
}

// Consonant-vowel-consonant ending of a one-syllable word doubles its last letter (sit -> sitting).
bool doubles(const std::string& w) {
  if (w.size() < 3 || vowel_groups(w) != 1) return false;
  const char a = w[w.size() - 3], b = w[w.size() - 2], c = w.back();
  return !vowel(a) && vowel(b) && !vowel(c) && c != 'w' && c != 'x' && c != 'y';
}

}  // namespace

std::string third_singular(std::string_view base) {
  auto [w, rest] = head_rest(base);
  static const std::unordered_map<std::string, std::string> irregular = {
      {"be", "is"}, {"have", "has"}, {"do", "does"}, {"go", "goes"}, {"can", "can"}, {"must", "must"}, {"may", "may"}};
  if (const auto it = irregular.find(w); it != irregular.end()) return it->second + rest;
  if (w.empty()) return std::string(base);
  if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "ch") || ends_with(w, "sh") ||
      ends_with(w, "o"))
    return w + "es" + rest;
  if (w.size() > 1 && w.back() == 'y' && !vowel(w[w.size() - 2])) return w.substr(0, w.size() - 1) + "ies" + rest;
  return w + "s" + rest;
}

std::string ing_form(std::string_view base) {
  auto [w, rest] = head_rest(base);
  if (w.empty()) return std::string(base);
  if (w == "be" || w == "see" || w == "flee" || w == "agree") return w + "ing" + rest;
  if (ends_with(w, "ie")) return w.substr(0, w.size() - 2) + "ying" + rest;
  if (ends_with(w, "ee") || ends_with(w, "ye") || ends_with(w, "oe")) return w + "ing" + rest;
  if (w.size() > 2 && w.back() == 'e') return w.substr(0, w.size() - 1) + "ing" + rest;
  if (doubles(w)) return w + w.back() + "ing" + rest;
  return w + "ing" + rest;
}

std::string plural(std::string_view noun) {
  std::string phrase(noun);
  const std::size_t space = phrase.rfind(' ');
  const std::string head = space == std::string::npos ? "" : phrase.substr(0, space + 1);
  const std::string w = space == std::string::npos ? phrase : phrase.substr(space + 1);
  static const std::unordered_map<std::string, std::string> irregular = {
      {"man", "men"},     {"woman", "women"}, {"child", "children"}, {"person", "people"}, {"foot", "feet"},
      {"tooth", "teeth"}, {"mouse", "mice"},  {"sheep", "sheep"},    {"fish", "fish"},     {"people", "people"}};
  if (const auto it = irregular.find(w); it != irregular.end()) return head + it->second;
  for (const char* suffix : {"man"})
    if (ends_with(w, suffix)) return head + w.substr(0, w.size() - 3) + "men";
  if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "z") || ends_with(w, "ch") || ends_with(w, "sh"))
    return head + w + "es";
  if (w.size() > 1 && w.back() == 'y' && !vowel(w[w.size() - 2])) return head + w.substr(0, w.size() - 1) + "ies";
  return head + w + "s";
}

bool wants_an(std::string_view next_word) {
  const std::string w = lower(next_word);
  if (w.empty()) return false;
  for (const char* p : {"hour", "honest", "honor", "honour", "heir"})
    if (starts_with(w, p)) return true;
  for (const char* p : {"uni", "use", "usu", "uti", "eu", "one", "once", "ewe", "ure"})
    if (starts_with(w, p)) return false;
  return vowel(w[0]);
}

}  // namespace mtbench::rule_based::english
