#include "corpus/corpus_stats.h"

#include <algorithm>
#include <cmath>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

namespace mtbench {
namespace {

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

// Code points in valid UTF-8: every byte that is not a continuation byte starts one.
std::size_t count_code_points(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

nlohmann::json side_json(const SideStats& s) {
  return {{"name", s.name},
          {"segments", s.segments},
          {"tokens", s.tokens},
          {"characters", s.characters},
          {"types", s.types},
          {"singletons", s.singletons},
          {"type_token_ratio", s.type_token_ratio},
          {"empty_segments", s.empty_segments},
          {"length",
           {{"mean", s.length.mean},
            {"median", s.length.median},
            {"p95", s.length.p95},
            {"min", s.length.min},
            {"max", s.length.max}}}};
}

}  // namespace

std::vector<std::string> whitespace_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_ascii_space(text[i])) ++i;
    const std::size_t start = i;
    while (i < text.size() && !is_ascii_space(text[i])) ++i;
    if (i > start) tokens.emplace_back(text.substr(start, i - start));
  }
  return tokens;
}

double percentile(std::vector<std::size_t>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  const double low = static_cast<double>(values[lo]);
  return low + (h - static_cast<double>(lo)) * (static_cast<double>(values[hi]) - low);
}

SideStats side_stats(const std::vector<std::string>& segments, const TokenizeFn& tokenize, std::string name) {
  SideStats stats;
  stats.name = std::move(name);
  stats.segments = segments.size();
  std::unordered_map<std::string, std::size_t> counts;
  std::vector<std::size_t> lengths;
  lengths.reserve(segments.size());
  for (const auto& segment : segments) {
    const std::vector<std::string> tokens = tokenize(segment);
    lengths.push_back(tokens.size());
    stats.tokens += tokens.size();
    stats.characters += count_code_points(segment);
    if (tokens.empty()) ++stats.empty_segments;
    for (const auto& token : tokens) ++counts[token];
  }
  stats.types = counts.size();
  for (const auto& entry : counts) stats.singletons += entry.second == 1;
  stats.type_token_ratio = stats.tokens ? static_cast<double>(stats.types) / static_cast<double>(stats.tokens) : 0;
  if (!lengths.empty()) {
    stats.length.mean = static_cast<double>(stats.tokens) / static_cast<double>(lengths.size());
    stats.length.median = percentile(lengths, 0.5);
    stats.length.p95 = percentile(lengths, 0.95);
    stats.length.min = lengths.front();  // sorted by percentile()
    stats.length.max = lengths.back();
  }
  return stats;
}

CorpusStats corpus_stats(const ParallelCorpus& corpus, const TokenizeFn& source_tokenize,
                         const TokenizeFn& target_tokenize, std::string tokenization) {
  CorpusStats stats;
  stats.tokenization = std::move(tokenization);
  // The sides are independent; tokenizing (Moses rules) dominates, so use two threads.
  std::thread source_thread([&] { stats.source = side_stats(corpus.source, source_tokenize, corpus.source_name); });
  stats.target = side_stats(corpus.target, target_tokenize, corpus.target_name);
  source_thread.join();
  if (stats.source.tokens > 0) {
    stats.length_ratio = static_cast<double>(stats.target.tokens) / static_cast<double>(stats.source.tokens);
  }
  for (std::size_t i = 0; i < corpus.size(); ++i) {
    const bool source_empty = whitespace_tokens(corpus.source[i]).empty();
    const bool target_empty = whitespace_tokens(corpus.target[i]).empty();
    stats.one_side_empty += source_empty != target_empty;
    stats.identical_pairs += corpus.source[i] == corpus.target[i];
  }
  return stats;
}

nlohmann::json to_json(const CorpusStats& stats) {
  return {{"source", side_json(stats.source)},        {"target", side_json(stats.target)},
          {"length_ratio", stats.length_ratio},       {"one_side_empty", stats.one_side_empty},
          {"identical_pairs", stats.identical_pairs}, {"tokenization", stats.tokenization}};
}

std::string format_stats(const CorpusStats& stats) {
  const SideStats& s = stats.source;
  const SideStats& t = stats.target;
  std::string out;
  auto row = [&](std::string_view label, const std::string& a, const std::string& b) {
    out += fmt::format("{:<22} {:>14} {:>14}\n", label, a, b);
  };
  auto integer = [](std::size_t v) { return fmt::format("{}", v); };
  auto real = [](double v) { return fmt::format("{:.2f}", v); };
  out += fmt::format("source: {}\ntarget: {}\n", s.name, t.name);
  row("", "source", "target");
  row("segments", integer(s.segments), integer(t.segments));
  row(fmt::format("tokens ({})", stats.tokenization), integer(s.tokens), integer(t.tokens));
  row("characters", integer(s.characters), integer(t.characters));
  row("vocabulary (types)", integer(s.types), integer(t.types));
  row("singletons", integer(s.singletons), integer(t.singletons));
  row("type/token ratio", fmt::format("{:.4f}", s.type_token_ratio), fmt::format("{:.4f}", t.type_token_ratio));
  row("length mean", real(s.length.mean), real(t.length.mean));
  row("length median", real(s.length.median), real(t.length.median));
  row("length p95", real(s.length.p95), real(t.length.p95));
  row("length min", integer(s.length.min), integer(t.length.min));
  row("length max", integer(s.length.max), integer(t.length.max));
  row("empty segments", integer(s.empty_segments), integer(t.empty_segments));
  out += fmt::format("length ratio (target/source tokens): {:.4f}\n", stats.length_ratio);
  out += fmt::format("pairs with one side empty: {}\n", stats.one_side_empty);
  out += fmt::format("identical pairs (source == target): {}\n", stats.identical_pairs);
  return out;
}

}  // namespace mtbench
