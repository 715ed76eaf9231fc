#pragma once
// sacreBLEU's BLEU tokenizers (sacrebleu/tokenizers/*.py, version 2.6.0), reimplemented:
//   "13a"  mteval-v13a.pl's tokenization (the WMT standard; sacreBLEU's default)
//   "intl" mteval-v14.pl's international tokenization over Unicode classes (ICU)
//   "char" every character a token (spaces dropped)
//   "zh"   Chinese: CJK characters split, the rest as 13a
//   "none" no tokenization (the input is already tokenized)
// Each returns the tokenized segment as one string whose tokens are separated by single
// spaces, exactly as sacreBLEU's tokenizer objects return it.
//
// Also the few Python `str` operations sacreBLEU's behaviour rests on (split(), rstrip(),
// lower()): Python treats more characters as whitespace than C (U+00A0, U+2000..U+200A,
// U+3000 ...), so scores only match when these are replicated exactly.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::eval {

// Python's str.isspace() for one code point. Inline: the scorers call it per character.
inline bool is_python_space(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}
// Python's str.split() without arguments: runs of whitespace separate, none kept, no empties.
// The views point into `text`.
std::vector<std::string_view> python_split(std::string_view text);
// Python's ' '.join(text.split()).
std::string python_split_join(std::string_view text);
// Python's str.rstrip() / str.strip() without arguments.
std::string_view python_rstrip(std::string_view text);
std::string_view python_strip(std::string_view text);
// Python's str.lower() (full Unicode case mapping, final sigma; via ICU's root locale).
std::string python_lower(std::string_view text);

class BleuTokenizer {
 public:
  virtual ~BleuTokenizer() = default;
  // Tokenizes one segment; the result's tokens are separated by single spaces.
  virtual std::string tokenize(std::string_view line) const = 0;
  // The name printed in the signature ("13a", "intl", "char", "zh", "none").
  virtual std::string signature() const = 0;
};

// The tokenizer called `name`; throws ConfigError listing the known names otherwise.
std::unique_ptr<BleuTokenizer> make_bleu_tokenizer(const std::string& name);

// The names make_bleu_tokenizer accepts, in sacreBLEU's order.
std::vector<std::string> bleu_tokenizer_names();

// The individual tokenizers, usable on their own.
std::string tokenize_13a(std::string_view line);
std::string tokenize_intl(std::string_view line);
std::string tokenize_char(std::string_view line);
std::string tokenize_zh(std::string_view line);

// The regular-expression passes of sacreBLEU's TokenizerRegexp (shared by 13a, zh and the
// tercom normalizer), each Python's re.sub scanning left to right without overlap:
// (1) every ASCII punctuation/symbol character except ' - . , gets spaces around it;
std::string split_ascii_symbols(std::string_view line);
// (2) period and comma split unless preceded by a digit, (3) unless followed by a digit,
// (4) a dash split after a digit.
std::string split_period_comma_dash(std::string_view line);

}  // namespace mtbench::eval
