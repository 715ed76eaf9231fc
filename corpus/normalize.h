#pragma once
// Text normalization before tokenization: Unicode normalization forms (ICU) and Moses'
// punctuation normalization (the behaviour of scripts/tokenizer/normalize-punctuation.perl).

#include <string>
#include <string_view>

namespace mtbench {

// Unicode normalization forms (UAX #15).
enum class UnicodeForm {
  kNone,  // leave the text as it is
  kNFC,   // canonical composition (the usual storage form)
  kNFD,   // canonical decomposition
  kNFKC,  // compatibility composition (folds ligatures, full-width forms, superscripts)
  kNFKD,  // compatibility decomposition
};

// Parses "none", "nfc", "nfd", "nfkc", "nfkd" (any case); throws ConfigError otherwise.
UnicodeForm parse_unicode_form(std::string_view name);
// The lower-case name of `form`.
std::string unicode_form_name(UnicodeForm form);

// Normalizes valid UTF-8 `text` to `form` with ICU. Throws DataError on invalid UTF-8.
std::string unicode_normalize(std::string_view text, UnicodeForm form);

// Options of normalize_punctuation (normalize-punctuation.perl flags in parentheses).
struct PunctuationOptions {
  std::string lang = "en";  // language (-l): quote/comma order and the digit-group separator
  bool penn = false;        // keep ` and '' as they are (-penn)
};

// Moses' punctuation normalization: typographic quotes and dashes to ASCII, spaces around
// brackets and before : ; ? ! % fixed, NBSP pseudo-spaces resolved, "…" to "...", and the
// language's placement of commas and periods relative to closing quotes.
std::string normalize_punctuation(std::string_view text, const PunctuationOptions& options = {});

}  // namespace mtbench
