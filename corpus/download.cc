#include "corpus/download.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"

namespace mtbench {
namespace {

std::string env_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes >= 1000000) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  if (bytes >= 1000) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
  return fmt::format("{} B", bytes);
}

// A file being written: hashes what it writes, removes itself unless committed.
class HashingWriter {
 public:
  explicit HashingWriter(std::filesystem::path path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) fail("cannot create {}: {}", path_.string(), std::strerror(errno));
  }
  ~HashingWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  HashingWriter(const HashingWriter&) = delete;
  HashingWriter& operator=(const HashingWriter&) = delete;

  // Writes all of `data`; returns false (errno kept in error()) when the disk refuses.
  bool write(const char* data, std::size_t size) {
    hash_.update(data, size);
    bytes_ += size;
    while (size > 0) {
      const ssize_t n = ::write(fd_, data, size);
      if (n < 0) {
        if (errno == EINTR) continue;
        error_ = errno;
        return false;
      }
      data += n;
      size -= static_cast<std::size_t>(n);
    }
    return true;
  }
  // Flushes to disk (so a rename after a crash never exposes an empty file) and closes.
  void finish() {
    if (::fsync(fd_) != 0) fail("cannot flush {}: {}", path_.string(), std::strerror(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("cannot close {}: {}", path_.string(), std::strerror(errno));
  }
  std::string hex_digest() { return hash_.hex_digest(); }
  std::uint64_t bytes() const { return bytes_; }
  int error() const { return error_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;  // file written
  int fd_ = -1;                 // open descriptor, -1 once closed
  Sha256 hash_;                 // hash of everything written
  std::uint64_t bytes_ = 0;     // bytes written
  int error_ = 0;               // errno of a failed write
};

// Removes a temporary file when it goes out of scope, unless released.
class TempFileGuard {
 public:
  explicit TempFileGuard(std::filesystem::path path) : path_(std::move(path)) {}
  ~TempFileGuard() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  void release() { path_.clear(); }

 private:
  std::filesystem::path path_;  // file to remove; empty once released
};

// Temporary files of earlier runs that were killed (temp_path_for names them
// ".<name>.tmp-<pid>-..."): removed when that process no longer exists.
void remove_stale_temporaries(const std::filesystem::path& destination) {
  const std::string prefix = "." + destination.filename().string() + ".tmp-";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(destination.parent_path(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)) {
      std::error_code ignored;
      std::filesystem::remove(entry.path(), ignored);
    }
  }
}

// State shared with libcurl's callbacks during one transfer.
struct Transfer {
  HashingWriter* writer;       // destination
  Progress* progress;          // where to report
  std::string stage;           // stage name
  bool started = false;        // stage begun
  std::uint64_t reported = 0;  // bytes already passed to Progress::advance
  bool write_failed = false;   // the disk refused data
};

std::size_t on_data(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  if (!transfer->writer->write(data, n)) {
    transfer->write_failed = true;
    return 0;  // makes curl abort with CURLE_WRITE_ERROR
  }
  return n;
}

int on_progress(void* user, curl_off_t total, curl_off_t now, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  // Begin the stage once the size is known (or data flows without one), so the bar has a total.
  if (!transfer->started && (total > 0 || now > 0)) {
    transfer->progress->begin(transfer->stage, total > 0 ? static_cast<std::uint64_t>(total) : 0, "B");
    transfer->started = true;
  }
  if (transfer->started && now > 0 && static_cast<std::uint64_t>(now) > transfer->reported) {
    transfer->progress->advance(static_cast<std::uint64_t>(now) - transfer->reported);
    transfer->reported = static_cast<std::uint64_t>(now);
  }
  return 0;
}

void global_curl_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("cannot initialise libcurl");
  });
}

// Copies `source` into `writer` (hashing on the way).
void copy_into(const std::filesystem::path& source, HashingWriter& writer) {
  const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("cannot open {}: {}", source.string(), std::strerror(errno));
  std::vector<char> buffer(1 << 16);
  while (true) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      fail("cannot read {}: {}", source.string(), std::strerror(err));
    }
    if (n == 0) break;
    if (!writer.write(buffer.data(), static_cast<std::size_t>(n))) {
      ::close(fd);
      fail("cannot write {}: {}", writer.path().string(), std::strerror(writer.error()));
    }
  }
  ::close(fd);
}

std::string describe(const Dataset& dataset, const DatasetFile& file) {
  return fmt::format("{} split {} ({})", dataset.name, file.split, file.language);
}

}  // namespace

std::filesystem::path mtbench_home() {
  if (const std::string home = env_or_empty("MTBENCH_HOME"); !home.empty()) return home;
  if (const std::string xdg = env_or_empty("XDG_CACHE_HOME"); !xdg.empty()) {
    return std::filesystem::path(xdg) / "mtbench";
  }
  if (const std::string home = env_or_empty("HOME"); !home.empty()) {
    return std::filesystem::path(home) / ".cache" / "mtbench";
  }
  fail(
      "cannot locate the cache directory: set MTBENCH_HOME (neither XDG_CACHE_HOME nor HOME is "
      "set)");
}

std::filesystem::path resolved_home(const FetchOptions& options) {
  return options.home.empty() ? mtbench_home() : options.home;
}

std::filesystem::path resolved_mirror(const FetchOptions& options) {
  return options.mirror.empty() ? std::filesystem::path(env_or_empty("MTBENCH_DATA_MIRROR")) : options.mirror;
}

