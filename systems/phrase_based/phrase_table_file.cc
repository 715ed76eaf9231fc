#include "systems/phrase_based/phrase_table_file.h"

#include <cstring>
#include <fstream>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::phrase_based {
namespace {

template <typename T>
void put(std::string* out, T value) {
  out->append(reinterpret_cast<const char*>(&value), sizeof(T));
}
template <typename T>
void put(std::ostream& out, T value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

// Bounds-checked little-endian reading of a byte range.
struct Cursor {
  std::string_view bytes;
  std::size_t pos = 0;
  const std::string& name;
  template <typename T>
  T get() {
    if (bytes.size() - pos < sizeof(T))
      fail<DataError>("{}: corrupt phrase table (record cut short at byte {} of {})", name, pos, bytes.size());
    T v;
    std::memcpy(&v, bytes.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
};

void put_vocab(std::ostream& out, const Vocab& v) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(v.size()));
  for (const auto& w : v.words()) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(w.size()));
    out.write(w.data(), static_cast<std::streamsize>(w.size()));
  }
}

// Appends the contents of `from` to `to`.
void append_file(const std::filesystem::path& from, std::ostream& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) fail<Error>("cannot read {}", from.string());
  if (in.peek() != std::ifstream::traits_type::eof()) to << in.rdbuf();
}

}  // namespace

PhraseTableHeader parse_phrase_table_header(std::string_view bytes, const std::string& name) {
  if (bytes.size() < kPhraseTableHeaderBytes || std::memcmp(bytes.data(), kPhraseTableMagic, 8) != 0)
    fail<DataError>("{}: not an mtbench phrase table (bad magic; tables from mtbench before 0.10 must be rebuilt)",
                    name);
  Cursor c{bytes.substr(0, kPhraseTableHeaderBytes), 8, name};
  PhraseTableHeader h;
  h.max_source_length = c.get<std::uint32_t>();
  c.get<std::uint32_t>();
  h.num_sources = c.get<std::uint64_t>();
  h.num_pairs = c.get<std::uint64_t>();
  h.keys_offset = c.get<std::uint64_t>();
  h.index_offset = c.get<std::uint64_t>();
  h.vocab_offset = c.get<std::uint64_t>();
  h.file_size = c.get<std::uint64_t>();
  const bool ordered = kPhraseTableHeaderBytes <= h.keys_offset && h.keys_offset <= h.index_offset &&
                       h.index_offset <= h.vocab_offset && h.vocab_offset <= h.file_size;
  // Written so that no field can overflow: the index has num_sources + 1 rows of 16 bytes.
  const std::uint64_t index_bytes = ordered ? h.vocab_offset - h.index_offset : 0;
  if (h.file_size != bytes.size() || !ordered || h.max_source_length > 1000 || index_bytes % 16 != 0 ||
      index_bytes < 16 || h.num_sources != index_bytes / 16 - 1 || h.num_pairs < h.num_sources)
    fail<DataError>(
        "{}: corrupt phrase table header (file of {} bytes says {}; sections at {}, {}, {}; {} sources, {} pairs)",
        name, bytes.size(), h.file_size, h.keys_offset, h.index_offset, h.vocab_offset, h.num_sources, h.num_pairs);
  return h;
}

void encode_phrase_entries(const std::vector<PhraseEntry>& entries, std::string* out) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(entries.size()));
  for (const auto& e : entries) {
    if (e.target.size() > 255 || e.alignment.size() > 255)
      fail<Error>("phrase table: a target phrase of {} words with {} links does not fit the format (255 at most)",
                  e.target.size(), e.alignment.size());
    put<std::uint8_t>(out, static_cast<std::uint8_t>(e.target.size()));
    out->append(reinterpret_cast<const char*>(e.target.data()), e.target.size() * sizeof(WordId));
    for (float s : e.scores) put<float>(out, s);
    for (float s : e.reordering) put<float>(out, s);
    put<float>(out, e.count);
    put<std::uint8_t>(out, static_cast<std::uint8_t>(e.alignment.size()));
    for (auto [s, t] : e.alignment) {
      put<std::uint8_t>(out, static_cast<std::uint8_t>(s));
      put<std::uint8_t>(out, static_cast<std::uint8_t>(t));
    }
  }
}

