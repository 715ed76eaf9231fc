#include "systems/rule_based/transfer.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

// Cap on matcher steps per (rule, clause start): protects against pathological patterns.
constexpr long kStepBudget = 200000;

bool element_accepts(const PatternElement& e, const TransferToken& t) {
  bool hit = false;
  if (e.kind == PatternElement::Kind::kAny) {
    hit = true;
  } else if (e.kind == PatternElement::Kind::kTag) {
    hit = std::find(e.values.begin(), e.values.end(), t.tag) != e.values.end();
  } else if (e.kind == PatternElement::Kind::kWord) {
    const std::string w = lower(t.source);
    hit = std::find(e.values.begin(), e.values.end(), w) != e.values.end();
  }
  return e.negated ? !hit : hit;
}

class Matcher {
 public:
  Matcher(const StructuralRule& rule, const std::vector<TransferToken>& tokens, int clause_begin, int clause_end)
      : rule_(rule),
        tokens_(tokens),
        begin_(clause_begin),
        end_(clause_end),
        starts_(rule.pattern.size()),
        ends_(rule.pattern.size()) {}

  bool match(int start) { return step(0, start); }
  // Token span [first, last) covered by a label.
  std::pair<int, int> span(const std::string& label) const {
    const auto [first, last] = rule_.labels.at(label);
    return {starts_[first], ends_[last]};
  }
  int match_end() const { return ends_.back(); }

 private:
  bool step(std::size_t k, int pos) {
    if (++steps_ > kStepBudget) return false;
    if (k == rule_.pattern.size()) return true;
    const PatternElement& e = rule_.pattern[k];
    starts_[k] = ends_[k] = pos;
    if (e.kind == PatternElement::Kind::kStart) return pos == begin_ && step(k + 1, pos);
    if (e.kind == PatternElement::Kind::kEnd) return pos == end_ && step(k + 1, pos);
    const int min = (e.quantifier == '?' || e.quantifier == '*') ? 0 : 1;
    const int max_allowed = (e.quantifier == '*' || e.quantifier == '+') ? end_ - pos : 1;
    int run = 0;
    while (run < max_allowed && pos + run < end_ && element_accepts(e, tokens_[pos + run])) ++run;
    for (int c = run; c >= min; --c) {  // greedy, then backtrack
      starts_[k] = pos;
      ends_[k] = pos + c;
      if (step(k + 1, pos + c)) return true;
    }
    return false;
  }

  const StructuralRule& rule_;
  const std::vector<TransferToken>& tokens_;
  int begin_, end_;
  std::vector<int> starts_, ends_;
  long steps_ = 0;
};

// Clause bounds: maximal runs without punctuation, cut into windows of at most `max_len`.
std::vector<std::pair<int, int>> clauses(const std::vector<TransferToken>& tokens, int max_len) {
  std::vector<std::pair<int, int>> out;
  int start = 0;
  const int n = static_cast<int>(tokens.size());
  for (int i = 0; i <= n; ++i) {
    if (i == n || tokens[i].tag == "PUNCT") {
      for (int b = start; b < i; b += max_len) out.emplace_back(b, std::min(i, b + max_len));
      start = i + 1;
    }
  }
  return out;
}

int index_of(const std::vector<TransferToken>& tokens, int id) {
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (tokens[i].id == id) return static_cast<int>(i);
  return -1;
}

std::string words_of(const std::vector<TransferToken>& tokens, const std::vector<int>& ids) {
  std::vector<std::string> words;
  for (int id : ids) {
    const int i = index_of(tokens, id);
    if (i >= 0) words.push_back(tokens[i].source.empty() ? tokens[i].target : tokens[i].source);
  }
  return "'" + join(words, " ") + "'";
}

std::string unquote(const std::string& s) {
  return s.substr(1, s.size() - 2);
}

