// Moses-compatible tokenizer: re-implements the rules of Moses' scripts/tokenizer/tokenizer.perl
// (the version with the "split last word" rule and aggressive hyphens) as linear scans over
// code points, without regexes. Every step below names the Perl substitution it reproduces;
// where Perl's s///g consumes characters (so that a match cannot start inside the previous
// one) the scans track the end of the last match to give the same result.
//
// Deliberate differences from tokenizer.perl:
// - escaping is off by default (TokenizerOptions::escape), as with its -no-escape flag;
// - URLs and e-mail addresses are protected by default (Moses needs -protected FILE);
// - the fi/sv colon rules, the ca middle-dot rule and the -penn mode are not implemented;
// - code points in planes 15-16 (private use) are kept as single tokens because those
//   planes hold our internal placeholders.

#include <unicode/uchar.h>

#include <array>

#include "base/utf8.h"
#include "corpus/nonbreaking_prefixes.h"
#include "corpus/tokenizer.h"

namespace mtbench {

namespace moses_chars {
namespace {

// Bit flags per ASCII code point, so the common case skips ICU.
enum : unsigned char { kAlpha = 1, kDigit = 2, kLower = 4 };

constexpr std::array<unsigned char, 128> make_ascii_table() {
  std::array<unsigned char, 128> table{};
  for (int c = 'a'; c <= 'z'; ++c) table[c] = kAlpha | kLower;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = kAlpha;
  for (int c = '0'; c <= '9'; ++c) table[c] = kDigit;
  return table;
}
constexpr auto kAscii = make_ascii_table();

}  // namespace

bool is_alpha(char32_t c) {
  if (c < 128) return kAscii[c] & kAlpha;
  return u_isUAlphabetic(static_cast<UChar32>(c));
}

bool is_alnum(char32_t c) {
  if (c < 128) return kAscii[c] & (kAlpha | kDigit);
  return u_isUAlphabetic(static_cast<UChar32>(c)) || u_charType(static_cast<UChar32>(c)) == U_DECIMAL_DIGIT_NUMBER;
}

bool is_number(char32_t c) {
  if (c < 128) return kAscii[c] & kDigit;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK) != 0;
}

bool is_lower(char32_t c) {
  if (c < 128) return kAscii[c] & kLower;
  return u_isULowercase(static_cast<UChar32>(c));
}

bool is_currency(char32_t c) {
  return u_charType(static_cast<UChar32>(c)) == U_CURRENCY_SYMBOL;
}

bool is_cjk(char32_t c) {
  return (c >= 0x1100 && c <= 0x11FF) ||  // Hangul Jamo
         (c >= 0x2E80 && c <= 0x9FFF) ||  // CJK radicals, punctuation, kana, unified ideographs
         (c >= 0xA960 && c <= 0xA97F) ||  // Hangul Jamo extended-A
         (c >= 0xAC00 && c <= 0xD7FF) ||  // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||  // CJK compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||  // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFFEF) ||  // half- and full-width forms
         (c >= 0x20000 && c <= 0x3FFFF);  // supplementary ideographic planes
}

}  // namespace moses_chars

