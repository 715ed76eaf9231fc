// mtbench-dice: an example mtbench system plugin (see README.md in this folder).
//
// A word-by-word translator whose bilingual lexicon is learned from the training corpus by
// sentence-level co-occurrence, scored with the Dice coefficient
//     dice(s, t) = 2 * c(s, t) / (c(s) + c(t)),
// where c(s) counts training sentences whose source side contains s, c(t) those whose target
// side contains t, and c(s, t) those that contain both. This is the association-measure idea
// that preceded the IBM models (Smadja, McKeown & Hatzivassiloglou 1996, "Translating
// collocations for bilingual lexicons: a statistical approach", Computational Linguistics
// 22(1); Melamed 2000 discusses its bias towards frequent words). Each source word is
// translated by its highest-Dice target word; unknown words are passed through.
//
// It only uses the standard library and the mtbench plugin interface, so it builds against
// `find_package(mtbench)` and links nothing of mtbench.

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "systems/plugin_api.h"

namespace {

using mtbench::PluginHost;

constexpr const char* kLexiconFile = "dice-lexicon.tsv";
constexpr const char* kLexiconHeader = "# mtbench-dice lexicon v1";

// Options from the YAML config (a flat `key: value` mapping; unknown keys rejected). The
// plugin parses this small subset itself to stay free of a YAML library.
struct DiceOptions {
  int min_cooccurrence = 2;  // ignore pairs seen together in fewer sentences
  double min_dice = 0.05;    // ignore pairs with a lower Dice score
};

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

DiceOptions parse_options(const std::string& yaml, const std::string& origin) {
  DiceOptions options;
  std::istringstream in(yaml);
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    line = trim(line.substr(0, line.find('#')));
    if (line.empty() || line == "{}") continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) {
      throw std::runtime_error(origin + " line " + std::to_string(line_number) + ": expected 'key: value'");
    }
    const std::string key = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    try {
      if (key == "min_cooccurrence") {
        options.min_cooccurrence = std::stoi(value);
      } else if (key == "min_dice") {
        options.min_dice = std::stod(value);
      } else {
        throw std::runtime_error(origin + ": unknown key '" + key +
                                 "' for the dice system (valid: min_cooccurrence, min_dice)");
      }
    } catch (const std::logic_error&) {  // std::stoi/stod: invalid_argument, out_of_range
      throw std::runtime_error(origin + ": key '" + key + "' needs a number, got '" + value + "'");
    }
  }
  return options;
}

bool is_punct(char c) {
  return std::string_view(".,;:!?\"()[]").find(c) != std::string_view::npos;
}

// Whitespace tokenization with ASCII punctuation split off word edges; enough for the
// word-by-word idea (the harness scores detokenized text with sacreBLEU's own tokenizer).
std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> tokens;
  std::istringstream in(text);
  std::string word;
  while (in >> word) {
    std::vector<std::string> tail;
    std::size_t begin = 0, end = word.size();
    while (begin < end && is_punct(word[begin])) tokens.emplace_back(1, word[begin++]);
    while (end > begin && is_punct(word[end - 1])) tail.emplace_back(1, word[--end]);
    if (end > begin) tokens.push_back(word.substr(begin, end - begin));
    tokens.insert(tokens.end(), tail.rbegin(), tail.rend());
  }
  return tokens;
}

// ASCII lowercasing (bytes >= 0x80 of UTF-8 are left alone: a documented simplification).
std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string detokenize(const std::vector<std::string>& tokens) {
  std::string out;
  bool glue_next = false;
  for (const auto& token : tokens) {
    const bool closing = token.size() == 1 && std::string_view(".,;:!?)]").find(token[0]) != std::string_view::npos;
    if (!out.empty() && !closing && !glue_next) out += ' ';
    out += token;
    glue_next = token == "(" || token == "[";
  }
  return out;
}

struct LexiconEntry {
  std::string target;  // best translation
  double dice = 0;     // its Dice coefficient
};

class DiceTranslator final : public mtbench::Translator {
 public:
  explicit DiceTranslator(const PluginHost& host) : host_(host) {}

  static mtbench::SystemInfo static_info() {
    mtbench::SystemInfo info;
    info.name = "dice";
    info.title = "Word-by-word translation with a Dice co-occurrence lexicon (example plugin)";
    info.era = "1990s";
    info.year = 1996;
    info.paradigm = "statistical";
    info.citation =
        "Smadja, McKeown & Hatzivassiloglou (1996) Translating collocations for bilingual "
        "lexicons: "
        "a statistical approach. Computational Linguistics 22(1)";
    info.description =
        "Learns one translation per source word by sentence co-occurrence (Dice coefficient) and "
        "translates word by word; the example of an out-of-tree mtbench plugin.";
    return info;
  }

  mtbench::SystemInfo info() const override { return static_info(); }

