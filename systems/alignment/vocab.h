#pragma once
// Word <-> integer id mapping shared by the alignment, extraction and decoding stages.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mtbench::alignment {

using WordId = std::uint32_t;

class Vocab {
 public:
  // The id of `word`, adding it when new.
  WordId add(std::string_view word);
  // The id of `word`, or kNone when unknown.
  WordId find(std::string_view word) const;
  const std::string& word(WordId id) const { return words_[id]; }
  std::size_t size() const { return words_.size(); }
  const std::vector<std::string>& words() const { return words_; }

  // Splits a tokenized sentence on spaces and maps every token through add().
  std::vector<WordId> add_sentence(std::string_view tokenized);
  // Maps tokens through find() (unknown words become kNone).
  std::vector<WordId> find_sentence(const std::vector<std::string>& tokens) const;

  static constexpr WordId kNone = 0xffffffffu;  // "not in the vocabulary"

 private:
  std::unordered_map<std::string, WordId> ids_;  // word -> id
  std::vector<std::string> words_;               // id -> word
};

}  // namespace mtbench::alignment
