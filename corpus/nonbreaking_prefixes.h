#pragma once
// Non-breaking prefixes for the Moses-compatible tokenizer: words that keep their final
// period ("Mr.", "z.B", "etc.") instead of having it split off as sentence punctuation.
// The lists are our own (not copied from Moses' nonbreaking_prefix.* files) but follow the
// same conventions: a prefix either always keeps its period, or keeps it only before a
// number (Moses' "#NUMERIC_ONLY#" entries such as "No. 5", "Art. 3", "Nr. 7").

#include <string>
#include <string_view>
#include <unordered_map>

namespace mtbench {

// How a prefix protects its period.
enum class PrefixKind {
  kNone,         // not a prefix: the period is split off
  kAlways,       // always keeps its period ("Mr.", "Dr.", "etc.")
  kNumericOnly,  // keeps its period only when the next word starts with a digit ("No. 5")
};

// The prefix set of one language.
class NonbreakingPrefixes {
 public:
  // Builds the set from Moses-format text: one prefix per line, "#" starts a comment line,
  // a line containing "#NUMERIC_ONLY#" marks a numeric-only prefix, empty lines ignored.
  static NonbreakingPrefixes parse(std::string_view moses_format_text);

  PrefixKind kind(std::string_view word) const;
  std::size_t size() const { return prefixes_.size(); }

 private:
  std::unordered_map<std::string, PrefixKind> prefixes_;  // prefix (without period) -> kind
};

// The built-in set for `lang` ("en", "de", "fr", "cs"); like tokenizer.perl, any other
// language falls back to the English list. Built once, then shared (thread-safe).
const NonbreakingPrefixes& nonbreaking_prefixes(std::string_view lang);

}  // namespace mtbench
