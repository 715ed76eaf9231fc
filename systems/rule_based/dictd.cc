#include "systems/rule_based/dictd.h"

#include <cctype>

#include <algorithm>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

// dictd writes numbers in base 64 with this digit order (dictd's b64_encode).
int dictd_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Removes every "<...>" and "[...]" span, and "(...)" when `parentheses`.
std::string strip_brackets(std::string_view text, bool parentheses) {
  std::string out;
  int angle = 0, square = 0, round = 0;
  for (char c : text) {
    if (c == '<')
      ++angle;
    else if (c == '[')
      ++square;
    else if (c == '(' && parentheses)
      ++round;
    else if (c == '>' && angle > 0)
      --angle;
    else if (c == ']' && square > 0)
      --square;
    else if (c == ')' && round > 0)
      --round;
    else if (angle == 0 && square == 0 && round == 0)
      out += c;
  }
  return out;
}

// The {...} items of a "see:" or "Synonyms:" line.
std::vector<std::string> braced_items(std::string_view line) {
  std::vector<std::string> items;
  std::size_t pos = 0;
  while ((pos = line.find('{', pos)) != std::string_view::npos) {
    const std::size_t end = line.find('}', pos);
    if (end == std::string_view::npos) break;
    items.emplace_back(line.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  return items;
}

// Reads "<neut, n, sg>" style grammar into pos/gender/plural.
void parse_grammar(std::string_view grammar, DictEntry& entry) {
  for (const std::string& raw : split(grammar, ',')) {
    const std::string item = trim(raw);
    if (item == "masc" || item == "fem" || item == "neut") {
      if (entry.gender.empty()) entry.gender = item;
    } else if (item == "pl") {
      entry.plural = true;
    } else if (item == "n" || item == "v" || item == "adj" || item == "adv" || item == "art" || item == "pron" ||
               item == "prep" || item == "conj" || item == "num" || item == "int") {
      if (entry.pos.empty()) entry.pos = item;
    }
  }
  // "<pl>" alone marks a plural noun form in FreeDict.
  if (entry.plural && entry.pos.empty()) entry.pos = "n";
}

}  // namespace

std::uint64_t decode_dictd_number(std::string_view digits, std::string_view context) {
  if (digits.empty()) fail<DataError>("{}: empty dictd number", context);
  std::uint64_t value = 0;
  for (char c : digits) {
    const int d = dictd_digit(c);
    if (d < 0) fail<DataError>("{}: invalid dictd base64 digit '{}' in '{}'", context, c, digits);
    if (value > (std::uint64_t{1} << 57)) fail<DataError>("{}: dictd number '{}' too large", context, digits);
    value = value * 64 + static_cast<std::uint64_t>(d);
  }
  return value;
}

std::vector<DictdIndexEntry> read_dictd_index(const std::filesystem::path& path) {
  std::vector<DictdIndexEntry> entries;
  for_each_line(path, [&](std::string_view line, std::size_t number) {
    if (line.empty()) return;
    const std::size_t t1 = line.find('\t');
    const std::size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string_view::npos)
      fail<DataError>("{}:{}: expected 'headword<TAB>offset<TAB>length'", path.string(), number);
    const std::string context = fmt::format("{}:{}", path.string(), number);
    DictdIndexEntry entry;
    entry.headword = std::string(line.substr(0, t1));
    entry.offset = decode_dictd_number(line.substr(t1 + 1, t2 - t1 - 1), context);
    std::string_view length = line.substr(t2 + 1);
    if (const std::size_t t3 = length.find('\t'); t3 != std::string_view::npos) length = length.substr(0, t3);
    entry.length = decode_dictd_number(length, context);
    entries.push_back(std::move(entry));
  });
  return entries;
}

std::string read_dictd_body(const std::filesystem::path& path) {
  return read_file(path);
}

std::vector<std::string> clean_translations(std::string_view line) {
  // Split on top-level commas and semicolons first (parenthesised text may hold commas).
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : line) {
    if (c == '(' || c == '[' || c == '<') ++depth;
    if ((c == ')' || c == ']' || c == '>') && depth > 0) --depth;
    if ((c == ',' || c == ';') && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);

  std::vector<std::string> out;
  for (const std::string& part : parts) {
    std::string text = strip_brackets(part, /*parentheses=*/true);
    std::vector<std::string> words;
    for (const std::string& w : split(text, ' ')) {
      // Placeholders of the Ding data carry no translation of their own.
      if (w.empty() || w == "sth." || w == "sb." || w == "so." || w == "sth" || w == "sb" || w == "…") continue;
      words.push_back(w);
    }
    std::string joined = join(words, " ");
    // "reach to a place/as far as a place": keep the first alternative of a slash.
    if (const std::size_t slash = joined.find('/'); slash != std::string::npos && joined.size() > 1)
      joined = trim(joined.substr(0, slash));
    if (joined.empty() || std::find(out.begin(), out.end(), joined) != out.end()) continue;
    out.push_back(joined);
  }
  return out;
}

DictEntry parse_dict_entry(std::string_view text) {
  DictEntry entry;
  const std::vector<std::string> lines = split(text, '\n');
  if (lines.empty()) return entry;
  // Line 1: headword [/pronunciation/] [<grammar>].
  std::string head = lines[0];
  if (const std::size_t lt = head.rfind('<'); lt != std::string::npos && head.back() == '>') {
    parse_grammar(std::string_view(head).substr(lt + 1, head.size() - lt - 2), entry);
    head.erase(lt);
  }
  if (const std::size_t slash = head.find(" /"); slash != std::string::npos) head.erase(slash);
  head = trim(head);
  const std::string ellipsis = "…";
  if (head.size() >= ellipsis.size() && head.compare(head.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
    entry.prefix_form = true;
    head = trim(head.substr(0, head.size() - ellipsis.size()));
  }
  entry.headword = head;
  // Translations: line 2, or the numbered senses "1. ...", "2. ..." of the newer FreeDict
  // dictionaries (fra-eng), each in turn.
  auto sense_number = [](const std::string& line) {
    std::size_t digits = 0;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    return digits > 0 && digits + 1 < line.size() && line[digits] == '.' && line[digits + 1] == ' ' ? digits + 2 : 0;
  };
  std::size_t next = 2;
  if (lines.size() > 1) {
    const std::string first = trim(lines[1]);
    if (const std::size_t skip = sense_number(first); skip > 0) {
      entry.translations = clean_translations(std::string_view(first).substr(skip));
      for (; next < lines.size(); ++next) {
        const std::string line = trim(lines[next]);
        const std::size_t n = sense_number(line);
        if (n == 0) break;
        for (auto& t : clean_translations(std::string_view(line).substr(n)))
          if (std::find(entry.translations.begin(), entry.translations.end(), t) == entry.translations.end())
            entry.translations.push_back(std::move(t));
      }
    } else {
      entry.translations = clean_translations(lines[1]);
    }
  }
  for (std::size_t i = next; i < lines.size(); ++i) {
    const std::string line = trim(lines[i]);
    if (line.rfind("see:", 0) == 0) {
      for (auto& item : braced_items(line)) entry.see.push_back(std::move(item));
    } else if (line.rfind("Synonym", 0) == 0) {
      for (auto& item : braced_items(line)) entry.synonyms.push_back(std::move(item));
    }
  }
  return entry;
}

}  // namespace mtbench::rule_based
