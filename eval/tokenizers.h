#pragma once
// sacreBLEU's BLEU tokenizers (sacrebleu/tokenizers/*.py, version 2.6.0), reimplemented:
//   "13a"  mteval-v13a.pl's tokenization (the WMT standard; sacreBLEU's default)
//   "intl" mteval-v14.pl's international tokenization over Unicode classes (ICU)
//   "char" every character a token (spaces dropped)
//   "zh"   Chinese: CJK characters split, the rest as 13a
//   "none" no tokenization (the input is already tokenized)
// Each returns the tokenized segment as one string whose tokens are separated by single
// spaces, exactly as sacreBLEU's tokenizer objects return it.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::eval {

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

}  // namespace mtbench::eval
