#include "systems/explanation_json.h"

#include <cmath>
#include <set>

#include "base/error.h"

namespace mtbench {
namespace {

using nlohmann::json;

json scores_to_json(const std::vector<std::pair<std::string, double>>& scores) {
  json out = json::array();
  for (const auto& [name, value] : scores) out.push_back(json::array({name, value}));
  return out;
}

std::vector<std::pair<std::string, double>> scores_from_json(const json& j) {
  std::vector<std::pair<std::string, double>> out;
  for (const auto& item : j) {
    if (!item.is_array() || item.size() != 2)
      throw json::other_error::create(501, "score entries are [name, value]", &item);
    out.emplace_back(item[0].get<std::string>(), item[1].get<double>());
  }
  return out;
}

// Rejects keys other than `allowed` in object `j`.
void check_keys(const json& j, const std::set<std::string>& allowed, const std::string& origin,
                const std::string& what) {
  if (!j.is_object()) fail<DataError>("{}: {} must be a JSON object", origin, what);
  for (const auto& item : j.items()) {
    if (!allowed.count(item.key())) fail<DataError>("{}: unknown key '{}' in {}", origin, item.key(), what);
  }
}

}  // namespace

json explanation_to_json(const Explanation& e) {
  json j = json::object();
  if (!e.source_tokens.empty()) j["source_tokens"] = e.source_tokens;
  if (!e.target_tokens.empty()) j["target_tokens"] = e.target_tokens;
  if (!e.alignment.empty()) {
    json links = json::array();
    for (const auto& [s, t] : e.alignment) links.push_back(json::array({s, t}));
    j["alignment"] = links;
  }
  if (!e.attention.empty()) {
    json matrices = json::array();
    for (const auto& a : e.attention) {
      // Weights rounded to 1e-6: enough for any drawing, and the JSON stays a third as large
      // as with float's full decimal expansion.
      json weights = json::array();
      for (float w : a.weights) weights.push_back(std::round(static_cast<double>(w) * 1e6) / 1e6);
      matrices.push_back({{"kind", a.kind},
                          {"layer", a.layer},
                          {"head", a.head},
                          {"row_tokens", a.row_tokens},
                          {"col_tokens", a.col_tokens},
                          {"weights", weights}});
    }
    j["attention"] = matrices;
  }
  if (!e.phrases.empty()) {
    json phrases = json::array();
    for (const auto& p : e.phrases) {
      phrases.push_back({{"source_begin", p.source_begin},
                         {"source_end", p.source_end},
                         {"source", p.source},
                         {"target", p.target},
                         {"scores", scores_to_json(p.scores)}});
    }
    j["phrases"] = phrases;
  }
  if (!e.rules.empty()) {
    json rules = json::array();
    for (const auto& r : e.rules) rules.push_back({{"rule", r.rule}, {"detail", r.detail}});
    j["rules"] = rules;
  }
  if (!e.lexicon.empty()) {
    json lexicon = json::array();
    for (const auto& l : e.lexicon) {
      lexicon.push_back(
          {{"source", l.source}, {"lemma", l.lemma}, {"target", l.target}, {"pos", l.pos}, {"note", l.note}});
    }
    j["lexicon"] = lexicon;
  }
  if (!e.unknown_words.empty()) j["unknown_words"] = e.unknown_words;
  if (!e.scores.empty()) j["scores"] = scores_to_json(e.scores);
  return j;
}

Explanation explanation_from_json(const json& j, const std::string& origin) {
  check_keys(j,
             {"source_tokens", "target_tokens", "alignment", "attention", "phrases", "rules", "lexicon",
              "unknown_words", "scores"},
             origin, "an explanation");
  Explanation e;
  std::string key;
  try {
    key = "source_tokens";
    if (j.contains(key)) e.source_tokens = j[key].get<std::vector<std::string>>();
    key = "target_tokens";
    if (j.contains(key)) e.target_tokens = j[key].get<std::vector<std::string>>();
    key = "alignment";
    if (j.contains(key)) {
      for (const auto& link : j[key]) e.alignment.emplace_back(link.at(0).get<int>(), link.at(1).get<int>());
    }
    key = "attention";
    if (j.contains(key)) {
      for (const auto& a : j[key]) {
        check_keys(a, {"kind", "layer", "head", "row_tokens", "col_tokens", "weights"}, origin, "an attention matrix");
        AttentionMatrix m;
        m.kind = a.value("kind", "");
        m.layer = a.value("layer", 0);
        m.head = a.value("head", 0);
        m.row_tokens = a.value("row_tokens", std::vector<std::string>{});
        m.col_tokens = a.value("col_tokens", std::vector<std::string>{});
        m.weights = a.value("weights", std::vector<float>{});
        if (m.weights.size() != m.row_tokens.size() * m.col_tokens.size()) {
          fail<DataError>("{}: attention matrix has {} weights for {} x {} tokens", origin, m.weights.size(),
                          m.row_tokens.size(), m.col_tokens.size());
        }
        e.attention.push_back(std::move(m));
      }
    }
    key = "phrases";
    if (j.contains(key)) {
      for (const auto& p : j[key]) {
        check_keys(p, {"source_begin", "source_end", "source", "target", "scores"}, origin, "a phrase");
        PhraseUse use;
        use.source_begin = p.value("source_begin", 0);
        use.source_end = p.value("source_end", 0);
        use.source = p.value("source", "");
        use.target = p.value("target", "");
        if (p.contains("scores")) use.scores = scores_from_json(p["scores"]);
        e.phrases.push_back(std::move(use));
      }
    }
    key = "rules";
    if (j.contains(key)) {
      for (const auto& r : j[key]) {
        check_keys(r, {"rule", "detail"}, origin, "a rule firing");
        e.rules.push_back({r.value("rule", ""), r.value("detail", "")});
      }
    }
    key = "lexicon";
    if (j.contains(key)) {
      for (const auto& l : j[key]) {
        check_keys(l, {"source", "lemma", "target", "pos", "note"}, origin, "a lexicon use");
        e.lexicon.push_back({l.value("source", ""), l.value("lemma", ""), l.value("target", ""), l.value("pos", ""),
                             l.value("note", "")});
      }
    }
    key = "unknown_words";
    if (j.contains(key)) e.unknown_words = j[key].get<std::vector<std::string>>();
    key = "scores";
    if (j.contains(key)) e.scores = scores_from_json(j[key]);
  } catch (const json::exception& ex) {
    fail<DataError>("{}: bad value for '{}' in an explanation: {}", origin, key, ex.what());
  }
  return e;
}

}  // namespace mtbench
