#pragma once
// Training pairs as subword ids, stored flat: one array of token ids and one of offsets (a
// pair's source is tokens[off[2i], off[2i+1]), its target tokens[off[2i+1], off[2i+2])). Held
// in memory (dev sets, tests, while encoding) or memory-mapped from a token file (fairseq's
// mmap indexed datasets): the training corpus is encoded once into the model directory and
// mapped by every later run (--resume) and every data-parallel rank on the host, and its pages
// can be let go, so resident memory does not grow with the corpus.
//
// Token file "MTBTOK2": a 96-byte header (magic, pairs, tokens, pairs skipped while encoding,
// and a 64-character key naming what was encoded: vocabulary, corpus and length limit), then
// the int32 token ids, zero padding to a multiple of 8 bytes, then 2 * pairs + 1 uint64
// offsets. Little-endian, as written. Tokens first, so TokenFileWriter streams them.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mtbench {
class MappedFile;
}

namespace mtbench::neural {

// One training pair as subword ids (without bos/eos).
struct Example {
  std::vector<std::int64_t> source;  // source ids
  std::vector<std::int64_t> target;  // target ids
};

// A read-only view of one side of a pair.
struct TokenSpan {
  const std::int32_t* data = nullptr;
  std::size_t length = 0;
  std::size_t size() const { return length; }
  std::int64_t operator[](std::size_t i) const { return data[i]; }
  const std::int32_t* begin() const { return data; }
  const std::int32_t* end() const { return data + length; }
  std::vector<std::int64_t> to_vector() const { return {begin(), end()}; }
};

class ExampleSet {
 public:
  ExampleSet();
  // A copy of `examples` (dev sets and tests build pairs as vectors).
  ExampleSet(const std::vector<Example>& examples);  // NOLINT: implicit on purpose
  ~ExampleSet();
  ExampleSet(ExampleSet&&) noexcept;
  ExampleSet& operator=(ExampleSet&&) noexcept;
  ExampleSet(const ExampleSet&) = delete;
  ExampleSet& operator=(const ExampleSet&) = delete;

  std::size_t size() const { return pairs_; }
  bool empty() const { return pairs_ == 0; }
  TokenSpan source(std::size_t i) const { return span(2 * i); }
  TokenSpan target(std::size_t i) const { return span(2 * i + 1); }
  std::size_t source_length(std::size_t i) const { return offsets_[2 * i + 1] - offsets_[2 * i]; }
  std::size_t target_length(std::size_t i) const { return offsets_[2 * i + 2] - offsets_[2 * i + 1]; }
  std::uint64_t tokens() const { return offsets_[2 * pairs_]; }
  // Pairs dropped while encoding (empty or too long), as recorded in the token file.
  std::uint64_t skipped() const { return skipped_; }
  void set_skipped(std::uint64_t skipped) { skipped_ = skipped; }
  bool mapped() const { return map_ != nullptr; }

  // Appends a pair (in-memory sets only).
  void push_back(const std::vector<std::int64_t>& source, const std::vector<std::int64_t>& target);
  // Appends every pair of `other` (in-memory sets only).
  void append(const ExampleSet& other);
  // SHA-256 of the pairs (lengths and ids), the same for an in-memory and a mapped copy.
  std::string hash() const;

  // Writes the token file atomically, recording `key` (64 characters at most).
  void write(const std::filesystem::path& path, const std::string& key) const;
  // Maps a token file when it exists and was written with `key`; nullopt when it is absent or
  // has another key (it is then stale and rebuilt). DataError naming the file when it is
  // damaged: short, offsets out of order or past the tokens, an id outside [0, id_limit).
  static std::optional<ExampleSet> open(const std::filesystem::path& path, const std::string& key,
                                        std::int64_t id_limit);
  // Lets the mapped pages go (they stay in the page cache); nothing for an in-memory set.
  void release_pages() const;

 private:
  friend class TokenFileWriter;
  TokenSpan span(std::size_t k) const {
    return {tokens_ + offsets_[k], static_cast<std::size_t>(offsets_[k + 1] - offsets_[k])};
  }
  void point_at_owned();

  std::vector<std::uint64_t> owned_offsets_;  // in-memory storage
  std::vector<std::int32_t> owned_tokens_;
  std::unique_ptr<MappedFile> map_;         // mapped storage
  const std::uint64_t* offsets_ = nullptr;  // 2 * pairs_ + 1 offsets (owned or mapped)
  const std::int32_t* tokens_ = nullptr;    // token ids (owned or mapped)
  std::size_t pairs_ = 0;
  std::uint64_t skipped_ = 0;
};

// Writes a token file from pairs that come in pieces (the encoder's chunks), holding only the
// offsets (16 bytes a pair) in memory: the tokens go straight to the file. Atomic: nothing
// appears at `path` unless commit() ran.
class TokenFileWriter {
 public:
  explicit TokenFileWriter(const std::filesystem::path& path);
  ~TokenFileWriter();
  TokenFileWriter(const TokenFileWriter&) = delete;
  TokenFileWriter& operator=(const TokenFileWriter&) = delete;
  void add(const ExampleSet& pairs);
  void commit(const std::string& key, std::uint64_t skipped);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtbench::neural
