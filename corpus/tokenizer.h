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
  // `unescape` false keeps "&amp;" etc. as they are (pair with TokenizerOptions::escape false
  // when the text itself may contain entities).
  MosesDetokenizer(std::string lang, bool unescape);
  // Joins tokens into natural text (undoes tokenization, "@-@" hyphens and escapes).
  std::string detokenize(const std::vector<std::string>& tokens) const;
  // Convenience: splits `text` on spaces first.
  std::string detokenize_string(std::string_view text) const;

 private:
  std::string lang_;      // language code
  bool unescape_ = true;  // undo the tokenizer's XML escaping (detokenizer.perl always does)
};

// Character classes of the Perl regexes in tokenizer.perl/detokenizer.perl, answered by ICU
// (shared by the tokenizer and the detokenizer).
namespace moses_chars {
bool is_alpha(char32_t c);     // \p{IsAlpha}: Unicode Alphabetic property
bool is_alnum(char32_t c);     // \p{IsAlnum}: Alphabetic or decimal digit (Nd)
bool is_number(char32_t c);    // \p{IsN}: general category N (Nd, Nl, No)
bool is_lower(char32_t c);     // \p{IsLower}: Unicode Lowercase property
bool is_currency(char32_t c);  // \p{IsSc}: currency symbol
bool is_cjk(char32_t c);       // Han, Hiragana, Katakana, Hangul and CJK punctuation blocks
}  // namespace moses_chars

// Splits on runs of ASCII spaces/tabs (tokenized text back into tokens).
std::vector<std::string> split_whitespace(std::string_view text);
// The same tokens as views into `text` (valid while it is).
std::vector<std::string_view> split_whitespace_views(std::string_view text);
// Joins tokens with single spaces.
std::string join_tokens(const std::vector<std::string>& tokens);

}  // namespace mtbench
