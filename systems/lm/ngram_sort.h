#pragma once
// Sorted n-gram files and their external sort, for estimating a language model under a memory
// budget (estimate_external.cc; lmplz's sorted streams, Heafield et al. 2013 sec. 3).
//
// A file holds records of one order: the words, a 64-bit count and, when asked for, a 32-bit
// index (the record's position in another file of the same n-grams). Records are packed
// (4k + 8 or 4k + 12 bytes); in memory each is an NgramRecord.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "systems/lm/ngram_lm.h"

namespace mtbench::lm::detail {

constexpr int kMaxOrder = 6;

struct NgramRecord {
  WordIndex words[kMaxOrder] = {};  // oldest first; only the order's first words are used
  std::uint64_t count = 0;          // raw or adjusted count
  std::uint32_t index = 0;          // position elsewhere (files written with an index only)
};

// Orders of n-grams of one length.
enum class NgramOrder {
  kSuffix,  // last word most significant, then the one before (ARPA's and lmplz's order: an
            // n-gram's suffix, and the n-grams sharing it, come together)
  kPrefix,  // first word most significant (n-grams sharing a context come together)
};

// Three-way comparison of the first `order` words in `key` order.
int compare_ngrams(const WordIndex* a, const WordIndex* b, int order, NgramOrder key);

// Buffered writer of a record file (throws Error naming the file when the disk fails).
class NgramWriter {
 public:
  NgramWriter(const std::filesystem::path& path, int order, bool with_index);
  ~NgramWriter();
  NgramWriter(const NgramWriter&) = delete;
  NgramWriter& operator=(const NgramWriter&) = delete;
  void write(const NgramRecord& record);
  // Flushes and closes; throws when the data could not be written.
  void close();
  std::uint64_t records() const { return records_; }

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  int order_;
  bool with_index_;
  std::uint64_t records_ = 0;
};

// Buffered reader of a record file written by NgramWriter.
class NgramReader {
 public:
  NgramReader(const std::filesystem::path& path, int order, bool with_index);
  ~NgramReader();
  NgramReader(const NgramReader&) = delete;
  NgramReader& operator=(const NgramReader&) = delete;
  // Reads the next record into `record`; false at the end. A truncated record is an Error.
  bool next(NgramRecord& record);

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  int order_;
  bool with_index_;
};

// A file of fixed-size values (float, uint32_t) written and read in order.
template <typename T>
class ValueWriter {
 public:
  explicit ValueWriter(const std::filesystem::path& path);
  ~ValueWriter();
  ValueWriter(const ValueWriter&) = delete;
  ValueWriter& operator=(const ValueWriter&) = delete;
  void write(T value);
  void write_all(const std::vector<T>& values);
  void close();

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};
template <typename T>
class ValueReader {
 public:
  explicit ValueReader(const std::filesystem::path& path);
  ~ValueReader();
  ValueReader(const ValueReader&) = delete;
  ValueReader& operator=(const ValueReader&) = delete;
  // The next value; Error past the end (the files are written for exactly as many records).
  T next();

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// External sort of the records of one order: add() fills a buffer of at most `memory_bytes`;
// a full buffer is sorted and written as a run (records with equal words merged by adding
// their counts when `sum_duplicates`); finish() merges the runs into one sorted file.
class NgramSorter {
 public:
  NgramSorter(int order, NgramOrder key, bool with_index, bool sum_duplicates, std::size_t memory_bytes,
              std::filesystem::path run_prefix);
  ~NgramSorter();  // removes run files left by an exception
  NgramSorter(const NgramSorter&) = delete;
  NgramSorter& operator=(const NgramSorter&) = delete;

  void add(const NgramRecord& record);
  // Writes every record, sorted, to `out`; returns how many. The sorter is empty afterwards.
  std::uint64_t finish(const std::filesystem::path& out);
  std::size_t runs() const { return runs_.size(); }

 private:
  void spill();

  int order_;
  NgramOrder key_;
  bool with_index_;
  bool sum_duplicates_;
  std::size_t capacity_;  // records per run
  std::filesystem::path run_prefix_;
  std::vector<NgramRecord> buffer_;
  std::vector<std::filesystem::path> runs_;
  std::vector<std::uint64_t> run_records_;  // records in each run
};

}  // namespace mtbench::lm::detail
