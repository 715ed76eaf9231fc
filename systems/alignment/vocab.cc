#include "systems/alignment/vocab.h"

namespace mtbench::alignment {

WordId Vocab::add(std::string_view word) {
  auto it = ids_.find(std::string(word));
  if (it != ids_.end()) return it->second;
  const auto id = static_cast<WordId>(words_.size());
  words_.emplace_back(word);
  ids_.emplace(words_.back(), id);
  return id;
}

WordId Vocab::find(std::string_view word) const {
  auto it = ids_.find(std::string(word));
  return it == ids_.end() ? kNone : it->second;
}

std::vector<WordId> Vocab::add_sentence(std::string_view tokenized) {
  std::vector<WordId> out;
  std::size_t i = 0;
  while (i < tokenized.size()) {
    while (i < tokenized.size() && (tokenized[i] == ' ' || tokenized[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < tokenized.size() && tokenized[j] != ' ' && tokenized[j] != '\t') ++j;
    if (j > i) out.push_back(add(tokenized.substr(i, j - i)));
    i = j;
  }
  return out;
}

std::vector<WordId> Vocab::find_sentence(const std::vector<std::string>& tokens) const {
  std::vector<WordId> out;
  out.reserve(tokens.size());
  for (const auto& t : tokens) out.push_back(find(t));
  return out;
}

}  // namespace mtbench::alignment
