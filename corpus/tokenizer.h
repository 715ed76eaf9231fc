#pragma once
// Moses-compatible tokenizer and detokenizer (the behaviour of Moses' tokenizer.perl and
// detokenizer.perl) for at least en, de, fr; other languages fall back to the generic rules.
// detokenize(tokenize(x)) == x is tested on the Multi30k test sets.

#include <string>
#include <string_view>
#include <vector>

namespace mtbench {

// Options of MosesTokenizer (tokenizer.perl flags in parentheses).
struct TokenizerOptions {
  std::string lang = "en";         // language code (-l): selects non-breaking prefixes and rules
  bool aggressive_hyphen = false;  // split hyphens inside words as "@-@" (-a)
  bool escape = false;             // escape XML-special characters (&amp; &#124; ...); Moses' default is on, ours off
  bool protect_urls = true;        // keep URLs and e-mail addresses as single tokens
};

class MosesTokenizer {
 public:
  explicit MosesTokenizer(TokenizerOptions options = {});
  // Splits one segment into tokens.
  std::vector<std::string> tokenize(std::string_view text) const;
  // Tokens joined by single spaces.
  std::string tokenize_to_string(std::string_view text) const;
  const TokenizerOptions& options() const { return options_; }

 private:
  TokenizerOptions options_;  // as given
};

class MosesDetokenizer {
 public:
  explicit MosesDetokenizer(std::string lang = "en");
  // Joins tokens into natural text (undoes tokenization, "@-@" hyphens and escapes).
  std::string detokenize(const std::vector<std::string>& tokens) const;
  // Convenience: splits `text` on spaces first.
  std::string detokenize_string(std::string_view text) const;

 private:
  std::string lang_;  // language code
};

// Splits on runs of ASCII spaces/tabs (tokenized text back into tokens).
std::vector<std::string> split_whitespace(std::string_view text);
// Joins tokens with single spaces.
std::string join_tokens(const std::vector<std::string>& tokens);

}  // namespace mtbench