namespace {

using moses_chars::is_alnum;
using moses_chars::is_alpha;
using moses_chars::is_lower;
using moses_chars::is_number;

// Placeholders stand for a run of dots ("DOTMULTI" in Perl) and for protected spans
// ("THISISPROTECTED" in Perl). Like Perl's placeholders, they count as letters, never as
// lower-case letters or numbers.
constexpr char32_t kMultiDot = 0xF0000;
constexpr char32_t kProtectedBase = 0xF0001;
constexpr char32_t kProtectedLast = 0x10FFFD;

bool is_placeholder(char32_t c) {
  return c >= kMultiDot;
}
bool alpha(char32_t c) {
  return is_placeholder(c) || is_alpha(c);
}
bool alnum(char32_t c) {
  return is_placeholder(c) || is_alnum(c);
}
bool number(char32_t c) {
  return !is_placeholder(c) && is_number(c);
}
bool lower(char32_t c) {
  return !is_placeholder(c) && is_lower(c);
}

bool is_space(char32_t c) {
  if (c < 128) return c == ' ' || (c >= '\t' && c <= '\r');
  return u_isUWhiteSpace(static_cast<UChar32>(c));
}

// State shared by the steps of one tokenize() call.
struct Work {
  std::u32string text;                     // the segment being rewritten
  std::vector<std::u32string> protected_;  // originals of protected spans, by placeholder index
  std::vector<std::size_t> dot_runs;       // lengths of the multi-dot runs, in order
};

bool ascii_alnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool starts_with_ci(const std::u32string& s, std::size_t pos, std::string_view prefix) {
  if (pos + prefix.size() > s.size()) return false;
  for (std::size_t k = 0; k < prefix.size(); ++k) {
    char32_t c = s[pos + k];
    if (c >= 'A' && c <= 'Z') c += 32;
    if (c != static_cast<char32_t>(prefix[k])) return false;
  }
  return true;
}

// End of a URL starting at `i` (scheme or "www." at a word start), or `i` when there is none.
// Trailing sentence punctuation is left outside, except a ')' that closes a '(' in the URL.
std::size_t url_end(const std::u32string& t, std::size_t i) {
  if (i > 0 && alnum(t[i - 1])) return i;
  std::size_t head = 0;
  for (std::string_view scheme : {"https://", "http://", "ftp://", "www."}) {
    if (starts_with_ci(t, i, scheme)) {
      head = scheme.size();
      break;
    }
  }
  if (head == 0) return i;
  std::size_t end = i + head;
  while (end < t.size() && t[end] != ' ') ++end;
  while (end > i + head) {
    const char32_t last = t[end - 1];
    if (last == ')' && std::u32string_view(t).substr(i, end - i).find(U'(') != std::u32string_view::npos) break;
    if (std::u32string_view(U".,;:!?'\")]}>").find(last) == std::u32string_view::npos) break;
    --end;
  }
  return end > i + head ? end : i;
}

// End of an e-mail address (local@domain.tld, ASCII) starting at `i`, or `i` when none.
std::size_t email_end(const std::u32string& t, std::size_t i) {
  if (!ascii_alnum(t[i]) || (i > 0 && (alnum(t[i - 1]) || t[i - 1] == '.'))) return i;
  std::size_t at = i;
  while (at < t.size() &&
         (ascii_alnum(t[at]) || std::u32string_view(U"._%+-").find(t[at]) != std::u32string_view::npos))
    ++at;
  if (at >= t.size() || t[at] != '@') return i;
  std::size_t end = at + 1;
  while (end < t.size() && (ascii_alnum(t[end]) || t[end] == '.' || t[end] == '-')) ++end;
  while (end > at + 1 && (t[end - 1] == '.' || t[end - 1] == '-')) --end;
  const std::size_t dot = std::u32string_view(t).substr(0, end).rfind(U'.');
  if (dot == std::u32string_view::npos || dot <= at + 1 || end - dot < 3) return i;
  for (std::size_t k = dot + 1; k < end; ++k) {
    if (!is_alpha(t[k])) return i;
  }
  return end;
}

// Perl: $text = " $text "; s/\s+/ /g; s/[\000-\037]//g
void collapse_whitespace(Work& w, std::string_view input) {
  const std::u32string decoded = utf8::decode(input);
  std::u32string& t = w.text;
  t.clear();
  t.reserve(decoded.size() + 2);
  t += ' ';
  for (const char32_t c : decoded) {
    if (is_space(c)) {
      if (t.back() != ' ') t += ' ';
    } else if (c >= 0x20) {
      t += c;
    }
  }
  if (t.back() != ' ') t += ' ';
}

// Replaces URLs, e-mail addresses and input code points in our placeholder range by
// placeholders (Perl: the protected-pattern loop with THISISPROTECTED).
void protect(Work& w, bool urls) {
  std::u32string& t = w.text;
  std::u32string out;
  out.reserve(t.size());
  auto add = [&](std::u32string span) {
    if (kProtectedBase + w.protected_.size() > kProtectedLast) return false;
    out += static_cast<char32_t>(kProtectedBase + w.protected_.size());
    w.protected_.push_back(std::move(span));
    return true;
  };
  std::size_t i = 0;
  while (i < t.size()) {
    if (is_placeholder(t[i]) && add(std::u32string(1, t[i]))) {
      ++i;
      continue;
    }
    if (urls) {
      std::size_t end = url_end(t, i);
      if (end == i) end = email_end(t, i);
      if (end > i && add(t.substr(i, end - i))) {
        i = end;
        continue;
      }
    }
    out += t[i++];
  }
  t.swap(out);
}

// Perl: s/([^\p{IsAlnum}\s\.\'\`\,\-])/ $1 /g
void split_special_characters(Work& w) {
  std::u32string out;
  out.reserve(w.text.size() * 5 / 4 + 8);
  for (const char32_t c : w.text) {
    if (alnum(c) || c == ' ' || c == '.' || c == '\'' || c == '`' || c == ',' || c == '-') {
      out += c;
    } else {
      out += ' ';
      out += c;
      out += ' ';
    }
  }
  w.text.swap(out);
}

// Perl (-a): s/([\p{IsAlnum}])\-(?=[\p{IsAlnum}])/$1 \@-\@ /g
void split_hyphens(Work& w) {
  const std::u32string& t = w.text;
  std::u32string out;
  out.reserve(t.size() + 16);
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '-' && i > 0 && i + 1 < t.size() && alnum(t[i - 1]) && alnum(t[i + 1])) {
      out += U" @-@ ";
    } else {
      out += t[i];
    }
  }
  w.text.swap(out);
}

