// Moses-compatible detokenizer: re-implements Moses' scripts/tokenizer/detokenizer.perl (join
// "@-@" hyphens, undo escaping, then decide per token whether it attaches to its left or right
// neighbour) without regexes.
//
// Deliberate differences from detokenizer.perl, each chosen so that detokenize(tokenize(x))
// gives x back on natural text where Perl's rules lose information:
// - a quote that would open (even count) but has no later partner in the segment attaches
//   to the word on its left when that word ends in a digit or "s" or when no word follows:
//   feet/inches, plural possessives, a trailing accent ("4' in", "Kids' Food", "cafe'.");
// - in languages without contraction rules (de, cs, ...) the tokenizer splits every
//   apostrophe ("Joe ' s"); an apostrophe followed by a clitic (s, t, d, m, ll, re, ve, or
//   "s-..." as in "McDonald's-Menü") joins both neighbours;
// - the typographic apostrophes ’ ‘ (split as symbols by the tokenizer) join both neighbours
//   after a French elided word (l’, d’, qu’ ...) or before a clitic ("don’t", "Joe‘s");
// - "/" and "_" between words and ":" between numbers join both neighbours ("Freund/in",
//   "11:27"), as they do in nearly all running text;
// - the English "s'" possessive rule only applies when no other ' follows in the segment;
// - ” ‘ ’ ‚ count as quotes like “ „ (Perl only knows ' " „ “ `);
// - entities written literally in the text, which the tokenizer splits ("& amp ;"), are
//   joined again; "X & Y" between single capitals ("R&D") is joined in every language;
// - a word starting with '-' right after a closing quote joins it (German „BBQ“-Wagen).

#include <unicode/uchar.h>

#include <algorithm>
#include <array>

#include "base/utf8.h"
#include "corpus/tokenizer.h"

