#include "systems/rule_based/rule_file.h"

#include <algorithm>
#include <set>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

// Splits on spaces, keeping "quoted text" as one item (quotes kept) and ( ) as items.
std::vector<std::string> lex(const std::string& text, const std::string& where) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      cur += c;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (!cur.empty()) out.push_back(cur), cur.clear();
    } else if (!quoted && (c == '(' || c == ')')) {
      if (c == '(') {
        cur += c;  // "label:(" stays one item
        out.push_back(cur), cur.clear();
      } else {
        if (!cur.empty()) out.push_back(cur), cur.clear();
        // a quantifier directly after ')' is not supported; reported below
        out.emplace_back(")");
      }
    } else {
      cur += c;
    }
  }
  if (quoted) fail<DataError>("{}: unterminated quote", where);
  if (!cur.empty()) out.push_back(cur);
  return out;
}

const std::set<std::string>& known_tags() {
  static const std::set<std::string> tags = {"ART",  "N",   "ADJ", "ADV",  "VFIN", "VINF", "VPART", "VAUX", "PREP",
                                             "PRON", "REL", "SUB", "CONJ", "NUM",  "PTK",  "PUNCT", "UNK",  "INS"};
  return tags;
}

class PatternParser {
 public:
  PatternParser(const std::unordered_map<std::string, std::string>& macros, std::string where)
      : macros_(macros), where_(std::move(where)) {}

  void parse(const std::string& text, StructuralRule& rule, int depth = 0) {
    if (depth > 8) fail<DataError>("{}: macros nested too deeply", where_);
    const std::vector<std::string> items = lex(text, where_);
    std::vector<std::pair<std::string, int>> open;  // label, first element of open groups
    for (const std::string& raw : items) {
      if (raw == ")") {
        if (open.empty()) fail<DataError>("{}: unbalanced ')'", where_);
        auto [label, first] = open.back();
        open.pop_back();
        if (!label.empty()) rule.labels[label] = {first, static_cast<int>(rule.pattern.size()) - 1};
        continue;
      }
      std::string item = raw, label;
      const std::size_t colon = item.find(':');
      if (colon != std::string::npos && item[0] != '"') {
        label = item.substr(0, colon);
        item = item.substr(colon + 1);
        if (label.empty() || rule.labels.count(label))
          fail<DataError>("{}: empty or repeated label '{}'", where_, label);
      }
      if (item == "(") {
        open.emplace_back(label, static_cast<int>(rule.pattern.size()));
        continue;
      }
      if (const auto m = macros_.find(item); m != macros_.end()) {
        const int first = static_cast<int>(rule.pattern.size());
        parse(m->second, rule, depth + 1);
        if (!label.empty()) rule.labels[label] = {first, static_cast<int>(rule.pattern.size()) - 1};
        continue;
      }
      PatternElement element;
      if (!item.empty() && (item.back() == '?' || item.back() == '*' || item.back() == '+') && item != "\"?\"") {
        element.quantifier = item.back();
        item.pop_back();
      }
      if (!item.empty() && item[0] == '!') {
        element.negated = true;
        item.erase(0, 1);
      }
      if (item == "_") {
        element.kind = PatternElement::Kind::kAny;
      } else if (item == "^" || item == "$") {
        element.kind = item == "^" ? PatternElement::Kind::kStart : PatternElement::Kind::kEnd;
        if (element.quantifier || element.negated || !label.empty())
          fail<DataError>("{}: '{}' takes no quantifier, negation or label", where_, item);
      } else if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
        element.kind = PatternElement::Kind::kWord;
        for (const std::string& w : split(item.substr(1, item.size() - 2), '|')) element.values.push_back(lower(w));
      } else {
        element.kind = PatternElement::Kind::kTag;
        element.values = split(item, '|');
        for (const std::string& tag : element.values)
          if (!known_tags().count(tag)) fail<DataError>("{}: unknown tag or macro '{}'", where_, tag);
      }
      if (!label.empty())
        rule.labels[label] = {static_cast<int>(rule.pattern.size()), static_cast<int>(rule.pattern.size())};
      rule.pattern.push_back(std::move(element));
    }
    if (!open.empty()) fail<DataError>("{}: unclosed '('", where_);
  }

 private:
  const std::unordered_map<std::string, std::string>& macros_;
  std::string where_;
};

void check_action(const std::vector<std::string>& a, const StructuralRule& rule, const std::string& where) {
  auto label = [&](std::size_t i) {
    if (i >= a.size() || !rule.labels.count(a[i]))
      fail<DataError>("{}: action '{}' refers to an unknown label '{}'", where, join(a, " "), i < a.size() ? a[i] : "");
  };
  auto word = [&](std::size_t i, std::initializer_list<const char*> allowed) {
    bool ok = false;
    for (const char* w : allowed) ok = ok || (i < a.size() && a[i] == w);
    if (!ok) fail<DataError>("{}: malformed action '{}'", where, join(a, " "));
  };
  auto quoted = [&](std::size_t i) {
    if (i >= a.size() || a[i].size() < 2 || a[i].front() != '"' || a[i].back() != '"')
      fail<DataError>("{}: action '{}' needs a \"quoted\" text", where, join(a, " "));
  };
  const std::string& op = a[0];
  if (op == "move" && a.size() == 3)
    label(1), word(2, {"to-end", "to-start"});
  else if (op == "move")
    label(1), word(2, {"after", "before"}), label(3);
  else if (op == "insert")
    quoted(1), word(2, {"after", "before"}), label(3);
  else if (op == "delete" || op == "progressive")
    label(1);
  else if (op == "set")
    label(1), quoted(2);
  else if (op == "tag")
    label(1), word(2, {"ART", "N", "ADJ", "ADV", "VFIN", "VINF", "VPART", "VAUX", "PREP", "PRON", "REL", "SUB", "CONJ",
                       "PTK"});
  else if (op == "reattach")
    label(1), word(2, {"to"}), label(3);
  else
    fail<DataError>("{}: unknown action '{}'", where, op);
}

}  // namespace

