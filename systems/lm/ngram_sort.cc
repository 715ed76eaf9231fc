#include "systems/lm/ngram_sort.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <queue>
#include <system_error>

#include "base/error.h"

namespace mtbench::lm::detail {
namespace {

constexpr std::size_t kIoBuffer = std::size_t{1} << 20;

std::FILE* open_file(const std::filesystem::path& path, const char* mode) {
  std::FILE* file = std::fopen(path.c_str(), mode);
  if (!file) fail("cannot open {} ({})", path.string(), std::strerror(errno));
  std::setvbuf(file, nullptr, _IOFBF, kIoBuffer);
  return file;
}

void write_bytes(std::FILE* file, const void* data, std::size_t size, const std::filesystem::path& path) {
  if (std::fwrite(data, 1, size, file) != size)
    fail("cannot write {} ({}; is the disk full?)", path.string(), std::strerror(errno));
}

void close_file(std::FILE*& file, const std::filesystem::path& path, bool check) {
  if (!file) return;
  const bool ok = std::fflush(file) == 0 && !std::ferror(file);
  const int saved = errno;
  std::fclose(file);
  file = nullptr;
  if (check && !ok) fail("cannot write {} ({}; is the disk full?)", path.string(), std::strerror(saved));
}

// Reads exactly `size` bytes; false at a clean end of file, Error on a partial record.
bool read_bytes(std::FILE* file, void* data, std::size_t size, const std::filesystem::path& path) {
  const std::size_t got = std::fread(data, 1, size, file);
  if (got == size) return true;
  if (std::ferror(file)) fail("cannot read {} ({})", path.string(), std::strerror(errno));
  if (got != 0) fail("{} ends in the middle of a record ({} of {} bytes)", path.string(), got, size);
  return false;
}

}  // namespace

int compare_ngrams(const WordIndex* a, const WordIndex* b, int order, NgramOrder key) {
  if (key == NgramOrder::kSuffix) {
    for (int i = order - 1; i >= 0; --i)
      if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  } else {
    for (int i = 0; i < order; ++i)
      if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

// --- NgramWriter / NgramReader ------------------------------------------------------------

NgramWriter::NgramWriter(const std::filesystem::path& path, int order, bool with_index)
    : path_(path), file_(open_file(path, "wb")), order_(order), with_index_(with_index) {}

NgramWriter::~NgramWriter() {
  close_file(file_, path_, false);
}

void NgramWriter::write(const NgramRecord& record) {
  write_bytes(file_, record.words, sizeof(WordIndex) * order_, path_);
  write_bytes(file_, &record.count, sizeof(record.count), path_);
  if (with_index_) write_bytes(file_, &record.index, sizeof(record.index), path_);
  ++records_;
}

void NgramWriter::close() {
  close_file(file_, path_, true);
}

NgramReader::NgramReader(const std::filesystem::path& path, int order, bool with_index)
    : path_(path), file_(open_file(path, "rb")), order_(order), with_index_(with_index) {}

NgramReader::~NgramReader() {
  close_file(file_, path_, false);
}

bool NgramReader::next(NgramRecord& record) {
  char bytes[sizeof(WordIndex) * kMaxOrder + 12];
  const std::size_t size = sizeof(WordIndex) * order_ + 8 + (with_index_ ? 4 : 0);
  if (!read_bytes(file_, bytes, size, path_)) return false;
  std::memcpy(record.words, bytes, sizeof(WordIndex) * order_);
  std::memcpy(&record.count, bytes + sizeof(WordIndex) * order_, 8);
  if (with_index_) std::memcpy(&record.index, bytes + sizeof(WordIndex) * order_ + 8, 4);
  return true;
}

// --- ValueWriter / ValueReader ------------------------------------------------------------

template <typename T>
ValueWriter<T>::ValueWriter(const std::filesystem::path& path) : path_(path), file_(open_file(path, "wb")) {}
template <typename T>
ValueWriter<T>::~ValueWriter() {
  close_file(file_, path_, false);
}
template <typename T>
void ValueWriter<T>::write(T value) {
  write_bytes(file_, &value, sizeof(T), path_);
}
template <typename T>
void ValueWriter<T>::write_all(const std::vector<T>& values) {
  write_bytes(file_, values.data(), values.size() * sizeof(T), path_);
}
template <typename T>
void ValueWriter<T>::close() {
  close_file(file_, path_, true);
}

template <typename T>
ValueReader<T>::ValueReader(const std::filesystem::path& path) : path_(path), file_(open_file(path, "rb")) {}
template <typename T>
ValueReader<T>::~ValueReader() {
  close_file(file_, path_, false);
}
template <typename T>
T ValueReader<T>::next() {
  T value{};
  if (!read_bytes(file_, &value, sizeof(T), path_)) fail("{} ends before its n-gram file", path_.string());
  return value;
}

template class ValueWriter<float>;
template class ValueWriter<std::uint32_t>;
template class ValueReader<float>;
template class ValueReader<std::uint32_t>;

// --- NgramSorter ---------------------------------------------------------------------------

NgramSorter::NgramSorter(int order, NgramOrder key, bool with_index, bool sum_duplicates, std::size_t memory_bytes,
                         std::filesystem::path run_prefix)
    : order_(order),
      key_(key),
      with_index_(with_index),
      sum_duplicates_(sum_duplicates),
      capacity_(std::max<std::size_t>(1, memory_bytes / sizeof(NgramRecord))),
      run_prefix_(std::move(run_prefix)) {
  if (order < 1 || order > kMaxOrder) fail("internal error: n-gram order {} for a sorter", order);
}

NgramSorter::~NgramSorter() {
  std::error_code ec;
  for (const auto& run : runs_) std::filesystem::remove(run, ec);
}

void NgramSorter::add(const NgramRecord& record) {
  // The whole budget at once: pages are only resident once written, and growing by doubling
  // would hold the old and the new buffer together (1.5 times the budget).
  if (buffer_.capacity() < capacity_) buffer_.reserve(capacity_);
  buffer_.push_back(record);
  if (buffer_.size() >= capacity_) spill();
}

void NgramSorter::spill() {
  if (buffer_.empty()) return;
  const int order = order_;
  const NgramOrder key = key_;
  // Not stable_sort: that would take a second buffer as large. Records with equal words are
  // summed (counts) or never occur (every n-gram is once in a file to be re-sorted).
  std::sort(buffer_.begin(), buffer_.end(), [order, key](const NgramRecord& a, const NgramRecord& b) {
    return compare_ngrams(a.words, b.words, order, key) < 0;
  });
  const auto path = std::filesystem::path(run_prefix_.string() + "." + std::to_string(runs_.size()) + ".run");
  runs_.push_back(path);
  NgramWriter writer(path, order_, with_index_);
  for (std::size_t i = 0; i < buffer_.size();) {
    NgramRecord record = buffer_[i++];
    if (sum_duplicates_)
      while (i < buffer_.size() && compare_ngrams(record.words, buffer_[i].words, order, key) == 0)
        record.count += buffer_[i++].count;
    writer.write(record);
  }
  writer.close();
  run_records_.push_back(writer.records());
  buffer_.clear();
}

std::uint64_t NgramSorter::finish(const std::filesystem::path& out) {
  spill();
  std::vector<NgramRecord>().swap(buffer_);  // the merge needs only the read buffers
  if (runs_.empty()) {
    NgramWriter empty(out, order_, with_index_);
    empty.close();
    return 0;
  }
  std::uint64_t written = 0;
  if (runs_.size() == 1) {
    std::filesystem::rename(runs_[0], out);
    runs_.clear();
    written = run_records_[0];
    run_records_.clear();
    return written;
  }
  // k-way merge; ties go to the earlier run (the runs hold consecutive stretches of input).
  std::vector<std::unique_ptr<NgramReader>> readers;
  std::vector<NgramRecord> heads(runs_.size());
  for (const auto& run : runs_) readers.push_back(std::make_unique<NgramReader>(run, order_, with_index_));
  const int order = order_;
  const NgramOrder key = key_;
  auto later = [&](std::size_t a, std::size_t b) {
    const int c = compare_ngrams(heads[a].words, heads[b].words, order, key);
    return c != 0 ? c > 0 : a > b;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later)> queue(later);
  for (std::size_t r = 0; r < readers.size(); ++r)
    if (readers[r]->next(heads[r])) queue.push(r);
  NgramWriter writer(out, order_, with_index_);
  bool pending = false;
  NgramRecord current;
  while (!queue.empty()) {
    const std::size_t r = queue.top();
    queue.pop();
    if (pending && sum_duplicates_ && compare_ngrams(current.words, heads[r].words, order, key) == 0) {
      current.count += heads[r].count;
    } else {
      if (pending) writer.write(current);
      current = heads[r];
      pending = true;
    }
    if (readers[r]->next(heads[r])) queue.push(r);
  }
  if (pending) writer.write(current);
  writer.close();
  written = writer.records();
  readers.clear();
  std::error_code ec;
  for (const auto& run : runs_) std::filesystem::remove(run, ec);
  runs_.clear();
  run_records_.clear();
  return written;
}

}  // namespace mtbench::lm::detail
