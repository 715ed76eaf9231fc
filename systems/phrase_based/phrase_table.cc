#include "systems/phrase_based/phrase_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/mapped_file.h"
#include "base/text_file.h"
#include "systems/phrase_based/phrase_table_file.h"

namespace mtbench::phrase_based {

// The mapped file with its header; shared by copies of a table (all reads are const).
struct PhraseTable::Mapped {
  MappedFile file;
  PhraseTableHeader header;
  std::string name;  // the path, for error messages

  std::string_view section(std::uint64_t begin, std::uint64_t end) const {
    return std::string_view(file.data() + begin, end - begin);
  }
  // Row `i` of the index: (key offset, entries offset), checked against the sections.
  std::pair<std::uint64_t, std::uint64_t> row(std::uint64_t i) const {
    std::uint64_t v[2];
    std::memcpy(v, file.data() + header.index_offset + i * 16, 16);
    if (v[0] > header.index_offset - header.keys_offset || v[1] > header.keys_offset - kPhraseTableHeaderBytes)
      fail<DataError>("{}: corrupt phrase table (index row {} points outside its sections)", name, i);
    return {v[0], v[1]};
  }
  std::string_view key(std::uint64_t i) const {
    const auto a = row(i).first, b = row(i + 1).first;
    if (b < a || b - a < sizeof(WordId) || (b - a) % sizeof(WordId) != 0)
      fail<DataError>("{}: corrupt phrase table (source phrase {} has a key of {} bytes)", name, i, b - a);
    return section(header.keys_offset + a, header.keys_offset + b);
  }
  std::string_view entries(std::uint64_t i) const {
    const auto a = row(i).second, b = row(i + 1).second;
    if (b < a) fail<DataError>("{}: corrupt phrase table (source phrase {} has entries of negative size)", name, i);
    return section(kPhraseTableHeaderBytes + a, kPhraseTableHeaderBytes + b);
  }
};

namespace {

std::string key_of(const WordId* words, int length) {
  return std::string(reinterpret_cast<const char*>(words), sizeof(WordId) * length);
}

void get_vocab(std::string_view bytes, std::size_t* pos, Vocab& v, const std::string& name) {
  auto get32 = [&]() {
    if (bytes.size() - *pos < 4) fail<DataError>("{}: truncated vocabulary", name);
    std::uint32_t x;
    std::memcpy(&x, bytes.data() + *pos, 4);
    *pos += 4;
    return x;
  };
  const auto n = get32();
  if (n > (bytes.size() - *pos) / 4) fail<DataError>("{}: corrupt vocabulary ({} words)", name, n);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto len = get32();
    if (len > bytes.size() - *pos) fail<DataError>("{}: truncated vocabulary", name);
    v.add(bytes.substr(*pos, len));
    *pos += len;
  }
  if (v.size() != n) fail<DataError>("{}: duplicate words in the vocabulary", name);
}

}  // namespace

PhraseTable::PhraseTable() = default;
PhraseTable::~PhraseTable() = default;
PhraseTable::PhraseTable(const PhraseTable&) = default;
PhraseTable& PhraseTable::operator=(const PhraseTable&) = default;
PhraseTable::PhraseTable(PhraseTable&&) noexcept = default;
PhraseTable& PhraseTable::operator=(PhraseTable&&) noexcept = default;

PhraseTable PhraseTable::load(const std::filesystem::path& path) {
  auto mapped = std::make_shared<Mapped>();
  mapped->name = path.string();
  mapped->file = MappedFile(path);
  mapped->header = parse_phrase_table_header(mapped->file.view(), mapped->name);
  const auto& h = mapped->header;
  PhraseTable table;
  const std::string_view vocab = mapped->section(h.vocab_offset, h.file_size);
  std::size_t pos = 0;
  get_vocab(vocab, &pos, table.source_vocab_, mapped->name);
  get_vocab(vocab, &pos, table.target_vocab_, mapped->name);
  if (pos != vocab.size())
    fail<DataError>("{}: {} trailing bytes after the phrase table", mapped->name, vocab.size() - pos);
  // The sentinel row must close both sections exactly: a cut or padded file fails here.
  const auto sentinel = mapped->row(h.num_sources);
  if (sentinel.first != h.index_offset - h.keys_offset || sentinel.second != h.keys_offset - kPhraseTableHeaderBytes)
    fail<DataError>("{}: corrupt phrase table (index does not end where its sections end)", mapped->name);
  table.max_source_length_ = static_cast<int>(h.max_source_length);
  table.mapped_ = std::move(mapped);
  return table;
}

bool PhraseTable::find(const WordId* words, int length, std::vector<PhraseEntry>* out) const {
  out->clear();
  const std::string key = key_of(words, length);
  if (mapped_) {
    // Binary search over the sorted keys.
    std::uint64_t lo = 0, hi = mapped_->header.num_sources;
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      const int c = mapped_->key(mid).compare(key);
      if (c == 0) {
        decode_phrase_entries(mapped_->entries(mid), target_vocab_.size(), mapped_->name, out);
        return true;
      }
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
    return false;
  }
  auto it = hand_made_.find(key);
  if (it == hand_made_.end()) return false;
  *out = it->second;
  return true;
}