// Perl: s/\.([\.]+)/ DOTMULTI$1/g and the DOTDOTMULTI loop: a run of two or more dots
// becomes one token with spaces on both sides.
void mark_multidots(Work& w) {
  const std::u32string& t = w.text;
  if (t.find(U"..") == std::u32string::npos) return;
  std::u32string out;
  out.reserve(t.size() + 8);
  for (std::size_t i = 0; i < t.size();) {
    std::size_t j = i;
    while (j < t.size() && t[j] == '.') ++j;
    if (j - i >= 2) {
      out += ' ';
      out += kMultiDot;
      out += ' ';
      w.dot_runs.push_back(j - i);
      i = j;
    } else {
      out += t[i++];
    }
  }
  w.text.swap(out);
}

// Perl: s/([^\p{IsN}])[,]/$1 , /g; s/[,]([^\p{IsN}])/ , $1/g
// (the third comma rule, s/([\p{IsN}])[,]$/$1 ,/g, never fires on the space-padded text).
void split_commas(Work& w) {
  if (w.text.find(',') == std::u32string::npos) return;
  for (int rule = 0; rule < 2; ++rule) {
    const std::u32string& t = w.text;
    std::u32string out;
    out.reserve(t.size() + 8);
    std::size_t consumed = 0;  // end of the last match: a match may not start before it
    for (std::size_t i = 0; i < t.size(); ++i) {
      bool match = false;
      if (t[i] == ',') {
        if (rule == 0) {
          match = i >= 1 && i - 1 >= consumed && !number(t[i - 1]);
        } else {
          match = i >= consumed && i + 1 < t.size() && !number(t[i + 1]);
        }
      }
      if (match) {
        out += U" , ";
        consumed = rule == 0 ? i + 1 : i + 2;
      } else {
        out += t[i];
      }
    }
    w.text.swap(out);
  }
}

// How an apostrophe rule rewrites "X'Y".
enum class Apostrophe {
  kSplit,        // "X ' Y"
  kAttachRight,  // "X 'Y"  (English "don 't")
  kAttachLeft,   // "X' Y"  (French "l' homme")
};

