#include "systems/example_based/example_base.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::example_based {
namespace {

std::string join(const std::vector<std::string>& tokens) {
  std::string out;
  for (std::size_t i = 0; i < tokens.size(); ++i) out += (i ? " " : "") + tokens[i];
  return out;
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto j = std::min(text.find(' ', i), text.size());
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

enum class Op { kMatch, kSubstitute, kDeleteExample, kInsertInput };

// Word edit alignment of input (a) and example source (b), Levenshtein with unit costs;
// matches preferred on ties so shared words stay anchored.
std::vector<Op> edit_ops(const std::vector<int>& a, const std::vector<int>& b, int* distance) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<int> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> int& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(i);
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(j);
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      at(i, j) = std::min(
          {at(i - 1, j - 1) + (a[i - 1] == b[j - 1] && a[i - 1] >= 0 ? 0 : 1), at(i - 1, j) + 1, at(i, j - 1) + 1});
  *distance = at(n, m);
  std::vector<Op> ops;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0 && a[i - 1] == b[j - 1] && a[i - 1] >= 0 && at(i, j) == at(i - 1, j - 1)) {
      ops.push_back(Op::kMatch);
      --i, --j;
    } else if (i > 0 && j > 0 && at(i, j) == at(i - 1, j - 1) + 1) {
      ops.push_back(Op::kSubstitute);
      --i, --j;
    } else if (i > 0 && at(i, j) == at(i - 1, j) + 1) {
      ops.push_back(Op::kInsertInput);
      --i;
    } else {
      ops.push_back(Op::kDeleteExample);
      --j;
    }
  }
  std::reverse(ops.begin(), ops.end());
  return ops;
}

}  // namespace

ExampleBase::ExampleBase(std::vector<Example> examples, const ExampleBasedOptions& options)
    : examples_(std::move(examples)), options_(options) {
  build_index();
}

void ExampleBase::build_index() {
  word_ids_.clear();
  postings_.clear();
  source_ids_.assign(examples_.size(), {});
  for (std::size_t e = 0; e < examples_.size(); ++e) {
    for (const auto& w : examples_[e].source) {
      auto [it, inserted] = word_ids_.emplace(w, static_cast<int>(postings_.size()));
      if (inserted) postings_.emplace_back();
      auto& list = postings_[it->second];
      if (list.empty() || list.back() != static_cast<std::int32_t>(e)) list.push_back(static_cast<std::int32_t>(e));
      source_ids_[e].push_back(it->second);
    }
  }
}

