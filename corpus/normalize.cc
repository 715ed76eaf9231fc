// Unicode normalization through ICU's Normalizer2, and a re-implementation of Moses'
// scripts/tokenizer/normalize-punctuation.perl as literal replacements and small scans
// (no regexes). The Perl script reads lines without chomping them, so its patterns see a
// final "\n"; the scans below treat the end of the text as that newline where it matters
// (the German/French ".\"" rule then also moves a period at the very end of the line).

#include "corpus/normalize.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "base/error.h"
#include "base/utf8.h"

namespace mtbench {
namespace {

constexpr char32_t kNbsp = 0xA0;

void replace_all(std::u32string& t, std::u32string_view from, std::u32string_view to) {
  if (t.find(from) == std::u32string::npos) return;
  std::u32string out;
  out.reserve(t.size() + 8);
  std::size_t start = 0;
  while (true) {
    const std::size_t hit = t.find(from, start);
    if (hit == std::u32string::npos) break;
    out.append(t, start, hit - start);
    out += to;
    start = hit + from.size();
  }
  out.append(t, start, std::u32string::npos);
  t.swap(out);
}

// s/ +/ /g
void squeeze_spaces(std::u32string& t) {
  std::u32string out;
  out.reserve(t.size());
  for (const char32_t c : t) {
    if (c == ' ' && !out.empty() && out.back() == ' ') continue;
    out += c;
  }
  t.swap(out);
}

bool is_digit(char32_t c) {
  return u_isdigit(static_cast<UChar32>(c));
}
bool is_ascii_letter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Removes the character at `i` when `keep(t, i)` is false, left to right.
template <typename Drop>
void drop_if(std::u32string& t, Drop drop) {
  std::u32string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (!drop(t, i)) out += t[i];
  }
  t.swap(out);
}

// s/([a-z])Q([a-z])/$1'$2/gi with Perl's non-overlapping matches.
void apostrophe_between_letters(std::u32string& t, char32_t quote) {
  std::size_t consumed = 0;
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == quote && i - 1 >= consumed && is_ascii_letter(t[i - 1]) && is_ascii_letter(t[i + 1])) {
      t[i] = '\'';
      consumed = i + 2;
    }
  }
}

}  // namespace

UnicodeForm parse_unicode_form(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "none") return UnicodeForm::kNone;
  if (lower == "nfc") return UnicodeForm::kNFC;
  if (lower == "nfd") return UnicodeForm::kNFD;
  if (lower == "nfkc") return UnicodeForm::kNFKC;
  if (lower == "nfkd") return UnicodeForm::kNFKD;
  fail<ConfigError>("unknown Unicode normalization form '{}' (expected none, nfc, nfd, nfkc or nfkd)", name);
}

std::string unicode_form_name(UnicodeForm form) {
  switch (form) {
    case UnicodeForm::kNone:
      return "none";
    case UnicodeForm::kNFC:
      return "nfc";
    case UnicodeForm::kNFD:
      return "nfd";
    case UnicodeForm::kNFKC:
      return "nfkc";
    case UnicodeForm::kNFKD:
      return "nfkd";
  }
  return "none";
}

std::string unicode_normalize(std::string_view text, UnicodeForm form) {
  if (form == UnicodeForm::kNone) return std::string(text);
  std::size_t offset = 0;
  if (!utf8::is_valid(text, &offset)) fail<DataError>("cannot normalize: invalid UTF-8 at byte {}", offset + 1);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
    case UnicodeForm::kNFC:
      normalizer = icu::Normalizer2::getNFCInstance(status);
      break;
    case UnicodeForm::kNFD:
      normalizer = icu::Normalizer2::getNFDInstance(status);
      break;
    case UnicodeForm::kNFKC:
      normalizer = icu::Normalizer2::getNFKCInstance(status);
      break;
    case UnicodeForm::kNFKD:
      normalizer = icu::Normalizer2::getNFKDInstance(status);
      break;
    case UnicodeForm::kNone:
      break;
  }
  if (U_FAILURE(status) || normalizer == nullptr) fail("ICU normalizer unavailable: {}", u_errorName(status));
  const icu::UnicodeString source =
      icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  // Most text is already normalized: the quick check avoids copying it.
  if (normalizer->isNormalized(source, status) && U_SUCCESS(status)) return std::string(text);
  status = U_ZERO_ERROR;
  const icu::UnicodeString result = normalizer->normalize(source, status);
  if (U_FAILURE(status)) fail("Unicode normalization failed: {}", u_errorName(status));
  std::string out;
  result.toUTF8String(out);
  return out;
}

