#pragma once
// Fetching dataset files into the cache: from the network (libcurl), from an offline mirror
// (MTBENCH_DATA_MIRROR=DIR holding DIR/<dataset>/<file>), or from a base URL override
// (MTBENCH_DATA_URL=URL serving URL/<dataset>/<file>, e.g. a local server in tests).
// Every file is written to a temporary name in the cache directory, hashed while written,
// and renamed into place only when its SHA-256 matches the registry, so an interrupted or
// corrupted transfer is never taken as complete. Cached files are verified before use.

#include <cstdint>
#include <filesystem>
#include <string>

#include "base/progress.h"
#include "corpus/datasets.h"

namespace mtbench {

// Where and how fetch_dataset_file gets its files. Empty fields fall back to the environment.
struct FetchOptions {
  std::filesystem::path home;    // cache root; empty: $MTBENCH_HOME, else ~/.cache/mtbench
  std::filesystem::path mirror;  // mirror root; empty: $MTBENCH_DATA_MIRROR (unset: no mirror)
  std::string base_url;          // URL root; empty: $MTBENCH_DATA_URL, else each file's own url
  long connect_timeout_s = 30;   // give up connecting after this many seconds
  long low_speed_time_s = 60;    // abort when slower than low_speed_bytes/s for this long
  long low_speed_bytes = 512;    // see low_speed_time_s
  long max_redirects = 10;       // redirects followed (GitHub raw files redirect)
  Progress* progress = nullptr;  // where to report; nullptr: Progress::global()
  bool log_fetches = true;       // log one line per file copied or downloaded
};

// Where a fetched file came from.
enum class FetchSource {
  kCache,    // already cached and its checksum verified
  kMirror,   // copied from the mirror
  kNetwork,  // downloaded
};

// The outcome of fetch_dataset_file.
struct FetchResult {
  std::filesystem::path path;  // the verified file in the cache
  FetchSource source;          // where it came from
  std::uint64_t bytes = 0;     // its size
  std::string origin;          // URL or mirror path it was fetched from (empty for kCache)
};

// State of a file in the cache.
enum class CacheState {
  kMissing,  // not cached
  kValid,    // cached, checksum matches
  kCorrupt,  // cached, checksum does not match (will be fetched again)
};

// $MTBENCH_HOME, or ~/.cache/mtbench ($XDG_CACHE_HOME/mtbench when that is set).
std::filesystem::path mtbench_home();

// The cache root, mirror root and URL root `options` resolve to (environment applied).
std::filesystem::path resolved_home(const FetchOptions& options);
std::filesystem::path resolved_mirror(const FetchOptions& options);
std::string resolved_base_url(const FetchOptions& options);

// The path `file` of `dataset` has (or will have) in the cache.
std::filesystem::path cached_path(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options = {});

// Whether `file` is cached and intact (hashes the cached file).
CacheState cache_state(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options = {});

// Makes sure `file` is in the cache and intact, fetching it from the mirror, the base URL
// override or its public URL. Throws Error naming dataset, split, language and origin when it
// cannot be fetched, and naming the file, expected and actual hash on a checksum mismatch
// (nothing is cached in either case).
FetchResult fetch_dataset_file(const Dataset& dataset, const DatasetFile& file, const FetchOptions& options = {});

// Downloads `url` to `destination` (written directly; callers use a temporary name), reporting
// progress as stage `stage`. HTTP status >= 400, truncated transfers and timeouts are Errors.
// Returns the SHA-256 of the bytes written.
std::string download_url(const std::string& url, const std::filesystem::path& destination, const std::string& stage,
                         const FetchOptions& options = {});

}  // namespace mtbench
