#pragma once
// Small string helpers of the rule-based system (German lowercasing without ICU so that the
// hot lookup path stays allocation-light; covers ASCII, Latin-1 letters and ẞ).

#include <string>
#include <string_view>
#include <vector>

namespace mtbench::rule_based {

// Lowercases ASCII and Latin-1 Supplement letters (Ä -> ä, ...); other text is unchanged.
std::string lower(std::string_view text);
// Uppercases the first letter (ASCII or Latin-1), e.g. "über" -> "Über".
std::string capitalize(std::string_view text);
// True when the first character is an uppercase letter (ASCII or Latin-1).
bool starts_upper(std::string_view text);
// True when the text has at least one letter and no uppercase letters.
bool is_lowercase_word(std::string_view text);
// True when every character is ASCII punctuation or a typographic quote/dash.
bool is_punctuation(std::string_view text);
// True when the token is a number (digits with optional . , separators).
bool is_number(std::string_view text);
// Splits on a separator character (empty fields kept).
std::vector<std::string> split(std::string_view text, char separator);
// Joins with a separator.
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// Removes leading and trailing spaces and tabs.
std::string trim(std::string_view text);
// True when `text` ends with `suffix`.
bool ends_with(std::string_view text, std::string_view suffix);
// True when `text` starts with `prefix`.
bool starts_with(std::string_view text, std::string_view prefix);

}  // namespace mtbench::rule_based
