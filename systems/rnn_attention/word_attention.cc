#include "systems/rnn_attention/word_attention.h"

namespace mtbench::rnn_attention {
namespace {
const std::string kWordStart = "\xE2\x96\x81";  // U+2581 LOWER ONE EIGHTH BLOCK
}

std::vector<int> word_groups(const std::vector<std::string>& pieces, std::vector<std::string>* words) {
  std::vector<int> group(pieces.size());
  int current = -1;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const std::string& p = pieces[i];
    const bool starts = p.compare(0, kWordStart.size(), kWordStart) == 0;
    if (starts || current < 0 || p == "</s>") {
      ++current;
      if (words) words->emplace_back();
    }
    group[i] = current;
    if (words) words->back() += starts ? p.substr(kWordStart.size()) : p;
  }
  return group;
}

Explanation attention_explanation(const std::vector<std::string>& source_pieces,
                                  const std::vector<std::string>& target_pieces, const std::vector<float>& attention,
                                  std::int64_t columns) {
  Explanation e;
  e.source_tokens = source_pieces;
  e.target_tokens = target_pieces;
  if (attention.empty() || columns <= 0 || source_pieces.empty()) return e;
  const auto rows = static_cast<std::size_t>(attention.size() / static_cast<std::size_t>(columns));
  const std::size_t cols = std::min<std::size_t>(source_pieces.size(), static_cast<std::size_t>(columns));
  std::vector<std::string> row_tokens = target_pieces;
  if (rows > row_tokens.size()) row_tokens.push_back("</s>");
  row_tokens.resize(rows);

  AttentionMatrix sub;
  sub.kind = "bahdanau";
  sub.row_tokens = row_tokens;
  sub.col_tokens.assign(source_pieces.begin(), source_pieces.begin() + static_cast<std::ptrdiff_t>(cols));
  sub.weights.reserve(rows * cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) sub.weights.push_back(attention[r * static_cast<std::size_t>(columns) + c]);

  std::vector<std::string> source_words, target_words;
  const auto sg = word_groups(sub.col_tokens, &source_words);
  const auto tg = word_groups(row_tokens, &target_words);
  AttentionMatrix words;
  words.kind = "bahdanau-words";
  words.row_tokens = target_words;
  words.col_tokens = source_words;
  words.weights.assign(target_words.size() * source_words.size(), 0.0f);
  std::vector<int> pieces_per_word(target_words.size(), 0);
  for (std::size_t r = 0; r < rows; ++r) ++pieces_per_word[static_cast<std::size_t>(tg[r])];
  for (std::size_t r = 0; r < rows; ++r) {
    const auto tw = static_cast<std::size_t>(tg[r]);
    for (std::size_t c = 0; c < cols; ++c)
      words.weights[tw * source_words.size() + static_cast<std::size_t>(sg[c])] +=
          sub.weights[r * cols + c] / static_cast<float>(pieces_per_word[tw]);
  }
  // Alignment links index source_tokens/target_tokens (subwords): the most attended piece.
  for (std::size_t r = 0; r < std::min(rows, target_pieces.size()); ++r) {
    std::size_t best = 0;
    for (std::size_t c = 1; c < cols; ++c)
      if (sub.weights[r * cols + c] > sub.weights[r * cols + best]) best = c;
    e.alignment.emplace_back(static_cast<int>(best), static_cast<int>(r));
  }
  e.attention.push_back(std::move(sub));
  e.attention.push_back(std::move(words));
  return e;
}

}  // namespace mtbench::rnn_attention
