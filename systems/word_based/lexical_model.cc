#include "systems/word_based/lexical_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::word_based {
namespace {

using alignment::Vocab;
using alignment::WordId;

std::uint64_t key(WordId cond, WordId gen) {
  return (static_cast<std::uint64_t>(cond) << 32) | gen;
}

float parse_log(const std::string& text, const std::filesystem::path& path, std::size_t line_no) {
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v > 1e-3f)
    fail<DataError>("{}:{}: bad log probability '{}' (a finite number <= 0)", path.string(), line_no, text);
  return std::min(v, 0.0f);
}

}  // namespace

LexicalModel LexicalModel::build(const Vocab& source_vocab, const Vocab& target_vocab,
                                 const std::vector<std::vector<WordId>>& target_sentences,
                                 const alignment::DirectionalResult& forward,
                                 const alignment::DirectionalResult& reverse, int candidates_per_word,
                                 int insertion_words) {
  LexicalModel model;
  // t(f|e): forward entries have cond = target word, gen = source word.
  std::unordered_map<std::uint64_t, float> channel;
  channel.reserve(forward.table.size());
  for (const auto& p : forward.table) {
    if (p.cond == Vocab::kNone) {
      Entry& e = model.entries_[source_vocab.word(p.gen)];
      e.log_null = static_cast<float>(std::log(p.prob));
    } else {
      channel[key(p.cond, p.gen)] = static_cast<float>(std::log(p.prob));
    }
  }
  // t(e|f): reverse entries have cond = source word, gen = target word.
  std::unordered_map<WordId, std::vector<std::pair<double, WordId>>> direct;
  for (const auto& p : reverse.table)
    if (p.cond != Vocab::kNone) direct[p.cond].emplace_back(p.prob, p.gen);
  for (auto& [f, list] : direct) {
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (static_cast<int>(list.size()) > candidates_per_word) list.resize(candidates_per_word);
    Entry& e = model.entries_[source_vocab.word(f)];
    for (const auto& [prob, target] : list) {
      const auto it = channel.find(key(target, f));
      e.candidates.push_back(
          {target_vocab.word(target), it == channel.end() ? kFloor : it->second, static_cast<float>(std::log(prob))});
    }
  }
  // Fertility zero: target words no source word chose in the forward Viterbi alignment.
  std::vector<std::uint64_t> seen(target_vocab.size(), 0), unaligned(target_vocab.size(), 0);
  for (std::size_t s = 0; s < target_sentences.size() && s < forward.alignments.size(); ++s) {
    std::vector<bool> linked(target_sentences[s].size(), false);
    for (const auto& [src, tgt] : forward.alignments[s])
      if (tgt >= 0 && static_cast<std::size_t>(tgt) < linked.size()) linked[tgt] = true;
    for (std::size_t t = 0; t < linked.size(); ++t) {
      ++seen[target_sentences[s][t]];
      unaligned[target_sentences[s][t]] += !linked[t];
    }
  }
  std::vector<WordId> order;
  for (WordId w = 0; w < target_vocab.size(); ++w)
    if (unaligned[w] > 0) order.push_back(w);
  std::sort(order.begin(), order.end(),
            [&](WordId a, WordId b) { return unaligned[a] != unaligned[b] ? unaligned[a] > unaligned[b] : a < b; });
  for (WordId w : order) {
    if (static_cast<int>(model.insertions_.size()) >= insertion_words) break;
    model.insertions_.push_back({target_vocab.word(w), static_cast<float>(std::log(double(unaligned[w]) / seen[w]))});
  }
  return model;
}

const std::vector<WordCandidate>* LexicalModel::candidates(const std::string& source) const {
  const auto it = entries_.find(source);
  return it == entries_.end() || it->second.candidates.empty() ? nullptr : &it->second.candidates;
}

float LexicalModel::log_null(const std::string& source) const {
  const auto it = entries_.find(source);
  return it == entries_.end() ? kFloor : it->second.log_null;
}

// Format, one record per line, fields separated by tabs:
//   t  SOURCE  TARGET  LN_T(F|E)  LN_T(E|F)     a candidate (in candidate order)
//   n  SOURCE  LN_T(F|NULL)                     the null probability
//   i  TARGET  LN_P(FERTILITY 0)                an insertion word (in order)
void LexicalModel::save(const std::filesystem::path& path) const {
  std::vector<std::string> sources;
  for (const auto& [word, entry] : entries_) sources.push_back(word);
  std::sort(sources.begin(), sources.end());
  std::string out = "# mtbench word-based lexical model v1\n";
  for (const auto& word : sources) {
    const Entry& e = entries_.at(word);
    if (e.log_null > kFloor) out += fmt::format("n\t{}\t{:.6g}\n", word, e.log_null);
    for (const auto& c : e.candidates)
      out += fmt::format("t\t{}\t{}\t{:.6g}\t{:.6g}\n", word, c.target, c.log_channel, c.log_direct);
  }
  for (const auto& w : insertions_) out += fmt::format("i\t{}\t{:.6g}\n", w.target, w.log_zero_fert);
  write_file_atomic(path, out);
}

LexicalModel LexicalModel::load(const std::filesystem::path& path) {
  LexicalModel model;
  bool header = false;
  for_each_line(path, [&](std::string_view line, std::size_t n) {
    if (n == 1) {
      if (line != "# mtbench word-based lexical model v1")
        fail<DataError>("{}:1: not a word-based lexical model (expected its header line)", path.string());
      header = true;
      return;
    }
    std::vector<std::string> f;
    std::size_t start = 0;
    while (true) {
      const auto tab = line.find('\t', start);
      f.emplace_back(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    for (const auto& field : f)
      if (field.empty()) fail<DataError>("{}:{}: empty field in '{}'", path.string(), n, line);
    if (f[0] == "t" && f.size() == 5) {
      model.entries_[f[1]].candidates.push_back({f[2], parse_log(f[3], path, n), parse_log(f[4], path, n)});
    } else if (f[0] == "n" && f.size() == 3) {
      model.entries_[f[1]].log_null = parse_log(f[2], path, n);
    } else if (f[0] == "i" && f.size() == 3) {
      model.insertions_.push_back({f[1], parse_log(f[2], path, n)});
    } else {
      fail<DataError>("{}:{}: expected 't SRC TGT LOGP LOGP', 'n SRC LOGP' or 'i TGT LOGP' (tab-separated), got '{}'",
                      path.string(), n, line);
    }
  });
  if (!header) fail<DataError>("{}: empty file (the model was not saved completely; retrain it)", path.string());
  return model;
}

}  // namespace mtbench::word_based