void decode_phrase_entries(std::string_view bytes, std::size_t target_vocab_size, const std::string& name,
                           std::vector<PhraseEntry>* out) {
  Cursor c{bytes, 0, name};
  const auto n = c.get<std::uint32_t>();
  // Every entry takes at least 46 bytes: a count beyond that is corruption, not a reason to
  // allocate.
  if (n > bytes.size() / 46)
    fail<DataError>("{}: corrupt phrase table ({} targets in {} bytes)", name, n, bytes.size());
  out->resize(n);
  for (auto& e : *out) {
    e.target.resize(c.get<std::uint8_t>());
    for (auto& w : e.target)
      if ((w = c.get<WordId>()) >= target_vocab_size)
        fail<DataError>("{}: corrupt phrase table (target word id {} of a vocabulary of {})", name, w,
                        target_vocab_size);
    for (float& s : e.scores) s = c.get<float>();
    for (float& s : e.reordering) s = c.get<float>();
    e.count = c.get<float>();
    e.alignment.resize(c.get<std::uint8_t>());
    for (auto& [s, t] : e.alignment) {
      s = c.get<std::uint8_t>();
      t = c.get<std::uint8_t>();
    }
  }
  if (c.pos != bytes.size())
    fail<DataError>("{}: corrupt phrase table ({} stray bytes after a source phrase's targets)", name,
                    bytes.size() - c.pos);
}

PhraseTableWriter::PhraseTableWriter(const std::filesystem::path& path, const Vocab& source_vocab,
                                     const Vocab& target_vocab)
    : path_(path), source_vocab_(source_vocab), target_vocab_(target_vocab) {
  out_ = std::make_unique<AtomicOutputFile>(path);
  out_->stream().write(std::string(kPhraseTableHeaderBytes, '\0').data(), kPhraseTableHeaderBytes);
  keys_path_ = temp_path_for(path);
  index_path_ = temp_path_for(path);
  keys_ = std::make_unique<std::ofstream>(keys_path_, std::ios::binary | std::ios::trunc);
  index_ = std::make_unique<std::ofstream>(index_path_, std::ios::binary | std::ios::trunc);
  if (!*keys_ || !*index_) fail<Error>("cannot write temporary files beside {}", path.string());
}

PhraseTableWriter::~PhraseTableWriter() {
  keys_.reset();
  index_.reset();
  std::error_code ignored;
  std::filesystem::remove(keys_path_, ignored);
  std::filesystem::remove(index_path_, ignored);
}

void PhraseTableWriter::add(std::string_view source_key, const std::vector<PhraseEntry>& entries) {
  if (finished_) fail<Error>("phrase table writer: add() after finish()");
  if (header_.num_sources > 0 && source_key.compare(last_key_) <= 0)
    fail<Error>("phrase table writer: source phrases out of order ({} after {} bytes of key)", source_key.size(),
                last_key_.size());
  if (source_key.empty() || source_key.size() % sizeof(WordId) != 0)
    fail<Error>("phrase table writer: a source key of {} bytes", source_key.size());
  last_key_.assign(source_key);
  put<std::uint64_t>(*index_, keys_bytes_);
  put<std::uint64_t>(*index_, entries_bytes_);
  keys_->write(source_key.data(), static_cast<std::streamsize>(source_key.size()));
  keys_bytes_ += source_key.size();
  buffer_.clear();
  encode_phrase_entries(entries, &buffer_);
  out_->stream().write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
  entries_bytes_ += buffer_.size();
  header_.num_sources += 1;
  header_.num_pairs += entries.size();
  header_.max_source_length = std::max<std::uint32_t>(header_.max_source_length,
                                                      static_cast<std::uint32_t>(source_key.size() / sizeof(WordId)));
}

void PhraseTableWriter::finish() {
  if (finished_) return;
  put<std::uint64_t>(*index_, keys_bytes_);  // sentinel row: the sections' sizes
  put<std::uint64_t>(*index_, entries_bytes_);
  keys_->close();
  index_->close();
  if (keys_->fail() || index_->fail())
    fail<Error>("cannot write temporary files beside {} (disk full?)", path_.string());
  std::ofstream& out = out_->stream();
  header_.keys_offset = kPhraseTableHeaderBytes + entries_bytes_;
  append_file(keys_path_, out);
  header_.index_offset = header_.keys_offset + keys_bytes_;
  append_file(index_path_, out);
  header_.vocab_offset = header_.index_offset + (header_.num_sources + 1) * 16;
  put_vocab(out, source_vocab_);
  put_vocab(out, target_vocab_);
  header_.file_size = out_->tellp();
  if (header_.file_size < header_.vocab_offset) fail<Error>("cannot write {} (disk full?)", path_.string());
  out.seekp(0);
  out.write(kPhraseTableMagic, 8);
  put<std::uint32_t>(out, header_.max_source_length);
  put<std::uint32_t>(out, 0);
  for (std::uint64_t v : {header_.num_sources, header_.num_pairs, header_.keys_offset, header_.index_offset,
                          header_.vocab_offset, header_.file_size})
    put<std::uint64_t>(out, v);
  out_->commit();
  finished_ = true;
}

}  // namespace mtbench::phrase_based
