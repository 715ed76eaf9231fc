#pragma once
// Explanations from decoder attention: the subword matrix as the model produced it and a
// word-level aggregation (SentencePiece pieces starting with U+2581 begin a word). A word
// cell sums the weights over the source word's pieces and averages over the target word's
// pieces (so rows still sum to 1), as in Zenkel et al. (2019) for subword attention; the
// alignment links each target word to its most attended source word.

#include <cstdint>
#include <string>
#include <vector>

#include "systems/explanation.h"

namespace mtbench::rnn_attention {

// Word index of each piece (0-based) and the words themselves.
std::vector<int> word_groups(const std::vector<std::string>& pieces, std::vector<std::string>* words);

// Builds the explanation of one translation. attention: row-major [rows, columns] where rows
// is target_pieces.size() (+1 when </s> was produced) and columns >= source_pieces.size()
// (padding columns beyond the sentence carry zero weight and are dropped).
Explanation attention_explanation(const std::vector<std::string>& source_pieces,
                                  const std::vector<std::string>& target_pieces, const std::vector<float>& attention,
                                  std::int64_t columns);

}  // namespace mtbench::rnn_attention