ExampleBase::Match ExampleBase::retrieve(const std::vector<int>& input) const {
  // Candidates by summed IDF of shared distinct words; the most frequent words (in over a
  // quarter of the examples) only break ties, so "." and "ein" do not touch every example.
  const double n = static_cast<double>(examples_.size());
  std::vector<int> words = input;
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  std::unordered_map<int, double> score;
  for (int w : words) {
    if (w < 0) continue;
    const auto& list = postings_[w];
    const double idf = std::log(n / list.size());
    if (list.size() > n / 4 && !score.empty()) {
      for (auto& [e, s] : score)
        if (std::binary_search(list.begin(), list.end(), e)) s += idf;
      continue;
    }
    for (std::int32_t e : list) score[e] += idf;
  }
  std::vector<std::pair<double, int>> ranked;
  ranked.reserve(score.size());
  for (const auto& [e, s] : score) ranked.emplace_back(s, e);
  const std::size_t k = std::min<std::size_t>(ranked.size(), options_.retrieve_candidates);
  std::partial_sort(ranked.begin(), ranked.begin() + k, ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  Match best;
  for (std::size_t i = 0; i < k; ++i) {
    const int e = ranked[i].second;
    int distance = 0;
    edit_ops(input, source_ids_[e], &distance);
    const double longer = static_cast<double>(std::max(input.size(), source_ids_[e].size()));
    const double fuzzy = 1.0 - distance / longer;
    if (best.example < 0 || fuzzy > best.fuzzy ||
        (fuzzy == best.fuzzy && examples_[e].source.size() < examples_[best.example].source.size()))
      best = {e, fuzzy};
  }
  return best;
}

ExampleBase::Fragment ExampleBase::fragment(const std::vector<int>& input, int begin, int length) const {
  Fragment result;
  int rarest = -1;
  for (int i = begin; i < begin + length; ++i) {
    if (input[i] < 0) return result;  // an unknown word occurs in no example
    if (rarest < 0 || postings_[input[i]].size() < postings_[rarest].size()) rarest = input[i];
  }
  // Each example holding the n-gram contributes the target span its alignment ties to it.
  std::map<std::string, std::pair<int, Fragment>> translations;  // text -> (count, first seen)
  int inspected = 0, checked = 0;
  for (std::int32_t e : postings_[rarest]) {
    if (inspected >= options_.fragment_examples || checked >= options_.fragment_examples * 20) break;
    ++checked;
    const auto& ids = source_ids_[e];
    for (int p = 0; p + length <= static_cast<int>(ids.size()); ++p) {
      if (!std::equal(ids.begin() + p, ids.begin() + p + length, input.begin() + begin)) continue;
      ++inspected;
      const Example& ex = examples_[e];
      int lo = static_cast<int>(ex.target.size()), hi = -1;
      for (const auto& [s, t] : ex.links)
        if (s >= p && s < p + length) lo = std::min(lo, t), hi = std::max(hi, t);
      Fragment f;
      f.example = static_cast<int>(e);
      bool consistent = true;
      if (hi >= 0) {
        for (const auto& [s, t] : ex.links)
          if (t >= lo && t <= hi && (s < p || s >= p + length)) consistent = false;
        if (!consistent) break;
        f.target.assign(ex.target.begin() + lo, ex.target.begin() + hi + 1);
        for (const auto& [s, t] : ex.links)
          if (s >= p && s < p + length) f.links.emplace_back(s - p, t - lo);
      }
      auto& slot = translations[join(f.target)];
      if (slot.first++ == 0) slot.second = std::move(f);
      break;  // one occurrence per example
    }
  }
  // The most frequent translation; ties: the longer one (an empty translation only when it is
  // what the examples say most often), then the first seen.
  const std::pair<int, Fragment>* best = nullptr;
  for (const auto& [text, slot] : translations)
    if (!best || slot.first > best->first ||
        (slot.first == best->first && slot.second.target.size() > best->second.target.size()))
      best = &slot;
  if (!best) return result;
  result = best->second;
  result.agreeing = best->first;
  result.inspected = inspected;
  result.found = true;
  return result;
}

ExampleTranslation ExampleBase::translate(const std::vector<std::string>& input) const {
  ExampleTranslation out;
  if (input.empty()) return out;
  std::vector<int> ids(input.size(), -1);
  for (std::size_t i = 0; i < input.size(); ++i) {
    const auto it = word_ids_.find(input[i]);
    if (it != word_ids_.end()) ids[i] = it->second;
  }

  // Translates input[begin, end) by fragments, longest first; appends pieces.
  auto translate_block = [&](int begin, int end, std::vector<Piece>& pieces) {
    int p = begin;
    while (p < end) {
      bool done = false;
      for (int length = std::min(options_.max_fragment_length, end - p); length >= 1 && !done; --length) {
        const Fragment f = fragment(ids, p, length);
        if (!f.found) continue;
        Piece piece;
        piece.input_begin = p;
        piece.input_end = p + length;
        piece.target = f.target;
        piece.example = f.example;
        piece.agreeing = f.agreeing;
        piece.inspected = f.inspected;
        pieces.push_back(std::move(piece));
        p += length;
        done = true;
      }
      if (!done) {  // unknown: passed through
        Piece piece;
        piece.input_begin = p;
        piece.input_end = p + 1;
        piece.target = {input[p]};
        pieces.push_back(std::move(piece));
        ++p;
      }
    }
  };

  const Match match = examples_.empty() ? Match{} : retrieve(ids);
  if (match.example < 0) {
    translate_block(0, static_cast<int>(input.size()), out.pieces);
    for (const auto& piece : out.pieces)
      for (std::size_t k = 0; k < piece.target.size(); ++k) {
        out.links.emplace_back(piece.input_begin, static_cast<int>(out.target.size()));
        out.target.push_back(piece.target[k]);
      }
    return out;
  }
  out.example = match.example;
  out.fuzzy = match.fuzzy;
  const Example& ex = examples_[match.example];
  const auto& ex_ids = source_ids_[match.example];
  int distance = 0;
  const auto ops = edit_ops(ids, ex_ids, &distance);

  // Example source position -> input position for matched words; blocks of differences.
  const int m = static_cast<int>(ex.source.size()), tlen = static_cast<int>(ex.target.size());
  std::vector<int> ex_to_input(m, -1);
  struct Block {
    int input_begin, input_end, ex_begin, ex_end;
  };
  std::vector<Block> blocks;
  int i = 0, j = 0;
  for (std::size_t k = 0; k < ops.size();) {
    if (ops[k] == Op::kMatch) {
      ex_to_input[j] = i;
      ++i, ++j, ++k;
      continue;
    }
    Block b{i, i, j, j};
    for (; k < ops.size() && ops[k] != Op::kMatch; ++k) {
      if (ops[k] != Op::kDeleteExample) ++i;
      if (ops[k] != Op::kInsertInput) ++j;
    }
    b.input_end = i;
    b.ex_end = j;
    blocks.push_back(b);
  }

  // Target words tied only to differing example words are removed; the rest is kept.
  std::vector<std::vector<int>> target_sources(tlen);
  for (const auto& [s, t] : ex.links) target_sources[t].push_back(s);
  std::vector<bool> removed(tlen, false);
  std::vector<std::vector<Piece>> insert_before(tlen + 1);
  for (const auto& b : blocks) {
    int first_removed = -1;
    for (int t = 0; t < tlen; ++t) {
      const auto& srcs = target_sources[t];
      if (srcs.empty()) continue;
      const bool inside = std::all_of(srcs.begin(), srcs.end(), [&](int s) { return s >= b.ex_begin && s < b.ex_end; });
      if (!inside) continue;
      removed[t] = true;
      if (first_removed < 0) first_removed = t;
    }
    int at = first_removed;
    if (at < 0) {  // nothing removed: beside the target of the neighbouring matched word
      for (const auto& [s, t] : ex.links)
        if (s == b.ex_begin - 1) at = std::max(at, t + 1);
      if (at < 0)
        for (const auto& [s, t] : ex.links)
          if (s == b.ex_end && (at < 0 || t < at)) at = t;
      if (at < 0) at = b.ex_begin == 0 ? 0 : tlen;
    }
    translate_block(b.input_begin, b.input_end, insert_before[at]);
  }

  // Output: kept example words and inserted fragments, with provenance.
  std::vector<Piece> matched_pieces;
  auto emit_fragments = [&](int at) {
    for (const auto& piece : insert_before[at]) {
      for (std::size_t k = 0; k < piece.target.size(); ++k) {
        out.links.emplace_back(piece.input_begin, static_cast<int>(out.target.size()));
        out.target.push_back(piece.target[k]);
      }
      out.pieces.push_back(piece);
    }
  };
  for (int t = 0; t < tlen; ++t) {
    emit_fragments(t);
    if (removed[t]) continue;
    for (int s : target_sources[t])
      if (ex_to_input[s] >= 0) out.links.emplace_back(ex_to_input[s], static_cast<int>(out.target.size()));
    out.target.push_back(ex.target[t]);
  }
  emit_fragments(tlen);
  // Matched words as pieces (runs of consecutive matched input words).
  for (int s = 0; s < m; ++s) {
    if (ex_to_input[s] < 0) continue;
    Piece piece;
    piece.input_begin = ex_to_input[s];
    piece.input_end = ex_to_input[s] + 1;
    piece.example = match.example;
    piece.matched = true;
    for (const auto& [ls, lt] : ex.links)
      if (ls == s && !removed[lt]) piece.target.push_back(ex.target[lt]);
    out.pieces.push_back(std::move(piece));
  }
  std::sort(out.pieces.begin(), out.pieces.end(),
            [](const Piece& a, const Piece& b) { return a.input_begin < b.input_begin; });
  std::sort(out.links.begin(), out.links.end());
  out.links.erase(std::unique(out.links.begin(), out.links.end()), out.links.end());
  return out;
}

void ExampleBase::save(const std::filesystem::path& path) const {
  std::string out;
  for (const auto& e : examples_)
    out += join(e.source) + '\t' + join(e.target) + '\t' + alignment::format_pharaoh(e.links) + '\n';
  write_file_atomic(path, out);
}

ExampleBase ExampleBase::load(const std::filesystem::path& path, const ExampleBasedOptions& options) {
  std::vector<Example> examples;
  for_each_line(path, [&](std::string_view line, std::size_t n) {
    const auto tab1 = line.find('\t');
    const auto tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos || line.find('\t', tab2 + 1) != std::string_view::npos)
      fail<DataError>("{}:{}: expected 'SOURCE<TAB>TARGET<TAB>LINKS', got '{}'", path.string(), n, line.substr(0, 200));
    Example e;
    e.source = split(std::string(line.substr(0, tab1)));
    e.target = split(std::string(line.substr(tab1 + 1, tab2 - tab1 - 1)));
    if (e.source.empty() || e.target.empty()) fail<DataError>("{}:{}: an example with an empty side", path.string(), n);
    try {
      e.links = alignment::parse_pharaoh(std::string(line.substr(tab2 + 1)));
    } catch (const DataError& error) {
      fail<DataError>("{}:{}: {}", path.string(), n, error.what());
    }
    for (const auto& [s, t] : e.links)
      if (s >= static_cast<int>(e.source.size()) || t >= static_cast<int>(e.target.size()))
        fail<DataError>("{}:{}: link {}-{} outside the example ({} source and {} target words)", path.string(), n, s, t,
                        e.source.size(), e.target.size());
    examples.push_back(std::move(e));
  });
  if (examples.empty())
    fail<DataError>("{}: no examples (the model was not saved completely; retrain it)", path.string());
  return ExampleBase(std::move(examples), options);
}

}  // namespace mtbench::example_based
