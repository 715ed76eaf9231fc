#pragma once
// Lowercasing and Moses-style truecasing (train-truecaser.perl / truecase.perl /
// detruecase.perl): the case of each sentence-initial word is restored to its most
// frequent form in the middle of sentences of the training text.

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mtbench {

// Unicode-aware lowercasing (ICU, full case mapping).
std::string to_lower(std::string_view text);

class Truecaser {
 public:
  // Learns case statistics from tokenized sentences (tokens separated by spaces).
  void train(const std::vector<std::string>& tokenized_sentences);
  // Truecases tokens in place of their surface case (sentence-initial and after ':' etc.).
  std::vector<std::string> truecase(const std::vector<std::string>& tokens) const;
  // Undoes truecasing for output: capitalizes the first word of the sentence (detruecase.perl).
  std::vector<std::string> detruecase(const std::vector<std::string>& tokens) const;
  // The most frequent casing of `word` (lowercase key), or `word` itself when unseen.
  std::string best_case(std::string_view word) const;

  // Moses' model format: "word (count/total) variant (count) ..." one line per word.
  void save(const std::filesystem::path& path) const;
  void load(const std::filesystem::path& path);
  bool empty() const { return best_.empty(); }

 private:
  std::unordered_map<std::string, std::string> best_;                              // lowercase -> most frequent casing
  std::unordered_map<std::string, std::unordered_map<std::string, long>> counts_;  // lowercase -> casing -> count
};

}  // namespace mtbench
