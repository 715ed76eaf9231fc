// Truecasing after Moses' scripts/recaser/train-truecaser.perl, truecase.perl and
// detruecase.perl, on tokenized text (tokens separated by spaces).
//
// Differences from the Perl scripts:
// - ties between casings are broken deterministically (higher count, then the lower-case
//   form, then the byte-wise smaller string) where Perl depends on hash order;
// - lowercasing uses ICU's root-locale full case mapping (Perl's lc is close to it);
// - XML markup inside lines (split_xml) is not interpreted: every space-separated token is a word.

#include "corpus/truecaser.h"

#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <sstream>

#include "base/error.h"
#include "base/text_file.h"
#include "base/utf8.h"
#include "corpus/tokenizer.h"

namespace mtbench {
namespace {

// Perl: %SENTENCE_END and %DELAYED_SENTENCE_START of the truecasing scripts.
bool is_sentence_end(std::string_view token) {
  return token == "." || token == ":" || token == "?" || token == "!";
}

bool is_delayed_sentence_start(std::string_view token) {
  return token == "(" || token == "[" || token == "\"" || token == "'" || token == "&apos;" || token == "&quot;" ||
         token == "&#91;" || token == "&#93;";
}

// Splits "word|factor|factor" into the word and the factor suffix (truecase.perl).
std::pair<std::string_view, std::string_view> split_factors(std::string_view token) {
  const std::size_t bar = token.find('|');
  if (bar == std::string_view::npos || bar == 0) return {token, {}};
  return {token.substr(0, bar), token.substr(bar)};
}

// Whether `a` (count ca) beats `b` (count cb) as the best casing of one word.
bool better(const std::string& a, long ca, const std::string& b, long cb) {
  if (ca != cb) return ca > cb;
  const bool a_lower = to_lower(a) == a, b_lower = to_lower(b) == b;
  if (a_lower != b_lower) return a_lower;
  return a < b;
}

}  // namespace

std::string to_lower(std::string_view text) {
  // ASCII fast path: most tokens need no ICU round trip.
  if (std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; })) {
    std::string out(text);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    }
    return out;
  }
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  s.toLower(icu::Locale::getRoot());
  std::string out;
  s.toUTF8String(out);
  return out;
}

void Truecaser::train(const std::vector<std::string>& tokenized_sentences) {
  for (const auto& sentence : tokenized_sentences) {
    const auto tokens = split_whitespace(sentence);
    bool sentence_start = true;
    for (const auto& token : tokens) {
      if (sentence_start && is_delayed_sentence_start(token)) continue;
      // Sentence-initial words are capitalized by convention, so they are recorded with
      // weight 0: the casing becomes known, but only mid-sentence evidence counts.
      counts_[to_lower(token)][token] += sentence_start ? 0 : 1;
      sentence_start = is_sentence_end(token);
    }
  }
  best_.clear();
  for (const auto& [lower, casings] : counts_) {
    const std::pair<const std::string, long>* best = nullptr;
    for (const auto& entry : casings) {
      if (!best || better(entry.first, entry.second, best->first, best->second)) best = &entry;
    }
    best_[lower] = best->first;
  }
}

std::string Truecaser::best_case(std::string_view word) const {
  const auto it = best_.find(to_lower(word));
  return it == best_.end() ? std::string(word) : it->second;
}

std::vector<std::string> Truecaser::truecase(const std::vector<std::string>& tokens) const {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  bool sentence_start = true;
  for (const auto& token : tokens) {
    const auto [word, factors] = split_factors(token);
    const std::string lower = to_lower(word);
    const auto best = best_.find(lower);
    std::string cased;
    if (best != best_.end() && sentence_start) {
      cased = best->second;  // sentence start: the most frequent casing
    } else if (const auto known = counts_.find(lower);
               known != counts_.end() && known->second.count(std::string(word))) {
      cased = word;  // a casing seen in training is left alone
    } else if (best != best_.end()) {
      cased = best->second;  // an unseen casing of a known word
    } else {
      cased = word;  // unknown word
    }
    out.push_back(cased + std::string(factors));
    if (is_sentence_end(word)) {
      sentence_start = true;
    } else if (!is_delayed_sentence_start(word)) {
      sentence_start = false;
    }
  }
  return out;
}

