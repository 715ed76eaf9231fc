#include "eval/tokenizers.h"

#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include "base/error.h"
#include "base/utf8.h"

namespace mtbench::eval {
namespace {

// The class [\{-\~\[-\` -\&\(-\+\:-\@\/] of mteval-v13a: ASCII punctuation and symbols
// except ' , - . (and, being a class of the regex, the space itself).
bool is_13a_symbol(unsigned char c) {
  return (c >= 0x7B && c <= 0x7E) || (c >= 0x5B && c <= 0x60) || (c >= 0x20 && c <= 0x26) || (c >= 0x28 && c <= 0x2B) ||
         (c >= 0x3A && c <= 0x40) || c == 0x2F;
}

// Byte length of the UTF-8 sequence starting with `lead` (1 for stray bytes).
std::size_t utf8_length(unsigned char lead) {
  if (lead < 0xC0) return 1;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// Unicode general categories as Python's `regex` module names them (\p{P}, \p{S}, \p{N}).
bool is_punctuation(char32_t c) {
  return (U_GET_GC_MASK(c) & U_GC_P_MASK) != 0;
}
bool is_symbol(char32_t c) {
  return (U_GET_GC_MASK(c) & U_GC_S_MASK) != 0;
}
bool is_number(char32_t c) {
  return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0;
}

// The code point ranges of sacreBLEU's TokenizerZh._is_chinese_char. Two of sacreBLEU's
// entries are written '\u20000'..'\u2a6d6' and '\u2f800'..'\u2fa1d', which Python reads as
// two-character strings ('\u2000' + '0' ...); the comparison `start <= char <= end` then
// accepts U+2001..U+2A6D and U+2F81..U+2FA1 instead of the intended supplementary-plane
// blocks. We replicate that, because it changes scores (U+2014, U+201C ... are split off).
bool is_zh_char(char32_t c) {
  static constexpr char32_t kRanges[][2] = {
      {0x3400, 0x4DB5}, {0x4E00, 0x9FA5}, {0x9FA6, 0x9FBB}, {0xF900, 0xFA2D}, {0xFA30, 0xFA6A}, {0xFA70, 0xFAD9},
      {0x2001, 0x2A6D}, {0x2F81, 0x2FA1}, {0xFF00, 0xFFEF}, {0x2E80, 0x2EFF}, {0x3000, 0x303F}, {0x31C0, 0x31EF},
      {0x2F00, 0x2FDF}, {0x2FF0, 0x2FFF}, {0x3100, 0x312F}, {0x31A0, 0x31BF}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE4F},
      {0x2600, 0x26FF}, {0x2700, 0x27BF}, {0x3200, 0x32FF}, {0x3300, 0x33FF}};
  for (const auto& r : kRanges)
    if (c >= r[0] && c <= r[1]) return true;
  return false;
}

class NoneTokenizer : public BleuTokenizer {
 public:
  std::string tokenize(std::string_view line) const override { return std::string(line); }
  std::string signature() const override { return "none"; }
};

template <std::string (*Fn)(std::string_view)>
class FunctionTokenizer : public BleuTokenizer {
 public:
  explicit FunctionTokenizer(std::string name) : name_(std::move(name)) {}
  std::string tokenize(std::string_view line) const override { return Fn(line); }
  std::string signature() const override { return name_; }

 private:
  std::string name_;  // signature name
};

// Python's str.replace for all non-overlapping occurrences, left to right.
void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::size_t pos = s.find(from);
  if (pos == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  std::size_t last = 0;
  while (pos != std::string::npos) {
    out.append(s, last, pos - last);
    out.append(to);
    last = pos + from.size();
    pos = s.find(from, last);
  }
  out.append(s, last, std::string::npos);
  s.swap(out);
}

}  // namespace

namespace {
// Length of the whitespace character at `pos` (0 if none): Python's whitespace set.
std::size_t space_length_at(std::string_view s, std::size_t pos) {
  const auto c = static_cast<unsigned char>(s[pos]);
  if (c < 0x80) return is_python_space(c) ? 1 : 0;
  if (c != 0xC2 && c != 0xE1 && c != 0xE2 && c != 0xE3) return 0;  // no whitespace elsewhere
  std::size_t p = pos;
  const char32_t cp = utf8::next(s, p);
  return is_python_space(cp) ? p - pos : 0;
}
}  // namespace

std::vector<std::string_view> python_split(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0, start = std::string_view::npos;
  while (i < text.size()) {
    const std::size_t sp = space_length_at(text, i);
    if (sp > 0) {
      if (start != std::string_view::npos) out.push_back(text.substr(start, i - start));
      start = std::string_view::npos;
      i += sp;
    } else {
      if (start == std::string_view::npos) start = i;
      i += utf8_length(static_cast<unsigned char>(text[i]));
    }
  }
  if (start != std::string_view::npos) out.push_back(text.substr(start, std::min(i, text.size()) - start));
  return out;
}

std::string python_split_join(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::string_view token : python_split(text)) {
    if (!out.empty()) out += ' ';
    out.append(token);
  }
  return out;
}