// One Perl substitution s/(PREV)[']([NEXT])/.../g with Perl's non-overlapping matches.
template <typename Prev, typename Next>
void apostrophe_rule(Work& w, Prev prev, Next next, Apostrophe how) {
  const std::u32string& t = w.text;
  std::u32string out;
  out.reserve(t.size() + 8);
  std::size_t consumed = 0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '\'' && i >= 1 && i - 1 >= consumed && i + 1 < t.size() && prev(t[i - 1]) && next(t[i + 1])) {
      out += how == Apostrophe::kSplit ? U" ' " : how == Apostrophe::kAttachRight ? U" '" : U"' ";
      consumed = i + 2;
    } else {
      out += t[i];
    }
  }
  w.text.swap(out);
}

void split_apostrophes(Work& w, const std::string& lang) {
  if (w.text.find('\'') == std::u32string::npos) return;
  const auto is_a = [](char32_t c) { return alpha(c); };
  const auto not_a = [](char32_t c) { return !alpha(c); };
  if (lang == "en") {
    // Perl: split contractions right ("don 't", "John 's", "1990 's").
    apostrophe_rule(w, not_a, not_a, Apostrophe::kSplit);
    apostrophe_rule(
        w, [](char32_t c) { return !alpha(c) && !number(c); }, is_a, Apostrophe::kSplit);
    apostrophe_rule(w, is_a, not_a, Apostrophe::kSplit);
    apostrophe_rule(w, is_a, is_a, Apostrophe::kAttachRight);
    apostrophe_rule(
        w, [](char32_t c) { return number(c); }, [](char32_t c) { return c == 's'; }, Apostrophe::kAttachRight);
  } else if (lang == "fr" || lang == "it" || lang == "ga" || lang == "ca") {
    // Perl: split contractions left ("l' homme", "aujourd' hui").
    apostrophe_rule(w, not_a, not_a, Apostrophe::kSplit);
    apostrophe_rule(w, not_a, is_a, Apostrophe::kSplit);
    apostrophe_rule(w, is_a, not_a, Apostrophe::kSplit);
    apostrophe_rule(w, is_a, is_a, Apostrophe::kAttachLeft);
  } else if (lang == "so") {
    // Perl: Somali keeps the glottal stop inside words ("ka'a").
    apostrophe_rule(w, not_a, not_a, Apostrophe::kSplit);
    apostrophe_rule(w, not_a, is_a, Apostrophe::kSplit);
    apostrophe_rule(w, is_a, not_a, Apostrophe::kSplit);
  } else {
    // Perl: s/\'/ \' /g
    std::u32string out;
    out.reserve(w.text.size() + 8);
    for (const char32_t c : w.text) {
      if (c == '\'') {
        out += U" ' ";
      } else {
        out += c;
      }
    }
    w.text.swap(out);
  }
}

bool contains_dot_and_letter(std::u32string_view word) {
  bool dot = false, letter = false;
  for (const char32_t c : word) {
    dot = dot || c == '.';
    letter = letter || alpha(c);
  }
  return dot && letter;
}

