#include "eval/tokenizers.h"

#include "corpus/error.h"

namespace mtbench::eval {

std::vector<std::string> bleu_tokenizer_names() { return {"none", "zh", "13a", "char", "intl"}; }

std::unique_ptr<BleuTokenizer> make_bleu_tokenizer(const std::string& name) {
  fail<ConfigError>("BLEU tokenizer '{}' not implemented yet", name);
}

std::string tokenize_13a(std::string_view line) { return std::string(line); }
std::string tokenize_intl(std::string_view line) { return std::string(line); }
std::string tokenize_char(std::string_view line) { return std::string(line); }
std::string tokenize_zh(std::string_view line) { return std::string(line); }

}  // namespace mtbench::eval
