#pragma once
// Phrase-pair extraction from a word-aligned sentence pair (Och & Ney 2004 §4.1; Koehn et al.
// 2003 §3.1; Moses' extract): every pair of source and target spans that is consistent with
// the alignment (no link leaves the box, at least one link inside), extended over unaligned
// boundary words, up to a maximum length on each side.

#include <vector>

#include "systems/phrase_based/reordering.h"
#include "systems/phrase_based/word_alignment.h"

namespace mtbench::phrase_based {

// Options of extraction.
struct ExtractOptions {
  int max_phrase_length = 7;  // maximum words per side (Moses -max-phrase-length)
};

// One extracted phrase pair occurrence: spans are half-open [begin, end).
struct PhraseSpan {
  int source_begin = 0;              // first source word
  int source_end = 0;                // one past the last source word
  int target_begin = 0;              // first target word
  int target_end = 0;                // one past the last target word
  PhraseOrientations orientation{};  // word-based msd orientations (previous / next)
  bool operator==(const PhraseSpan& o) const {
    return source_begin == o.source_begin && source_end == o.source_end && target_begin == o.target_begin &&
           target_end == o.target_end;
  }
};

// All consistent phrase pairs of one sentence pair, ordered by target span then source span.
// Links outside the lengths are a DataError.
std::vector<PhraseSpan> extract_phrases(const Alignment& alignment, int source_length, int target_length,
                                        const ExtractOptions& options = {});

}  // namespace mtbench::phrase_based
