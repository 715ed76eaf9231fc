#pragma once
// English generation helpers: regular inflection with the common irregular cases, and the
// a/an choice. Multi-word verbs ("look at") inflect their first word.

#include <string>
#include <string_view>

namespace mtbench::rule_based::english {

// Third person singular present: "play" -> "plays", "watch" -> "watches", "be" -> "is".
std::string third_singular(std::string_view base);
// Present participle: "sit" -> "sitting", "make" -> "making", "lie" -> "lying".
std::string ing_form(std::string_view base);
// Regular plural of a noun phrase's last word: "dog" -> "dogs", "man" -> "men".
std::string plural(std::string_view noun);
// "an" when `next_word` starts with a vowel sound ("an apple", "a uniform", "an hour").
bool wants_an(std::string_view next_word);

}  // namespace mtbench::rule_based::english