RuleSet parse_rules(const std::string& text, const std::string& origin) {
  RuleSet set;
  set.origin = origin;
  std::string section;
  std::unordered_map<std::string, std::string> macros;
  const std::vector<std::string> lines = split(text, '\n');
  for (std::size_t n = 0; n < lines.size(); ++n) {
    const std::string where = fmt::format("{}:{}", origin, n + 1);
    std::string line = lines[n];
    if (const std::size_t hash = line.find('#'); hash != std::string::npos) {
      // '#' starts a comment unless inside quotes.
      const std::size_t quotes = std::count(line.begin(), line.begin() + static_cast<long>(hash), '"');
      if (quotes % 2 == 0) line.erase(hash);
    }
    line = trim(line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.front() == '[' && line.back() == ']') {
      section = line.substr(1, line.size() - 2);
      if (section != "language" && section != "words" && section != "contractions" && section != "inflection" &&
          section != "vowels" && section != "rules")
        fail<DataError>("{}: unknown section [{}]", where, section);
      continue;
    }
    std::vector<std::string> f;
    for (const std::string& w : split(line, ' '))
      if (!w.empty()) f.push_back(w);
    if (section.empty()) fail<DataError>("{}: line before any [section]", where);
    if (section == "language") {
      static const std::set<std::string> kKeys = {
          "source", "target", "nouns_capitalized", "compounds", "dictionary", "reverse_dictionary", "insert_articles"};
      if (f.size() != 2 || !kKeys.count(f[0]))
        fail<DataError>("{}: expected 'KEY value' with KEY one of: {}; got '{}'", where,
                        join(std::vector<std::string>(kKeys.begin(), kKeys.end()), ", "), line);
      if ((f[0] == "nouns_capitalized" || f[0] == "compounds" || f[0] == "insert_articles") && f[1] != "yes" &&
          f[1] != "no")
        fail<DataError>("{}: '{}' must be yes or no, got '{}'", where, f[0], f[1]);
      set.language[f[0]] = f[1];
    } else if (section == "words") {
      if (f.size() < 3) fail<DataError>("{}: expected 'surface TAG english', got '{}'", where, line);
      WordRule rule;
      rule.tag = f[1];
      if (ends_with(rule.tag, "+pl")) rule.plural = true, rule.tag.resize(rule.tag.size() - 3);
      if (!known_tags().count(rule.tag)) fail<DataError>("{}: unknown tag '{}'", where, rule.tag);
      std::vector<std::string> target(f.begin() + 2, f.end());
      rule.target = target.size() == 1 && target[0] == "-" ? "" : join(target, " ");
      set.words[lower(f[0])] = rule;
    } else if (section == "contractions") {
      if (f.size() < 3) fail<DataError>("{}: expected 'contraction word word', got '{}'", where, line);
      set.contractions[lower(f[0])] = std::vector<std::string>(f.begin() + 1, f.end());
    } else if (section == "inflection") {
      if (f.size() < 4 || f.size() > 5)
        fail<DataError>("{}: expected 'suffix replacement pos TAG [features]', got '{}'", where, line);
      InflectionRule rule{f[0] == "-" ? "" : f[0], f[1] == "-" ? "" : f[1], f[2], f[3], f.size() > 4 ? f[4] : ""};
      if (!known_tags().count(rule.tag)) fail<DataError>("{}: unknown tag '{}'", where, rule.tag);
      set.inflections.push_back(rule);
    } else if (section == "vowels") {
      if (f.size() != 2) fail<DataError>("{}: expected 'surface-vowel lemma-vowel', got '{}'", where, line);
      set.vowels.emplace_back(f[0], f[1]);
    } else {  // rules
      if (f[0] == "define") {
        const std::size_t eq = line.find('=');
        if (f.size() < 4 || eq == std::string::npos) fail<DataError>("{}: expected 'define NAME = pattern'", where);
        macros[f[1]] = trim(line.substr(eq + 1));
        continue;
      }
      if (f[0] != "rule") fail<DataError>("{}: expected 'rule NAME: pattern => actions' or 'define'", where);
      const std::size_t colon = line.find(':');
      const std::size_t arrow = line.find("=>");
      if (colon == std::string::npos || arrow == std::string::npos || arrow < colon)
        fail<DataError>("{}: expected 'rule NAME: pattern => actions'", where);
      StructuralRule rule;
      rule.name = trim(line.substr(4, colon - 4));
      rule.line = static_cast<int>(n + 1);
      if (rule.name.empty()) fail<DataError>("{}: rule without a name", where);
      PatternParser(macros, where).parse(line.substr(colon + 1, arrow - colon - 1), rule);
      if (rule.pattern.empty()) fail<DataError>("{}: rule '{}' has an empty pattern", where, rule.name);
      rule.anchored = rule.pattern.front().kind == PatternElement::Kind::kStart;
      for (const std::string& action : split(line.substr(arrow + 2), ';')) {
        std::vector<std::string> words = lex(trim(action), where);
        if (words.empty()) continue;
        check_action(words, rule, where);
        rule.actions.push_back(std::move(words));
      }
      if (rule.actions.empty()) fail<DataError>("{}: rule '{}' has no action", where, rule.name);
      set.rules.push_back(std::move(rule));
    }
  }
  return set;
}

RuleSet load_rules(const std::filesystem::path& path) {
  return parse_rules(read_file(path), path.string());
}

}  // namespace mtbench::rule_based
