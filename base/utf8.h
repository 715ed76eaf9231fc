#pragma once
// Minimal UTF-8 helpers shared by the tokenizers and metrics.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::utf8 {

// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
// On failure `*error_offset` (if given) receives the byte offset of the first bad sequence.
bool is_valid(std::string_view text, std::size_t* error_offset = nullptr);

// next() for a lead byte >= 0x80.
char32_t next_multibyte(std::string_view text, std::size_t& pos);

// Decodes one code point starting at `pos` (which is advanced). Invalid bytes decode as U+FFFD.
// Inline ASCII path: the metrics decode every character of every segment.
inline char32_t next(std::string_view text, std::size_t& pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  if (c < 0x80) {
    ++pos;
    return c;
  }
  return next_multibyte(text, pos);
}

// Appends the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

// Splits `text` into code points.
std::u32string decode(std::string_view text);

// Encodes code points as UTF-8.
std::string encode(std::u32string_view text);

// Splits `text` into one string per code point (used by character-level metrics).
std::vector<std::string> characters(std::string_view text);

}  // namespace mtbench::utf8
