#pragma once
// Descriptive statistics of a parallel corpus (`mtbench corpus info`): segment, token and
// character counts, vocabulary, length distribution per side and the length ratio, in the
// spirit of the corpus summaries of Moses' scripts and compare-mt.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus/parallel.h"

namespace mtbench {

// Splits a segment into tokens.
using TokenizeFn = std::function<std::vector<std::string>(std::string_view)>;

// Distribution of segment lengths in tokens.
struct LengthStats {
  double mean = 0;      // arithmetic mean
  double median = 0;    // 50th percentile (linear interpolation, as numpy.median)
  double p95 = 0;       // 95th percentile (linear interpolation, numpy.percentile's default)
  std::size_t min = 0;  // shortest segment
  std::size_t max = 0;  // longest segment
};

// Statistics of one side of a corpus.
struct SideStats {
  std::string name;                // file (or TSV column) it was read from
  std::size_t segments = 0;        // lines
  std::size_t tokens = 0;          // tokens over all segments
  std::size_t characters = 0;      // Unicode code points over all segments (newlines excluded)
  std::size_t types = 0;           // distinct tokens (case-sensitive)
  std::size_t singletons = 0;      // types seen exactly once (hapax legomena)
  double type_token_ratio = 0;     // types / tokens (0 without tokens)
  std::size_t empty_segments = 0;  // segments with no token (empty or whitespace only)
  LengthStats length;              // tokens per segment
};

// Statistics of a parallel corpus.
struct CorpusStats {
  SideStats source;                 // source side
  SideStats target;                 // target side
  double length_ratio = 0;          // target tokens / source tokens (0 without source tokens)
  std::size_t one_side_empty = 0;   // pairs where exactly one side has no token (alignment noise)
  std::size_t identical_pairs = 0;  // pairs whose sides are byte-identical (untranslated copies)
  std::string tokenization;         // how tokens were counted: "whitespace" or "moses"
};

// Tokens separated by runs of ASCII whitespace (space, tab, CR, VT, FF): the segmentation of
// already tokenized corpora. Unicode spaces (U+00A0, ...) stay inside tokens, as in Moses.
std::vector<std::string> whitespace_tokens(std::string_view text);

// The q-quantile (0 <= q <= 1) of `values` by linear interpolation between closest ranks
// (Hyndman & Fan type 7, numpy's default); 0 for no values. Sorts `values`.
double percentile(std::vector<std::size_t>& values, double q);

// Statistics of one side.
SideStats side_stats(const std::vector<std::string>& segments, const TokenizeFn& tokenize, std::string name);

// Statistics of both sides of `corpus` (already validated: equal line counts, UTF-8).
CorpusStats corpus_stats(const ParallelCorpus& corpus, const TokenizeFn& source_tokenize,
                         const TokenizeFn& target_tokenize, std::string tokenization);

// As JSON: {"source": {...}, "target": {...}, "length_ratio": ..., ...}.
nlohmann::json to_json(const CorpusStats& stats);

// A human-readable table (one column per side).
std::string format_stats(const CorpusStats& stats);

}  // namespace mtbench