std::string resolved_base_url(const FetchOptions& options) {
  std::string url = options.base_url.empty() ? env_or_empty("MTBENCH_DATA_URL") : options.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::filesystem::path cached_path(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options) {
  return resolved_home(options) / "datasets" / dataset.name / file.name;
}

CacheState cache_state(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options) {
  if (!file.local_path.empty()) {  // a local dataset's file: "cached" where it is
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file.local_path, ec)) return CacheState::kMissing;
    return file.sha256.empty() || sha256_file(file.local_path) == file.sha256 ? CacheState::kValid
                                                                              : CacheState::kCorrupt;
  }
  const auto path = cached_path(dataset, file, options);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return CacheState::kMissing;
  return sha256_file(path) == file.sha256 ? CacheState::kValid : CacheState::kCorrupt;
}

std::string download_url(const std::string& url, const std::filesystem::path& destination, const std::string& stage,
                         const FetchOptions& options) {
  global_curl_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) fail("cannot create a libcurl handle for {}", url);
  HashingWriter writer(destination);
  Transfer transfer{&writer, options.progress ? options.progress : &Progress::global(), stage};
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https,file");
  curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(h, CURLOPT_MAXREDIRS, options.max_redirects);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_s);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options.low_speed_bytes);
  curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options.low_speed_time_s);
  curl_easy_setopt(h, CURLOPT_FAILONERROR, 1L);  // HTTP status >= 400 is an error, not a body
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_USERAGENT, "mtbench (libcurl)");
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_data);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &on_progress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &transfer);
  const CURLcode code = curl_easy_perform(h);
  if (transfer.started) transfer.progress->end(code == CURLE_OK ? format_bytes(writer.bytes()) : "failed");
  if (code != CURLE_OK) {
    if (transfer.write_failed) {
      fail("cannot write {}: {}", destination.string(), std::strerror(writer.error()));
    }
    if (code == CURLE_HTTP_RETURNED_ERROR) {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      fail("HTTP status {} for {}", status, url);
    }
    fail("download of {} failed after {}: {}", url, format_bytes(writer.bytes()),
         error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code));
  }
  writer.finish();
  return writer.hex_digest();
}

FetchResult fetch_dataset_file(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options) {
  if (!file.local_path.empty()) {
    // A local dataset (`corpus add`): used in place, refused when it changed since.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file.local_path, ec))
      fail<DataError>("{}: the file of local dataset {} does not exist (registered in {})", file.local_path.string(),
                      describe(dataset, file), dataset.definition.string());
    if (!file.sha256.empty()) {
      const std::string actual = sha256_file(file.local_path);
      if (actual != file.sha256)
        fail<DataError>(
            "{} changed since it was registered as {} (sha256 {} in {}, now {}); register it again with `mtbench "
            "corpus add {} ... --force`",
            file.local_path.string(), describe(dataset, file), file.sha256, dataset.definition.string(), actual,
            dataset.name);
    }
    return {file.local_path, FetchSource::kCache, std::filesystem::file_size(file.local_path), ""};
  }
  Progress& progress = options.progress ? *options.progress : Progress::global();
  const auto destination = cached_path(dataset, file, options);
  std::error_code ec;
  std::filesystem::create_directories(destination.parent_path(), ec);
  if (ec) fail("cannot create the cache directory {}: {}", destination.parent_path().string(), ec.message());
  remove_stale_temporaries(destination);

  if (std::filesystem::is_regular_file(destination, ec)) {
    const std::string actual = sha256_file(destination);
    if (actual == file.sha256) {
      return {destination, FetchSource::kCache, std::filesystem::file_size(destination), ""};
    }
    progress.log(fmt::format("cached {} fails its checksum (expected sha256 {}, got {}); fetching it again",
                             destination.string(), file.sha256, actual));
    std::filesystem::remove(destination, ec);
  }

  const auto temporary = temp_path_for(destination);
  TempFileGuard guard(temporary);
  FetchSource source;
  std::string origin;
  std::string actual;
  std::uint64_t bytes = 0;
  if (const auto mirror = resolved_mirror(options); !mirror.empty()) {
    source = FetchSource::kMirror;
    const auto mirrored = mirror / dataset.name / file.name;
    origin = mirrored.string();
    if (!std::filesystem::is_regular_file(mirrored, ec)) {
      fail(
          "{} is not in the mirror: {} does not exist (mirror {}, from MTBENCH_DATA_MIRROR or "
          "--mirror)",
          describe(dataset, file), mirrored.string(), mirror.string());
    }
    HashingWriter writer(temporary);
    copy_into(mirrored, writer);
    writer.finish();
    actual = writer.hex_digest();
    bytes = writer.bytes();
  } else {
    source = FetchSource::kNetwork;
    const std::string base = resolved_base_url(options);
    origin = base.empty() ? file.url : fmt::format("{}/{}/{}", base, dataset.name, file.name);
    try {
      actual = download_url(origin, temporary, "download " + dataset.name + "/" + file.name, options);
    } catch (const Error& e) {
      fail("cannot fetch {}: {}", describe(dataset, file), e.what());
    }
    bytes = std::filesystem::file_size(temporary);
  }
  if (actual != file.sha256) {
    fail(
        "checksum mismatch for {}/{} (split {}, {}) from {}: expected sha256 {}, got {}; the file "
        "was "
        "discarded, nothing was cached",
        dataset.name, file.name, file.split, file.language, origin, file.sha256, actual);
  }
  std::filesystem::rename(temporary, destination, ec);
  if (ec) fail("cannot move {} into place at {}: {}", temporary.string(), destination.string(), ec.message());
  guard.release();
  if (options.log_fetches) {
    progress.log(fmt::format("{} {} ({}, sha256 ok)", source == FetchSource::kMirror ? "copied" : "downloaded",
                             file.name, format_bytes(bytes)));
  }
  return {destination, source, bytes, origin};
}

}  // namespace mtbench
