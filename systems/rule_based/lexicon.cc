#include "systems/rule_based/lexicon.h"

#include <algorithm>
#include <cstring>
#include <numeric>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/rule_based/dictd.h"
#include "systems/rule_based/text_util.h"

namespace mtbench::rule_based {
namespace {

constexpr char kMagic[8] = {'M', 'T', 'B', 'R', 'L', 'E', 'X', '1'};

void put_u32(std::string& out, std::uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}
void put_str(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// Bounds-checked reader over the loaded file.
class Reader {
 public:
  Reader(std::string data, std::string name) : data_(std::move(data)), name_(std::move(name)) {}
  std::uint32_t u32() {
    need(4);
    std::uint32_t v;
    std::memcpy(&v, data_.data() + pos_, 4);
    pos_ += 4;
    return v;
  }
  std::string str() {
    const std::uint32_t n = u32();
    need(n);
    std::string s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  void expect_magic() {
    need(sizeof(kMagic));
    if (std::memcmp(data_.data(), kMagic, sizeof(kMagic)) != 0)
      fail<DataError>("{}: not a rule-based lexicon index (bad magic)", name_);
    pos_ = sizeof(kMagic);
  }
  bool at_end() const { return pos_ == data_.size(); }
  const std::string& name() const { return name_; }

 private:
  void need(std::size_t n) const {
    if (data_.size() - pos_ < n)
      fail<DataError>("{}: truncated lexicon index (need {} bytes at offset {}, file has {})", name_, n, pos_,
                      data_.size());
  }
  std::string data_;
  std::string name_;
  std::size_t pos_ = 0;
};

bool contains_ci(const std::vector<std::string>& items, const std::string& lowered) {
  return std::any_of(items.begin(), items.end(), [&](const std::string& s) { return lower(s) == lowered; });
}

}  // namespace

void Lexicon::add(LexEntry entry) {
  entries_.push_back(std::move(entry));
}

void Lexicon::finalize() {
  std::vector<std::string> keys(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) keys[i] = lower(entries_[i].headword);
  std::vector<std::uint32_t> order(entries_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return keys[a] < keys[b]; });
  std::vector<LexEntry> sorted;
  sorted.reserve(entries_.size());
  index_.clear();
  index_.reserve(entries_.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const std::string& key = keys[order[i]];
    auto [it, inserted] = index_.try_emplace(key, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i + 1));
    if (!inserted) it->second.second = static_cast<std::uint32_t>(i + 1);
    sorted.push_back(std::move(entries_[order[i]]));
  }
  entries_ = std::move(sorted);
}

std::pair<const LexEntry*, const LexEntry*> Lexicon::lookup(std::string_view key) const {
  const auto it = index_.find(std::string(key));
  if (it == index_.end()) return {nullptr, nullptr};
  return {entries_.data() + it->second.first, entries_.data() + it->second.second};
}

bool Lexicon::has(std::string_view key, std::string_view pos) const {
  auto [b, e] = lookup(key);
  for (auto* p = b; p != e; ++p)
    if (pos.empty() || p->pos == pos) return true;
  return false;
}

std::uint32_t Lexicon::target_count(std::string_view word) const {
  const auto it = counts_.find(std::string(word));
  return it == counts_.end() ? 0 : it->second;
}

std::uint64_t Lexicon::target_total() const {
  std::uint64_t total = 0;
  for (const auto& [w, c] : counts_) total += c;
  return total;
}

Lexicon Lexicon::from_dictd(const std::filesystem::path& index_path, const std::filesystem::path& dict_path,
                            const DictdBuildOptions& options, Progress* progress) {
  const std::vector<DictdIndexEntry> index = read_dictd_index(index_path);
  const std::string body = read_dictd_body(dict_path);
  if (progress) progress->begin("parse dictionary", index.size(), "entry");
  std::vector<DictEntry> parsed;
  parsed.reserve(index.size());
  for (const DictdIndexEntry& item : index) {
    if (progress) progress->advance();
    if (starts_with(item.headword, "00database") || starts_with(item.headword, "00-database")) continue;
    if (item.offset + item.length > body.size())
      fail<DataError>("{}: entry '{}' points past the end of {} (offset {} + length {} > {} bytes)",
                      index_path.string(), item.headword, dict_path.string(), item.offset, item.length, body.size());
    DictEntry entry = parse_dict_entry(std::string_view(body).substr(item.offset, item.length));
    if (entry.translations.empty() || entry.headword.empty()) continue;
    if (static_cast<int>(split(entry.headword, ' ').size()) > options.max_headword_words) continue;
    parsed.push_back(std::move(entry));
  }
  if (progress) progress->end();

  // Inflected forms (no part of speech, or plural nouns) point to their lemma and the lemma
  // points back; only such mutual links are trusted, since "see" also lists related words.
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_key;
  by_key.reserve(parsed.size());
  for (std::uint32_t i = 0; i < parsed.size(); ++i) by_key[lower(parsed[i].headword)].push_back(i);
  Lexicon lexicon;
  for (DictEntry& entry : parsed) {
    LexEntry out;
    out.headword = entry.headword;
    out.pos = entry.pos;
    out.gender = entry.gender;
    out.plural = entry.plural;
    out.prefix_form = entry.prefix_form;
    if ((entry.pos.empty() || entry.plural) && !entry.prefix_form) {
      const std::string self = lower(entry.headword);
      for (const std::string& ref : entry.see) {
        if (ref.find(' ') != std::string::npos) continue;
        const auto it = by_key.find(lower(ref));
        if (it == by_key.end()) continue;
        for (std::uint32_t j : it->second) {
          const DictEntry& lemma = parsed[j];
          if (lemma.pos.empty() || lemma.plural || lemma.prefix_form) continue;
          if (!contains_ci(lemma.see, self)) continue;
          out.lemma = lemma.headword;
          if (out.pos.empty()) out.pos = lemma.pos;
          break;
        }
        if (!out.lemma.empty()) break;
      }
    }
    out.translations = std::move(entry.translations);
    lexicon.add(std::move(out));
  }
  lexicon.finalize();
  return lexicon;
}

Lexicon Lexicon::inverted(const Lexicon& reverse) {
  Lexicon out;
  for (const LexEntry& e : reverse.entries()) {
    if (!e.lemma.empty() || e.prefix_form || e.headword.empty()) continue;  // inflected forms: their lemma suffices
    for (const std::string& translation : e.translations) {
      std::string t = translation;
      // "(název opery ...)" and similar notes.
      for (std::size_t open; (open = t.find('(')) != std::string::npos;) {
        const std::size_t close = t.find(')', open);
        t.erase(open, close == std::string::npos ? std::string::npos : close - open + 1);
      }
      t = trim(t);
      if (t.empty() || split(t, ' ').size() > 3) continue;
      LexEntry entry;
      entry.headword = t;
      entry.pos = e.pos;
      entry.translations.push_back(e.headword);
      out.add(std::move(entry));
    }
  }
  out.finalize();
  return out;
}

Lexicon Lexicon::merged(const Lexicon& first, const Lexicon& second) {
  Lexicon out;
  for (const LexEntry& e : first.entries()) out.add(e);
  for (const LexEntry& e : second.entries()) out.add(e);
  out.finalize();
  return out;
}

Lexicon Lexicon::from_tsv(const std::filesystem::path& path) {
  Lexicon lexicon;
  for_each_line(path, [&](std::string_view line, std::size_t number) {
    const std::string text = trim(line);
    if (text.empty() || text[0] == '#') return;
    const std::vector<std::string> fields = split(line, '\t');
    if (fields.size() < 2 || trim(fields[0]).empty() || trim(fields[1]).empty())
      fail<DataError>("{}:{}: expected 'source<TAB>target[<TAB>pos]', got '{}'", path.string(), number, line);
    LexEntry entry;
    entry.headword = trim(fields[0]);
    entry.translations.push_back(trim(fields[1]));
    if (fields.size() > 2) entry.pos = trim(fields[2]);
    if (entry.pos == "pl") {
      entry.pos = "n";
      entry.plural = true;
    }
    lexicon.add(std::move(entry));
  });
  lexicon.finalize();
  return lexicon;
}

void Lexicon::save(const std::filesystem::path& path) const {
  std::string out(kMagic, sizeof(kMagic));
  put_u32(out, static_cast<std::uint32_t>(entries_.size()));
  for (const LexEntry& e : entries_) {
    put_str(out, e.headword);
    put_str(out, e.pos);
    put_str(out, e.gender);
    put_u32(out, (e.plural ? 1u : 0u) | (e.prefix_form ? 2u : 0u));
    put_str(out, e.lemma);
    put_u32(out, static_cast<std::uint32_t>(e.translations.size()));
    for (const std::string& t : e.translations) put_str(out, t);
  }
  std::vector<std::pair<std::string, std::uint32_t>> counts(counts_.begin(), counts_.end());
  std::sort(counts.begin(), counts.end());
  put_u32(out, static_cast<std::uint32_t>(counts.size()));
  for (const auto& [w, c] : counts) {
    put_str(out, w);
    put_u32(out, c);
  }
  write_file_atomic(path, out);
}

Lexicon Lexicon::load(const std::filesystem::path& path) {
  Reader in(read_file(path), path.string());
  in.expect_magic();
  Lexicon lexicon;
  const std::uint32_t n = in.u32();
  lexicon.entries_.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    LexEntry e;
    e.headword = in.str();
    e.pos = in.str();
    e.gender = in.str();
    const std::uint32_t flags = in.u32();
    e.plural = flags & 1u;
    e.prefix_form = flags & 2u;
    e.lemma = in.str();
    const std::uint32_t t = in.u32();
    if (t > 100000) fail<DataError>("{}: corrupt lexicon index ({} translations for '{}')", in.name(), t, e.headword);
    e.translations.reserve(t);
    for (std::uint32_t k = 0; k < t; ++k) e.translations.push_back(in.str());
    lexicon.entries_.push_back(std::move(e));
  }
  const std::uint32_t v = in.u32();
  lexicon.counts_.reserve(v);
  for (std::uint32_t i = 0; i < v; ++i) {
    std::string w = in.str();
    lexicon.counts_[std::move(w)] = in.u32();
  }
  if (!in.at_end()) fail<DataError>("{}: trailing bytes after the lexicon index", in.name());
  lexicon.finalize();  // entries were saved sorted, so this only rebuilds the hash index
  return lexicon;
}

}  // namespace mtbench::rule_based