  void train(const mtbench::TrainData& data, const mtbench::TrainOptions& options) override {
    options_ = parse_options(options.config_yaml, options.config_origin.empty() ? "config" : options.config_origin);
    if (data.train_source.size() != data.train_target.size()) {
      throw std::runtime_error("dice: " + std::to_string(data.train_source.size()) + " source but " +
                               std::to_string(data.train_target.size()) + " target training segments");
    }
    // Word ids per side, sentence frequencies and co-occurrence counts.
    std::unordered_map<std::string, std::uint32_t> source_ids, target_ids;
    std::vector<std::string> source_words, target_words;
    std::vector<std::uint32_t> source_count, target_count;
    std::unordered_map<std::uint64_t, std::uint32_t> pair_count;
    auto intern = [](const std::string& word, auto& ids, auto& words, auto& counts) {
      auto [it, added] = ids.emplace(word, static_cast<std::uint32_t>(words.size()));
      if (added) {
        words.push_back(word);
        counts.push_back(0);
      }
      return it->second;
    };
    const std::size_t n = data.train_source.size();
    host_.progress_begin(options.progress, "dice: co-occurrence", n, "sent");
    for (std::size_t i = 0; i < n; ++i) {
      std::unordered_set<std::uint32_t> s_set, t_set;
      for (const auto& w : tokenize(data.train_source[i]))
        s_set.insert(intern(lower(w), source_ids, source_words, source_count));
      for (const auto& w : tokenize(data.train_target[i]))
        t_set.insert(intern(lower(w), target_ids, target_words, target_count));
      for (auto s : s_set) ++source_count[s];
      for (auto t : t_set) ++target_count[t];
      for (auto s : s_set) {
        for (auto t : t_set) ++pair_count[(std::uint64_t{s} << 32) | t];
      }
      if ((i + 1) % 1000 == 0 || i + 1 == n) host_.progress_advance(options.progress, (i % 1000) + 1);
    }
    host_.progress_end(options.progress, std::to_string(pair_count.size()) + " word pairs");

    // Best target per source word; ties broken by count, then alphabetically (deterministic).
    std::vector<std::pair<double, std::uint32_t>> best(source_words.size(), {-1.0, 0});
    std::vector<std::uint32_t> best_count(source_words.size(), 0);
    for (const auto& [key, count] : pair_count) {
      if (static_cast<int>(count) < options_.min_cooccurrence) continue;
      const auto s = static_cast<std::uint32_t>(key >> 32);
      const auto t = static_cast<std::uint32_t>(key & 0xffffffffu);
      const double dice = 2.0 * count / (source_count[s] + target_count[t]);
      if (dice < options_.min_dice) continue;
      auto& [best_dice, best_t] = best[s];
      const bool better = dice > best_dice ||
                          (dice == best_dice && (count > best_count[s] ||
                                                 (count == best_count[s] && target_words[t] < target_words[best_t])));
      if (better) {
        best[s] = {dice, t};
        best_count[s] = count;
      }
    }
    lexicon_.clear();
    for (std::size_t s = 0; s < source_words.size(); ++s) {
      if (best[s].first >= 0) lexicon_[source_words[s]] = {target_words[best[s].second], best[s].first};
    }
    host_.progress_log(options.progress, "dice: lexicon of " + std::to_string(lexicon_.size()) + " source words");
  }

  void save(const std::filesystem::path& dir) const override {
    std::vector<std::pair<std::string, LexiconEntry>> sorted(lexicon_.begin(), lexicon_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::ostringstream out;
    out << kLexiconHeader << "\n";
    out.precision(17);
    for (const auto& [source, entry] : sorted) out << source << '\t' << entry.target << '\t' << entry.dice << '\n';
    host_.write_file_atomic(dir / kLexiconFile, out.str());
  }

  void load(const std::filesystem::path& dir) override {
    const auto path = dir / kLexiconFile;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("dice: cannot read " + path.string());
    std::string line;
    if (!std::getline(in, line) || line != kLexiconHeader) {
      throw std::runtime_error("dice: " + path.string() + " is not a dice lexicon (bad first line)");
    }
    lexicon_.clear();
    int line_number = 1;
    while (std::getline(in, line)) {
      ++line_number;
      const auto tab1 = line.find('\t');
      const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
      if (tab2 == std::string::npos) {
        throw std::runtime_error("dice: " + path.string() + " line " + std::to_string(line_number) +
                                 ": expected source<TAB>target<TAB>dice");
      }
      lexicon_[line.substr(0, tab1)] = {line.substr(tab1 + 1, tab2 - tab1 - 1), std::stod(line.substr(tab2 + 1))};
    }
  }

  std::vector<mtbench::Translation> translate(const std::vector<std::string>& sources,
                                              const mtbench::TranslateOptions& options) override {
    std::vector<mtbench::Translation> out(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
      mtbench::Explanation e;
      e.source_tokens = tokenize(sources[i]);
      for (std::size_t k = 0; k < e.source_tokens.size(); ++k) {
        const std::string& word = e.source_tokens[k];
        auto it = lexicon_.find(lower(word));
        std::string target = word;
        if (it != lexicon_.end()) {
          target = it->second.target;
          // Keep sentence-initial capitalization (the lexicon is lowercased).
          if (k == 0 && std::isupper(static_cast<unsigned char>(word[0])) && !target.empty()) {
            target[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(target[0])));
          }
          e.lexicon.push_back({word, lower(word), target, "", "dice=" + std::to_string(it->second.dice)});
        } else if (!(word.size() == 1 && is_punct(word[0]))) {
          e.unknown_words.push_back(word);
          e.lexicon.push_back({word, lower(word), word, "", "unknown: passed through"});
        }
        e.alignment.emplace_back(static_cast<int>(k), static_cast<int>(e.target_tokens.size()));
        e.target_tokens.push_back(target);
      }
      out[i].text = detokenize(e.target_tokens);
      if (options.explain) out[i].explanation = std::move(e);
    }
    return out;
  }

 private:
  const PluginHost& host_;                                 // progress and atomic writes
  DiceOptions options_;                                    // from the training config
  std::unordered_map<std::string, LexiconEntry> lexicon_;  // lowercased source word -> best target
};

}  // namespace

MTBENCH_PLUGIN(registrar) {
  registrar.add(DiceTranslator::static_info(),
                [&host = registrar.host()] { return std::make_unique<DiceTranslator>(host); });
}
