#pragma once
// The binary phrase-table file, format MTBPT2 (little-endian), written in one pass over
// source phrases in sorted order and read through a memory map:
//
//   header, 72 bytes:  "MTBPT2\n\0", u32 max source length, u32 0,
//                      u64 source phrases, u64 phrase pairs,
//                      u64 keys offset, u64 index offset, u64 vocab offset, u64 file size
//   entries at 72:     per source phrase: u32 targets, then per target: u8 length, length x u32
//                      target ids, 11 x f32 (4 scores, 6 reordering, count), u8 links,
//                      links x (u8 source, u8 target)
//   keys:              the source phrases' ids (u32 each), concatenated in key order
//   index:             (source phrases + 1) x (u64 key offset, u64 entries offset), relative to
//                      their sections; the last row holds the two sections' sizes
//   vocab:             source then target vocabulary: u32 words, then per word u32 length, bytes
//
// Keys are ordered as byte strings (std::string_view::compare), so a lookup is a binary
// search over the index touching log2(n) keys; nothing is parsed when the file is opened but
// the header and the vocabularies.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "systems/phrase_based/phrase_table.h"

namespace mtbench {
class AtomicOutputFile;
}

namespace mtbench::phrase_based {

inline constexpr char kPhraseTableMagic[8] = {'M', 'T', 'B', 'P', 'T', '2', '\n', '\0'};
inline constexpr std::size_t kPhraseTableHeaderBytes = 72;

struct PhraseTableHeader {
  std::uint32_t max_source_length = 0;  // longest source phrase (words)
  std::uint64_t num_sources = 0;        // source phrases
  std::uint64_t num_pairs = 0;          // phrase pairs
  std::uint64_t keys_offset = 0;        // start of the keys section
  std::uint64_t index_offset = 0;       // start of the index
  std::uint64_t vocab_offset = 0;       // start of the vocabularies
  std::uint64_t file_size = 0;          // bytes in all
};

// Parses and checks the header of a file of `size` bytes; DataError naming `name` when the
// bytes are not a consistent MTBPT2 header.
PhraseTableHeader parse_phrase_table_header(std::string_view bytes, const std::string& name);

// Appends the encoding of one source phrase's targets to *out.
void encode_phrase_entries(const std::vector<PhraseEntry>& entries, std::string* out);
// Decodes what encode_phrase_entries wrote, checking every length and id against the bytes and
// `target_vocab_size`; DataError naming `name` on corruption.
void decode_phrase_entries(std::string_view bytes, std::size_t target_vocab_size, const std::string& name,
                           std::vector<PhraseEntry>* out);

// Writes a table file from source phrases given in strictly increasing key order; the keys
// and the index wait in temporary files beside `path`, the whole file is moved into place by
// finish() (nothing is left behind when it is not called).
class PhraseTableWriter {
 public:
  PhraseTableWriter(const std::filesystem::path& path, const Vocab& source_vocab, const Vocab& target_vocab);
  ~PhraseTableWriter();
  // `source_key` is the source phrase's ids as bytes; throws Error when out of order.
  void add(std::string_view source_key, const std::vector<PhraseEntry>& entries);
  void finish();

 private:
  std::filesystem::path path_;                        // final file
  const Vocab& source_vocab_;                         // written at the end
  const Vocab& target_vocab_;                         // written at the end
  std::unique_ptr<AtomicOutputFile> out_;             // header + entries + the rest at finish()
  std::filesystem::path keys_path_, index_path_;      // temporary sections
  std::unique_ptr<std::ofstream> keys_, index_;       // open on them
  PhraseTableHeader header_;                          // counts so far
  std::uint64_t keys_bytes_ = 0, entries_bytes_ = 0;  // section sizes so far
  std::string last_key_;                              // order check
  std::string buffer_;                                // encoding scratch
  bool finished_ = false;
};

}  // namespace mtbench::phrase_based