void PhraseTable::release_pages() const {
  if (mapped_) mapped_->file.drop_pages_before(mapped_->file.size());
}

std::size_t PhraseTable::num_source_phrases() const {
  return mapped_ ? mapped_->header.num_sources : hand_made_.size();
}

std::size_t PhraseTable::num_pairs() const {
  if (mapped_) return mapped_->header.num_pairs;
  std::size_t n = 0;
  for (const auto& [k, v] : hand_made_) n += v.size();
  return n;
}

std::filesystem::path PhraseTable::file() const {
  return mapped_ && mapped_->file.is_same_file(mapped_->name) ? std::filesystem::path(mapped_->name)
                                                              : std::filesystem::path();
}

void PhraseTable::add(const std::vector<std::string>& source, const std::vector<std::string>& target,
                      const std::array<float, 4>& scores, const std::array<float, 6>& reordering) {
  if (mapped_) fail<Error>("phrase table: entries cannot be added to a table read from {}", mapped_->name);
  std::vector<WordId> s;
  for (const auto& w : source) s.push_back(source_vocab_.add(w));
  PhraseEntry entry;
  for (const auto& w : target) entry.target.push_back(target_vocab_.add(w));
  entry.scores = scores;
  entry.reordering = reordering;
  entry.count = 1;
  hand_made_[key_of(s.data(), static_cast<int>(s.size()))].push_back(std::move(entry));
  max_source_length_ = std::max<int>(max_source_length_, s.size());
}

void PhraseTable::for_each(const std::function<void(std::string_view, const std::vector<PhraseEntry>&)>& visit) const {
  if (!mapped_) {
    for (const auto& [k, v] : hand_made_) visit(k, v);
    return;
  }
  std::vector<PhraseEntry> entries;
  for (std::uint64_t i = 0; i < mapped_->header.num_sources; ++i) {
    decode_phrase_entries(mapped_->entries(i), target_vocab_.size(), mapped_->name, &entries);
    visit(mapped_->key(i), entries);
  }
}

void PhraseTable::save(const std::filesystem::path& path) const {
  if (mapped_ && mapped_->file.is_same_file(mapped_->name)) {
    // A kernel copy (nothing when built in place): the table's pages are not read in here.
    copy_file_atomic(mapped_->name, path);
    return;
  }
  PhraseTableWriter writer(path, source_vocab_, target_vocab_);
  for_each([&](std::string_view key, const std::vector<PhraseEntry>& entries) { writer.add(key, entries); });
  writer.finish();
}

void PhraseTable::dump_text(const std::filesystem::path& phrase_table, const std::filesystem::path& reordering) const {
  // Text order is by the source phrase's words, not by key bytes: collect the keys' texts first
  // (one string per source phrase), then stream the entries in that order.
  std::vector<std::pair<std::string, std::string>> rows;  // (source text, key)
  for_each([&](std::string_view k, const std::vector<PhraseEntry>&) {
    std::string src;
    for (std::size_t i = 0; i < k.size() / sizeof(WordId); ++i) {
      WordId w;
      std::memcpy(&w, k.data() + i * sizeof(WordId), sizeof(WordId));
      if (i) src += ' ';
      src += source_vocab_.word(w);
    }
    rows.emplace_back(std::move(src), std::string(k));
  });
  std::sort(rows.begin(), rows.end());
  AtomicOutputFile pt(phrase_table);
  std::unique_ptr<AtomicOutputFile> rt;
  if (!reordering.empty()) rt = std::make_unique<AtomicOutputFile>(reordering);
  std::vector<PhraseEntry> entries;
  for (const auto& [src, key] : rows) {
    std::vector<WordId> words(key.size() / sizeof(WordId));
    std::memcpy(words.data(), key.data(), key.size());
    find(words.data(), static_cast<int>(words.size()), &entries);
    for (const auto& e : entries) {
      std::string tgt;
      for (std::size_t i = 0; i < e.target.size(); ++i) tgt += (i ? " " : "") + target_vocab_.word(e.target[i]);
      pt.stream() << fmt::format("{} ||| {} ||| {:.6g} {:.6g} {:.6g} {:.6g} ||| {} ||| {:g}\n", src, tgt,
                                 std::exp(e.scores[0]), std::exp(e.scores[1]), std::exp(e.scores[2]),
                                 std::exp(e.scores[3]), format_pharaoh(e.alignment), e.count);
      if (rt) {
        std::string probs;
        for (float r : e.reordering) probs += fmt::format("{}{:.6g}", probs.empty() ? "" : " ", std::exp(r));
        rt->stream() << fmt::format("{} ||| {} ||| {}\n", src, tgt, probs);
      }
    }
  }
  pt.commit();
  if (rt) rt->commit();
}

}  // namespace mtbench::phrase_based