std::string_view python_rstrip(std::string_view text) {
  std::size_t end = text.size();
  while (end > 0) {
    // Find the start of the last code point before `end`.
    std::size_t start = end - 1;
    while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
    if (space_length_at(text, start) != end - start) break;
    end = start;
  }
  return text.substr(0, end);
}

std::string_view python_strip(std::string_view text) {
  text = python_rstrip(text);
  std::size_t begin = 0;
  while (begin < text.size()) {
    const std::size_t sp = space_length_at(text, begin);
    if (sp == 0) break;
    begin += sp;
  }
  return text.substr(begin);
}

std::string python_lower(std::string_view text) {
  bool ascii = true;
  for (char c : text)
    if (static_cast<unsigned char>(c) >= 0x80) {
      ascii = false;
      break;
    }
  std::string out(text);
  if (ascii) {
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
  }
  // Full case mapping in the root locale ("" = root for ICU), like Python's str.lower().
  UErrorCode status = U_ZERO_ERROR;
  std::u16string u16(text.size() + 1, u'\0');
  int32_t len16 = 0;
  u_strFromUTF8(reinterpret_cast<UChar*>(u16.data()), static_cast<int32_t>(u16.size()), &len16, text.data(),
                static_cast<int32_t>(text.size()), &status);
  if (U_FAILURE(status)) fail<DataError>("invalid UTF-8 while lowercasing: '{}'", text);
  std::u16string lower(static_cast<std::size_t>(len16) * 3 + 1, u'\0');
  int32_t len_lower = u_strToLower(reinterpret_cast<UChar*>(lower.data()), static_cast<int32_t>(lower.size()),
                                   reinterpret_cast<const UChar*>(u16.data()), len16, "", &status);
  if (U_FAILURE(status)) fail<DataError>("ICU lowercasing failed for '{}': {}", text, u_errorName(status));
  out.assign(static_cast<std::size_t>(len_lower) * 3 + 1, '\0');
  int32_t len8 = 0;
  status = U_ZERO_ERROR;
  u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &len8, reinterpret_cast<const UChar*>(lower.data()),
              len_lower, &status);
  if (U_FAILURE(status)) fail<DataError>("ICU conversion failed for '{}': {}", text, u_errorName(status));
  out.resize(static_cast<std::size_t>(len8));
  return out;
}