// Perl: the "word token method" loop deciding whether a final period is split off, then
// s/ +/ /g; s/^ //g; s/ $//g; and s/\.\' ?$/ . ' /.
void split_final_periods(Work& w, const NonbreakingPrefixes& prefixes) {
  const std::u32string& t = w.text;
  std::vector<std::u32string_view> words;  // split(/\s/, $text): empty fields kept...
  std::size_t start = 0;
  while (true) {
    const std::size_t space = t.find(' ', start);
    if (space == std::u32string::npos) {
      words.emplace_back(std::u32string_view(t).substr(start));
      break;
    }
    words.emplace_back(std::u32string_view(t).substr(start, space - start));
    start = space + 1;
  }
  while (!words.empty() && words.back().empty()) words.pop_back();  // ...except trailing ones

  std::u32string out;
  out.reserve(t.size() + 8);
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::u32string_view word = words[i];
    bool split = false;
    if (word.size() >= 2 && word.back() == '.') {
      const std::u32string_view pre = word.substr(0, word.size() - 1);
      if (i + 1 == words.size()) {
        split = true;  // the last word is unlikely to be an abbreviation
      } else if (contains_dot_and_letter(pre)) {
        split = false;  // "z.B.", "U.S."
      } else {
        const std::u32string_view next = words[i + 1];
        const PrefixKind kind = prefixes.kind(utf8::encode(pre));
        if (kind == PrefixKind::kAlways || (!next.empty() && lower(next.front()))) {
          split = false;
        } else if (kind == PrefixKind::kNumericOnly && !next.empty() && next.front() >= '0' && next.front() <= '9') {
          split = false;
        } else {
          split = true;
        }
      }
      if (split) {
        if (!out.empty() && out.back() != ' ') out += ' ';
        out += pre;
        out += U" .";
        continue;
      }
    }
    if (word.empty()) continue;
    if (!out.empty()) out += ' ';
    out += word;
  }
  // ".'" at the end of the sentence is missed by the rules above.
  if (out.size() >= 2 && out[out.size() - 2] == '.' && out.back() == '\'') {
    out.resize(out.size() - 2);
    if (!out.empty()) out += ' ';
    out += U". '";
  }
  w.text.swap(out);
}

// Perl's escaping (on unless -no-escape): & | < > ' " [ ].
void append_escaped(std::string& out, char32_t c) {
  switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '|':
      out += "&#124;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '\'':
      out += "&apos;";
      break;
    case '"':
      out += "&quot;";
      break;
    case '[':
      out += "&#91;";
      break;
    case ']':
      out += "&#93;";
      break;
    default:
      utf8::append(out, c);
  }
}

}  // namespace

MosesTokenizer::MosesTokenizer(TokenizerOptions options) : options_(std::move(options)) {}

std::vector<std::string> MosesTokenizer::tokenize(std::string_view text) const {
  Work w;
  collapse_whitespace(w, text);
  protect(w, options_.protect_urls);
  split_special_characters(w);
  if (options_.aggressive_hyphen) split_hyphens(w);
  mark_multidots(w);
  split_commas(w);
  split_apostrophes(w, options_.lang);
  split_final_periods(w, nonbreaking_prefixes(options_.lang));

  // Restore placeholders, escape, and cut at the single spaces left.
  std::vector<std::string> tokens;
  std::string token;
  std::size_t next_dot_run = 0;
  const auto emit = [&](char32_t c) {
    if (options_.escape) {
      append_escaped(token, c);
    } else {
      utf8::append(token, c);
    }
  };
  for (const char32_t c : w.text) {
    if (c == ' ') {
      if (!token.empty()) tokens.push_back(std::move(token));
      token.clear();
    } else if (c == kMultiDot) {
      token.append(next_dot_run < w.dot_runs.size() ? w.dot_runs[next_dot_run++] : 0, '.');
    } else if (is_placeholder(c)) {
      for (const char32_t original : w.protected_[c - kProtectedBase]) emit(original);
    } else {
      emit(c);
    }
  }
  if (!token.empty()) tokens.push_back(std::move(token));
  return tokens;
}

std::string MosesTokenizer::tokenize_to_string(std::string_view text) const {
  return join_tokens(tokenize(text));
}

std::vector<std::string_view> split_whitespace_views(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) out.push_back(text.substr(start, i - start));
  }
  return out;
}

std::vector<std::string> split_whitespace(std::string_view text) {
  std::vector<std::string> out;
  for (const auto token : split_whitespace_views(text)) out.emplace_back(token);
  return out;
}

std::string join_tokens(const std::vector<std::string>& tokens) {
  std::string out;
  std::size_t total = 0;
  for (const auto& t : tokens) total += t.size() + 1;
  out.reserve(total);
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

}  // namespace mtbench