std::vector<std::string> Truecaser::detruecase(const std::vector<std::string>& tokens) const {
  std::vector<std::string> out;
  out.reserve(tokens.size());
  bool sentence_start = true;
  for (const auto& token : tokens) {
    std::string word = token;
    if (sentence_start && !word.empty()) {
      std::size_t pos = 0;
      const char32_t first = utf8::next(word, pos);
      if (u_isULowercase(static_cast<UChar32>(first))) {
        // Title case, not upper case, for digraphs such as "ǆ" -> "ǅ".
        std::string head;
        utf8::append(head, static_cast<char32_t>(u_totitle(static_cast<UChar32>(first))));
        word = head + word.substr(pos);
      }
    }
    out.push_back(std::move(word));
    if (is_sentence_end(token)) {
      sentence_start = true;
    } else if (!is_delayed_sentence_start(token)) {
      sentence_start = false;
    }
  }
  return out;
}

void Truecaser::save(const std::filesystem::path& path) const {
  std::vector<std::string> keys;
  keys.reserve(counts_.size());
  for (const auto& entry : counts_) keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end());  // deterministic files
  std::string content;
  for (const auto& key : keys) {
    const auto& casings = counts_.at(key);
    const std::string& best = best_.at(key);
    long total = 0;
    for (const auto& entry : casings) total += entry.second;
    content += fmt::format("{} ({}/{})", best, casings.at(best), total);
    std::vector<std::string> others;
    for (const auto& entry : casings) {
      if (entry.first != best) others.push_back(entry.first);
    }
    std::sort(others.begin(), others.end());
    for (const auto& other : others) content += fmt::format(" {} ({})", other, casings.at(other));
    content += '\n';
  }
  write_file_atomic(path, content);
}

void Truecaser::load(const std::filesystem::path& path) {
  std::unordered_map<std::string, std::string> best;
  std::unordered_map<std::string, std::unordered_map<std::string, long>> counts;
  // Sized for the file's lines (about 20 bytes each) up front: at a million training pairs the
  // model has 200,000 words, and growing the maps rehashed them a dozen times.
  std::error_code ignored;
  const auto bytes = std::filesystem::file_size(path, ignored);
  if (!ignored) {
    best.reserve(bytes / 20);
    counts.reserve(bytes / 20);
  }
  for_each_line(path, [&](std::string_view line, std::size_t line_number) {
    const auto fields = split_whitespace(line);
    if (fields.empty()) return;
    // "word (count/total) variant (count) ...": an odd number of fields.
    if (fields.size() % 2 != 0) {
      fail<DataError>("{}:{}: truecaser model line has {} fields; expected 'word (count/total) variant (count) ...'",
                      path.string(), line_number, fields.size());
    }
    const auto parse_count = [&](const std::string& field, bool with_total) -> long {
      const bool ok = field.size() >= 3 && field.front() == '(' && field.back() == ')' &&
                      (!with_total || field.find('/') != std::string::npos);
      if (ok) {
        try {
          return std::stol(field.substr(1));
        } catch (const std::exception&) {
        }
      }
      fail<DataError>("{}:{}: bad count '{}' in truecaser model", path.string(), line_number, field);
    };
    const std::string lower = to_lower(fields[0]);
    best[lower] = fields[0];
    auto& casings = counts[lower];
    casings[fields[0]] = parse_count(fields[1], true);
    for (std::size_t i = 2; i + 1 < fields.size(); i += 2) casings[fields[i]] = parse_count(fields[i + 1], false);
  });
  best_ = std::move(best);
  counts_ = std::move(counts);
}

}  // namespace mtbench