// Runs the actions of one match on `work`; false when an action cannot apply.
bool run_actions(const StructuralRule& rule, const std::unordered_map<std::string, std::vector<int>>& ids,
                 std::vector<int> clause_ids, std::vector<TransferToken>& work, const TransferHooks& hooks,
                 int& next_id, std::string& detail) {
  std::vector<std::string> parts;
  for (const std::vector<std::string>& a : rule.actions) {
    const std::string& op = a[0];
    const std::vector<int>& first = ids.at(op == "insert" ? a[3] : a[1]);
    if (op == "move") {
      if (first.empty()) continue;
      std::vector<TransferToken> moved;
      for (int id : first) {
        const int i = index_of(work, id);
        if (i < 0) return false;
        moved.push_back(work[i]);
        work.erase(work.begin() + i);
      }
      int at;
      if (a[2] == "to-end" || a[2] == "to-start") {
        int lo = -1, hi = -1;
        for (int id : clause_ids) {
          const int i = index_of(work, id);
          if (i < 0) continue;
          lo = lo < 0 ? i : std::min(lo, i);
          hi = std::max(hi, i);
        }
        if (lo < 0) return false;
        at = a[2] == "to-end" ? hi + 1 : lo;
      } else {
        const std::vector<int>& anchor = ids.at(a[3]);
        if (anchor.empty()) return false;
        for (int id : anchor)
          if (std::find(first.begin(), first.end(), id) != first.end()) return false;
        at = index_of(work, a[2] == "after" ? anchor.back() : anchor.front());
        if (at < 0) return false;
        if (a[2] == "after") ++at;
      }
      work.insert(work.begin() + at, moved.begin(), moved.end());
      parts.push_back(fmt::format("moved {} {}", words_of(work, first),
                                  a.size() == 3 ? a[2] : a[2] + " " + words_of(work, ids.at(a[3]))));
    } else if (op == "insert") {
      if (first.empty()) return false;
      int at = index_of(work, a[2] == "before" ? first.front() : first.back());
      if (at < 0) return false;
      if (a[2] == "after") ++at;
      TransferToken t;
      t.id = next_id++;
      t.tag = "INS";
      t.target = unquote(a[1]);
      work.insert(work.begin() + at, t);
      clause_ids.push_back(t.id);
      parts.push_back(fmt::format("inserted '{}' {} {}", t.target, a[2], words_of(work, first)));
    } else if (op == "delete") {
      if (first.empty()) return false;
      parts.push_back(fmt::format("deleted {}", words_of(work, first)));
      for (int id : first) {
        const int i = index_of(work, id);
        if (i >= 0) work.erase(work.begin() + i);
      }
    } else if (op == "set" || op == "tag" || op == "progressive") {
      if (first.empty()) return false;
      for (std::size_t k = 0; k < first.size(); ++k) {
        const int i = index_of(work, first[k]);
        if (i < 0) return false;
        if (op == "set") work[i].target = k == 0 ? unquote(a[2]) : "";
        if (op == "tag") work[i].tag = a[2];
        if (op == "progressive" && k == 0) {
          if (!hooks.progressive || work[i].features.find("prog") != std::string::npos) return false;
          hooks.progressive(work[i]);
        }
      }
      parts.push_back(op == "set" ? fmt::format("set {} to {}", words_of(work, first), a[2])
                      : op == "tag"
                          ? fmt::format("tagged {} as {}", words_of(work, first), a[2])
                          : fmt::format("{} -> '{}'", words_of(work, first), work[index_of(work, first[0])].target));
    } else if (op == "reattach") {
      const std::vector<int>& verb = ids.at(a[3]);
      if (first.empty() || verb.empty() || !hooks.reattach) return false;
      const int p = index_of(work, first.front());
      const int v = index_of(work, verb.front());
      if (p < 0 || v < 0) return false;
      const std::string before = work[v].source;
      if (!hooks.reattach(work[v], work[p])) return false;
      parts.push_back(fmt::format("'{}' + '{}' = {} -> '{}'", work[p].source, before, work[v].lemma, work[v].target));
      work.erase(work.begin() + p);
    }
  }
  detail = join(parts, "; ");
  return true;
}

}  // namespace

void apply_structural_rules(const RuleSet& rules, std::vector<TransferToken>& tokens, const TransferHooks& hooks,
                            std::vector<RuleFiring>* fired, const TransferOptions& options) {
  int next_id = 0;
  for (const TransferToken& t : tokens) next_id = std::max(next_id, t.id + 1);
  const int max_len = std::max(4, options.max_clause_tokens);
  for (const StructuralRule& rule : rules.rules) {
    std::size_t firings = 0;
    const std::size_t max_firings = 2 * tokens.size() + 8;
    std::size_t c = 0;
    auto bounds = clauses(tokens, max_len);
    int pos = bounds.empty() ? 0 : bounds[0].first;
    while (c < bounds.size() && firings < max_firings) {
      const auto [begin, end] = bounds[c];
      if (pos < begin) pos = begin;
      if (pos >= end || (rule.anchored && pos > begin)) {
        ++c;
        continue;
      }
      Matcher matcher(rule, tokens, begin, end);
      if (!matcher.match(pos)) {
        ++pos;
        continue;
      }
      std::unordered_map<std::string, std::vector<int>> ids;
      for (const auto& [label, unused] : rule.labels) {
        const auto [from, to] = matcher.span(label);
        for (int i = from; i < to; ++i) ids[label].push_back(tokens[i].id);
        ids[label];  // present even when empty
      }
      std::vector<int> clause_ids;
      for (int i = begin; i < end; ++i) clause_ids.push_back(tokens[i].id);
      const int last_id = matcher.match_end() > pos ? tokens[matcher.match_end() - 1].id : tokens[pos].id;
      std::vector<TransferToken> work = tokens;
      std::string detail;
      if (!run_actions(rule, ids, clause_ids, work, hooks, next_id, detail)) {
        ++pos;
        continue;
      }
      tokens = std::move(work);
      ++firings;
      if (fired) fired->push_back({rule.name, detail});
      // Resume after the matched span (wherever it moved to), within the same clause list.
      const int resume = index_of(tokens, last_id);
      bounds = clauses(tokens, max_len);
      c = 0;
      const int next = resume < 0 ? pos + 1 : std::max(pos + 1, resume + 1);
      while (c < bounds.size() && bounds[c].second <= next) ++c;
      pos = next;
    }
  }
}

}  // namespace mtbench::rule_based