namespace mtbench {
namespace {

using moses_chars::is_alnum;
using moses_chars::is_alpha;

char32_t first_cp(std::string_view token) {
  std::size_t pos = 0;
  return token.empty() ? 0 : utf8::next(token, pos);
}

char32_t last_cp(std::string_view token) {
  if (token.empty()) return 0;
  std::size_t start = token.size() - 1;
  while (start > 0 && (static_cast<unsigned char>(token[start]) & 0xC0) == 0x80) --start;
  std::size_t pos = start;
  return utf8::next(token, pos);
}

// True when every code point of `token` satisfies `pred`.
template <typename Pred>
bool all_of_cps(std::string_view token, Pred pred) {
  if (token.empty()) return false;
  std::size_t pos = 0;
  while (pos < token.size()) {
    if (!pred(utf8::next(token, pos))) return false;
  }
  return true;
}

bool in(char32_t c, std::u32string_view set) {
  return set.find(c) != std::u32string_view::npos;
}

// Perl: /^[\p{IsSc}\(\[\{\¿\¡]+$/ (attaches to the right)
bool is_opening(std::string_view t) {
  return all_of_cps(t, [](char32_t c) { return moses_chars::is_currency(c) || in(c, U"([{¿¡"); });
}

// Perl: /^[\,\.\?\!\:\;\\\%\}\]\)]+$/ (attaches to the left)
bool is_closing(std::string_view t) {
  return all_of_cps(t, [](char32_t c) { return in(c, U",.?!:;\\%}])"); });
}

// The quote family of a token made only of quote marks ("'" or "\""), or "" otherwise.
// Perl: /^[\'\"„“`]+$/ with „“” normalised to '"'; we add ” ‘ ’ ‚ (see the file comment).
std::string quote_family(std::string_view t) {
  if (all_of_cps(t, [](char32_t c) { return in(c, U"\"„“”"); })) return "\"";
  if (all_of_cps(t, [](char32_t c) { return in(c, U"'‘’‚"); })) return "'";
  if (all_of_cps(t, [](char32_t c) { return c == '`'; })) return "`";
  if (all_of_cps(t, [](char32_t c) { return in(c, U"'\"„“`"); })) return std::string(t);
  return "";
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

// English-style clitics that follow an apostrophe ("Joe's", "don't", "we'll").
bool is_clitic(std::string_view token) {
  static const std::array<std::string_view, 7> clitics = {"s", "t", "d", "m", "ll", "re", "ve"};
  const std::string lower = ascii_lower(token);
  if (lower.rfind("s-", 0) == 0) return true;
  return std::find(clitics.begin(), clitics.end(), lower) != clitics.end();
}

// French words that elide their vowel before an apostrophe ("l’homme", "qu’il").
bool is_french_elision(std::string_view token) {
  static const std::array<std::string_view, 14> words = {"l", "d",  "j",     "m",      "n",      "s",      "t",
                                                         "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "aujourd"};
  const std::string lower = ascii_lower(token);
  return std::find(words.begin(), words.end(), lower) != words.end();
}

// "hors-d" -> "d" (the elided word inside a hyphenated compound such as "hors-d’œuvre").
std::string_view after_last_hyphen(std::string_view token) {
  const std::size_t hyphen = token.rfind('-');
  return hyphen == std::string_view::npos ? token : token.substr(hyphen + 1);
}

// Names of the HTML/XML entities that appear literally in crawled corpora ("&amp;").
bool is_entity_name(std::string_view name) {
  return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" || name == "nbsp";
}

bool is_single_letter(std::string_view t) {
  return t.size() == 1 && ((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z'));
}

bool all_ascii_digits(std::string_view t);

// Number of tokens of a split entity starting at words[i] == "&" ("& amp ;" = 3,
// "& # 124 ;" = 4), or 0.
std::size_t entity_length(const std::vector<std::string>& words, std::size_t i) {
  if (i + 2 < words.size() && is_entity_name(words[i + 1]) && words[i + 2] == ";") return 3;
  if (i + 3 < words.size() && words[i + 1] == "#" && all_ascii_digits(words[i + 2]) && words[i + 3] == ";") return 4;
  return 0;
}

// Undoes the tokenizer's escaping in one left-to-right pass (also the legacy &bar; &bra; &ket;).
std::string unescape(std::string_view token) {
  if (token.find('&') == std::string_view::npos) return std::string(token);
  static const std::array<std::pair<std::string_view, char>, 11> entities = {{
      {"&amp;", '&'},
      {"&#124;", '|'},
      {"&bar;", '|'},
      {"&lt;", '<'},
      {"&gt;", '>'},
      {"&apos;", '\''},
      {"&quot;", '"'},
      {"&#91;", '['},
      {"&#93;", ']'},
      {"&bra;", '['},
      {"&ket;", ']'},
  }};
  std::string out;
  for (std::size_t i = 0; i < token.size();) {
    bool replaced = false;
    if (token[i] == '&') {
      for (const auto& [entity, c] : entities) {
        if (token.substr(i, entity.size()) == entity) {
          out += c;
          i += entity.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out += token[i++];
  }
  return out;
}

bool all_ascii_digits(std::string_view t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

MosesDetokenizer::MosesDetokenizer(std::string lang) : lang_(std::move(lang)) {}

MosesDetokenizer::MosesDetokenizer(std::string lang, bool unescape) : lang_(std::move(lang)), unescape_(unescape) {}

std::string MosesDetokenizer::detokenize(const std::vector<std::string>& input) const {
  // Perl: s/ \@\-\@ /-/g, then the entity replacements.
  std::vector<std::string> words;
  words.reserve(input.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (input[i].empty()) continue;
    if (input[i] == "@-@" && !words.empty() && i + 1 < input.size()) {
      words.back() += "-";
      words.back() += unescape_ ? unescape(input[++i]) : input[++i];
      continue;
    }
    words.push_back(unescape_ ? unescape(input[i]) : input[i]);
  }

  const bool en = lang_ == "en", fr = lang_ == "fr" || lang_ == "it" || lang_ == "ga", cs = lang_ == "cs";
  const bool contraction_rules = en || fr;  // languages whose tokenizer keeps "'" attached
  std::string text;
  std::string prepend_space = " ";
  std::vector<std::pair<std::string, int>> quote_count;  // quote family -> marks seen so far
  const auto count_of = [&](const std::string& family) -> int& {
    for (auto& [f, n] : quote_count) {
      if (f == family) return n;
    }
    quote_count.emplace_back(family, 0);
    return quote_count.back().second;
  };
  const auto attach_right = [&](const std::string& w) {  // "( x", "$ 5"
    text += prepend_space;
    text += w;
    prepend_space.clear();
  };
  const auto attach_left = [&](const std::string& w) {  // "x ,"
    text += w;
    prepend_space = " ";
  };
  const auto plain = [&](const std::string& w) {
    text += prepend_space;
    text += w;
    prepend_space = " ";
  };

  std::size_t closed_quote_at = words.size();  // index of the last closing quote
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    const std::string* prev = i > 0 ? &words[i - 1] : nullptr;
    const std::string* next = i + 1 < words.size() ? &words[i + 1] : nullptr;
    const std::string family = quote_family(w);

    if (prev && moses_chars::is_cjk(first_cp(w)) && moses_chars::is_cjk(last_cp(*prev))) {
      attach_left(w);  // no spaces between CJK characters
    } else if (w == "&" &&
               (entity_length(words, i) > 0 || (prev && next && is_single_letter(*prev) && is_single_letter(*next)))) {
      // An entity written in the text, which the tokenizer split: "& amp ;" -> "&amp;",
      // "& # 124 ;" -> "&#124;" (our rule); "R & D" -> "R&D" (detokenizer.perl's English
      // rule, here in every language and also for "R & amp ; D").
      const std::size_t length = entity_length(words, i);
      std::string joined;
      for (std::size_t k = i; k < i + std::max<std::size_t>(length, 1); ++k) joined += words[k];
      const std::size_t last = i + std::max<std::size_t>(length, 1) - 1;
      const bool between_letters =
          i > 0 && last + 1 < words.size() && is_single_letter(words[i - 1]) && is_single_letter(words[last + 1]);
      if (between_letters) {
        text += joined;
        prepend_space.clear();
      } else {
        plain(joined);
      }
      i = last;
    } else if (prev && next && ((w == "/" || w == "_") && is_alnum(last_cp(*prev)) && is_alnum(first_cp(*next)))) {
      text += w;  // "Freund / in" -> "Freund/in", "a _ b" -> "a_b" (our rule)
      prepend_space.clear();
    } else if (prev && next && w == ":" && all_ascii_digits(*prev) && all_ascii_digits(*next)) {
      text += w;  // times: "11 : 27" -> "11:27" (our rule)
      prepend_space.clear();
    } else if (prev && closed_quote_at + 1 == i && w.size() > 1 && w[0] == '-' &&
               is_alnum(first_cp(std::string_view(w).substr(1)))) {
      attach_left(w);  // compound after a quotation: „BBQ“-Leuchtreklame (our rule)
    } else if (is_opening(w)) {
      attach_right(w);
    } else if (is_closing(w)) {
      // French typography puts a (non-breaking) space before ? ! : ; % (Perl adds a space).
      if (fr && w.size() == 1 && in(static_cast<char32_t>(w[0]), U"?!:;\\%")) text += " ";
      attach_left(w);
    } else if (en && prev && w.size() > 1 && w[0] == '\'' && is_alpha(first_cp(std::string_view(w).substr(1))) &&
               is_alnum(last_cp(*prev))) {
      attach_left(w);  // English contraction: "don 't" -> "don't"
    } else if (cs && i > 1 && all_ascii_digits(words[i - 2]) && (*prev == "." || *prev == ",") && all_ascii_digits(w)) {
      attach_left(w);  // Czech decimal numbers "3 , 5"
    } else if (fr && next && w.size() >= 2 && w.back() == '\'' &&
               is_alpha(last_cp(std::string_view(w).substr(0, w.size() - 1))) && is_alpha(first_cp(*next))) {
      attach_right(w);  // French elision: "l' homme" -> "l'homme"
    } else if (cs && next && i + 2 < words.size() && is_alpha(last_cp(w)) && (*next == "-" || *next == "–") &&
               (ascii_lower(words[i + 2]) == "li" || ascii_lower(words[i + 2]).rfind("mail", 0) == 0)) {
      attach_right(w + *next);  // Czech "-li" and "e-mail"
      ++i;
    } else if ((w == "’" || w == "‘") && prev && next && is_alpha(last_cp(*prev)) && is_alpha(first_cp(*next)) &&
               ((fr && is_french_elision(after_last_hyphen(*prev))) || is_clitic(*next))) {
      text += w;  // typographic apostrophe inside a word (our rule)
      prepend_space.clear();
    } else if (!contraction_rules && w == "'" && prev && next && is_alnum(last_cp(*prev)) && is_clitic(*next)) {
      text += w;  // "Joe ' s" -> "Joe's" in languages without contraction rules (our rule)
      prepend_space.clear();
    } else if (!family.empty()) {
      int& count = count_of(family);
      if (cs && w == "„") count = 0;  // always opening in Czech
      if (cs && w == "“") count = 1;  // usually closing in Czech
      if (count % 2 == 0) {
        bool partner_later = false;
        for (std::size_t k = i + 1; k < words.size() && !partner_later; ++k)
          partner_later = quote_family(words[k]) == family;
        if (en && w == "'" && prev && !prev->empty() && prev->back() == 's' && !partner_later) {
          // Possessive plural "the Jones' house" (Perl). Perl also applies it when another
          // quote follows, which breaks "says 'free dinner'"; we then open a quotation.
          attach_left(w);
        } else if (!partner_later && prev && is_alnum(last_cp(*prev)) &&
                   (u_isdigit(static_cast<UChar32>(last_cp(*prev))) || prev->back() == 's' || !next ||
                    !is_alnum(first_cp(*next)))) {
          attach_left(w);  // unpaired after a number, a plural or before punctuation: 4' 5", Kids', cafe' (our rule)
        } else {
          attach_right(w);
          ++count;
        }
      } else {
        attach_left(w);
        ++count;
        closed_quote_at = i;
      }
    } else {
      plain(w);
    }
  }

  // Perl: s/ +/ /g; s/^ //g; s/ $//g
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string MosesDetokenizer::detokenize_string(std::string_view text) const {
  return detokenize(split_whitespace(text));
}

}  // namespace mtbench