std::string split_ascii_symbols(std::string_view line) {
  std::string out;
  out.reserve(line.size() + line.size() / 2);
  for (char c : line) {
    if (is_13a_symbol(static_cast<unsigned char>(c))) {
      out += ' ';
      out += c;
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// Working on bytes is equivalent to Python's code points here: in every pattern one side is
// an ASCII character, and UTF-8 continuation bytes never are, so matches land identically.
std::string split_period_comma_dash(std::string_view line) {
  auto is_pc = [](char c) { return c == '.' || c == ','; };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::string a;  // ([^0-9])([\.,]) -> "\1 \2 "
  a.reserve(line.size() + 16);
  for (std::size_t i = 0; i < line.size();) {
    if (i + 1 < line.size() && !is_digit(line[i]) && is_pc(line[i + 1])) {
      a += line[i];
      a += ' ';
      a += line[i + 1];
      a += ' ';
      i += 2;
    } else {
      a += line[i++];
    }
  }
  std::string b;  // ([\.,])([^0-9]) -> " \1 \2"
  b.reserve(a.size() + 16);
  for (std::size_t i = 0; i < a.size();) {
    if (i + 1 < a.size() && is_pc(a[i]) && !is_digit(a[i + 1])) {
      b += ' ';
      b += a[i];
      b += ' ';
      b += a[i + 1];
      i += 2;
    } else {
      b += a[i++];
    }
  }
  std::string c;  // ([0-9])(-) -> "\1 \2 "
  c.reserve(b.size() + 16);
  for (std::size_t i = 0; i < b.size();) {
    if (i + 1 < b.size() && is_digit(b[i]) && b[i + 1] == '-') {
      c += b[i];
      c += ' ';
      c += '-';
      c += ' ';
      i += 2;
    } else {
      c += b[i++];
    }
  }
  return c;
}

std::string tokenize_13a(std::string_view input) {
  std::string line(input);
  replace_all(line, "<skipped>", "");
  replace_all(line, "-\n", "");
  replace_all(line, "\n", " ");
  if (line.find('&') != std::string::npos) {
    replace_all(line, "&quot;", "\"");
    replace_all(line, "&amp;", "&");
    replace_all(line, "&lt;", "<");
    replace_all(line, "&gt;", ">");
  }
  // mteval-v13a pads with spaces so that a final period is split off.
  return python_split_join(split_period_comma_dash(split_ascii_symbols(" " + line + " ")));
}

std::string tokenize_intl(std::string_view line) {
  // mteval-v14's three substitutions over Unicode classes, each scanning without overlap:
  // (\P{N})(\p{P}) -> "\1 \2 ", (\p{P})(\P{N}) -> " \1 \2", (\p{S}) -> " \1 ".
  const std::u32string text = utf8::decode(line);
  std::u32string a;
  a.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    if (i + 1 < text.size() && !is_number(text[i]) && is_punctuation(text[i + 1])) {
      a += text[i];
      a += U' ';
      a += text[i + 1];
      a += U' ';
      i += 2;
    } else {
      a += text[i++];
    }
  }
  std::u32string b;
  b.reserve(a.size() + 16);
  for (std::size_t i = 0; i < a.size();) {
    if (i + 1 < a.size() && is_punctuation(a[i]) && !is_number(a[i + 1])) {
      b += U' ';
      b += a[i];
      b += U' ';
      b += a[i + 1];
      i += 2;
    } else {
      b += a[i++];
    }
  }
  std::string out;
  out.reserve(b.size() + 16);
  for (char32_t c : b) {
    if (is_symbol(c)) {
      out += ' ';
      utf8::append(out, c);
      out += ' ';
    } else {
      utf8::append(out, c);
    }
  }
  return python_split_join(out);
}

std::string tokenize_char(std::string_view line) {
  // sacreBLEU joins every character (spaces included) with spaces; splitting drops the
  // whitespace characters, so whitespace never becomes a token.
  std::string out;
  out.reserve(line.size() * 2);
  std::size_t pos = 0;
  while (pos < line.size()) {
    const char32_t c = utf8::next(line, pos);
    if (is_python_space(c)) continue;
    if (!out.empty()) out += ' ';
    utf8::append(out, c);
  }
  return out;
}

std::string tokenize_zh(std::string_view input) {
  const std::string_view line = python_strip(input);
  std::string spaced;
  spaced.reserve(line.size() * 2);
  std::size_t pos = 0;
  while (pos < line.size()) {
    const char32_t c = utf8::next(line, pos);
    if (is_zh_char(c)) {
      spaced += ' ';
      utf8::append(spaced, c);
      spaced += ' ';
    } else {
      utf8::append(spaced, c);
    }
  }
  // Unlike 13a, sacreBLEU's zh tokenizer does not pad the line with spaces.
  return python_split_join(split_period_comma_dash(split_ascii_symbols(spaced)));
}

std::vector<std::string> bleu_tokenizer_names() {
  return {"none", "zh", "13a", "char", "intl"};
}

std::unique_ptr<BleuTokenizer> make_bleu_tokenizer(const std::string& name) {
  if (name == "none") return std::make_unique<NoneTokenizer>();
  if (name == "13a") return std::make_unique<FunctionTokenizer<tokenize_13a>>("13a");
  if (name == "intl") return std::make_unique<FunctionTokenizer<tokenize_intl>>("intl");
  if (name == "char") return std::make_unique<FunctionTokenizer<tokenize_char>>("char");
  if (name == "zh") return std::make_unique<FunctionTokenizer<tokenize_zh>>("zh");
  if (name == "ja-mecab" || name == "ko-mecab" || name == "spm" || name == "flores101" || name == "flores200")
    fail<ConfigError>(
        "BLEU tokenizer '{}' is not supported by mtbench (it needs an external model); "
        "use one of: none, zh, 13a, char, intl",
        name);
  fail<ConfigError>("unknown BLEU tokenizer '{}' (known: none, zh, 13a, char, intl)", name);
}

}  // namespace mtbench::eval