std::string normalize_punctuation(std::string_view text, const PunctuationOptions& options) {
  std::u32string t = utf8::decode(text);
  const std::string& lang = options.lang;
  replace_all(t, U"\r", U"");
  // Spaces around brackets and before : ; %.
  replace_all(t, U"(", U" (");
  replace_all(t, U")", U") ");
  squeeze_spaces(t);
  drop_if(t, [](const std::u32string& s, std::size_t i) {  // s/\) ([\.\!\:\?\;\,])/\)$1/g
    return s[i] == ' ' && i > 0 && s[i - 1] == ')' && i + 1 < s.size() &&
           std::u32string_view(U".!:?;,").find(s[i + 1]) != std::u32string_view::npos;
  });
  replace_all(t, U"( ", U"(");
  replace_all(t, U" )", U")");
  drop_if(t, [](const std::u32string& s, std::size_t i) {  // s/(\d) \%/$1\%/g
    return s[i] == ' ' && i > 0 && is_digit(s[i - 1]) && i + 1 < s.size() && s[i + 1] == '%';
  });
  replace_all(t, U" :", U":");
  replace_all(t, U" ;", U";");
  // Typographic quotes, dashes and ellipsis to ASCII.
  if (!options.penn) {
    replace_all(t, U"`", U"'");
    replace_all(t, U"''", U" \" ");
  }
  replace_all(t, U"„", U"\"");
  replace_all(t, U"“", U"\"");
  replace_all(t, U"”", U"\"");
  replace_all(t, U"–", U"-");
  replace_all(t, U"—", U" - ");
  squeeze_spaces(t);
  replace_all(t, U"´", U"'");
  apostrophe_between_letters(t, U'‘');
  apostrophe_between_letters(t, U'’');
  replace_all(t, U"‘", U"'");
  replace_all(t, U"‚", U"'");
  replace_all(t, U"’", U"\"");
  replace_all(t, U"''", U"\"");
  replace_all(t, U"´´", U"\"");
  replace_all(t, U"…", U"...");
  // French guillemets.
  replace_all(t, U" « ", U" \"");
  replace_all(t, U"« ", U"\"");
  replace_all(t, U"«", U"\"");
  replace_all(t, U" » ", U"\" ");
  replace_all(t, U" »", U"\"");
  replace_all(t, U"»", U"\"");
  // Pseudo-spaces: NBSP before punctuation and units.
  const std::u32string nbsp(1, kNbsp);
  replace_all(t, nbsp + U"%", U"%");
  replace_all(t, U"nº" + nbsp, U"nº ");
  replace_all(t, nbsp + U":", U":");
  replace_all(t, nbsp + U"ºC", U" ºC");
  replace_all(t, nbsp + U"cm", U" cm");
  replace_all(t, nbsp + U"?", U"?");
  replace_all(t, nbsp + U"!", U"!");
  replace_all(t, nbsp + U";", U";");
  replace_all(t, U"," + nbsp, U", ");
  squeeze_spaces(t);

  if (lang == "en") {
    // English "quotation," style: s/\"([,\.]+)/$1\"/g
    std::u32string out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::size_t j = i + 1;
      while (t[i] == '"' && j < t.size() && (t[j] == ',' || t[j] == '.')) ++j;
      if (t[i] == '"' && j > i + 1) {
        out.append(t, i + 1, j - i - 1);
        out += '"';
        i = j - 1;
      } else {
        out += t[i];
      }
    }
    t.swap(out);
  } else if (lang != "cs" && lang != "cz") {
    // German/French "quotation", style: s/,\"/\",/g; s/(\.+)\"(\s*[^<])/\"$1$2/g
    replace_all(t, U",\"", U"\",");
    std::u32string out;
    out.reserve(t.size());
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::size_t j = i;
      while (j < t.size() && t[j] == '.') ++j;
      // The character after the quote (the line's "\n" at the end) must not be '<'.
      if (j > i && j < t.size() && t[j] == '"' && (j + 1 == t.size() || t[j + 1] != '<')) {
        out += '"';
        out.append(t, i, j - i);
        i = j;
        if (i + 1 < t.size()) out += t[++i];  // consumed by [^<]
      } else if (j > i) {
        out.append(t, i, j - i);
        i = j - 1;
      } else {
        out += t[i];
      }
    }
    t.swap(out);
  }
  // Digit groups separated by NBSP: "1 000" -> "1,000" (de, es, cs, fr) or "1.000".
  const char32_t separator = (lang == "de" || lang == "es" || lang == "cz" || lang == "cs" || lang == "fr") ? ',' : '.';
  std::size_t consumed = 0;  // Perl's matches do not overlap: "1 2 3" -> "1,2 3"
  for (std::size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == kNbsp && i - 1 >= consumed && is_digit(t[i - 1]) && is_digit(t[i + 1])) {
      t[i] = separator;
      consumed = i + 2;
    }
  }
  return utf8::encode(t);
}

}  // namespace mtbench
