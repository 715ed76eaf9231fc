// Downloader and mirror copy: a tiny HTTP/1.1 server on 127.0.0.1 (POSIX sockets, one thread)
// serves a directory laid out like the mirror, and can truncate a response, answer 404 or
// redirect. Every failure must leave nothing in the cache that could be taken as complete.

#include "corpus/download.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;

// Serves files under `root` (GET /<relative path>) on an ephemeral port of 127.0.0.1.
class TestHttpServer {
 public:
  explicit TestHttpServer(std::filesystem::path root) : root_(std::move(root)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (listener_ < 0) throw std::runtime_error("socket() failed");
    const int yes = 1;
    ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;  // ephemeral
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        ::listen(listener_, 16) != 0) {
      throw std::runtime_error("bind/listen failed");
    }
    socklen_t length = sizeof(address);
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TestHttpServer() {
    stop_ = true;
    thread_.join();
    ::close(listener_);
  }

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Announces the full Content-Length of `path` but sends only `bytes` of it, then closes.
  void truncate(const std::string& path, std::size_t bytes) {
    with_lock([&] { truncated_[path] = bytes; });
  }
  // Answers `path` with 404 even if the file exists.
  void not_found(const std::string& path) {
    with_lock([&] { missing_[path] = true; });
  }
  // Sends the headers and `bytes` of `path`, then stalls (until the client gives up).
  void stall(const std::string& path, std::size_t bytes) {
    with_lock([&] { stalled_[path] = bytes; });
  }
  // Answers `from` with a 302 to `to`.
  void redirect(const std::string& from, const std::string& to) {
    with_lock([&] { redirects_[from] = to; });
  }
  // Paths requested so far.
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }

 private:
  template <typename F>
  void with_lock(F f) {
    std::lock_guard<std::mutex> lock(mutex_);
    f();
  }

  void serve() {
    while (!stop_) {
      pollfd p{listener_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      handle(client);
      ::close(client);
    }
  }

  static void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
      const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<std::size_t>(n);
    }
  }

  void handle(int client) {
    timeval timeout{2, 0};
    ::setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    std::string request;
    char buffer[4096];
    while (request.find("\r\n\r\n") == std::string::npos) {
      const ssize_t n = ::recv(client, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<std::size_t>(n));
    }
    // "GET /path HTTP/1.1"
    const std::size_t first = request.find(' ');
    const std::size_t second = request.find(' ', first + 1);
    const std::string path = request.substr(first + 1, second - first - 1);
    std::size_t truncate_at = std::string::npos;
    bool stall = false;
    bool missing = false;
    std::string location;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      requests_.push_back(path);
      if (truncated_.count(path)) truncate_at = truncated_[path];
      if (stalled_.count(path)) {
        truncate_at = stalled_[path];
        stall = true;
      }
      missing = missing_.count(path) > 0;
      if (redirects_.count(path)) location = redirects_[path];
    }
    if (!location.empty()) {
      send_all(client,
               "HTTP/1.1 302 Found\r\nLocation: " + location + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    const auto file = root_ / path.substr(1);
    if (missing || path.find("..") != std::string::npos || !std::filesystem::is_regular_file(file)) {
      send_all(client, "HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
      return;
    }
    std::ifstream in(file, std::ios::binary);
    const std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    send_all(client, "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n");
    send_all(client, truncate_at == std::string::npos ? body : body.substr(0, truncate_at));
    // Keep the connection open without sending, until the client closes it or we stop.
    while (stall && !stop_) {
      pollfd p{client, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0 && ::recv(client, buffer, sizeof(buffer), 0) <= 0) break;
    }
  }

  std::filesystem::path root_;                    // served directory
  int listener_ = -1;                             // listening socket
  int port_ = 0;                                  // its port
  std::atomic<bool> stop_{false};                 // ends the accept loop
  std::thread thread_;                            // runs serve()
  std::mutex mutex_;                              // guards the maps below
  std::map<std::string, std::size_t> truncated_;  // path -> bytes sent
  std::map<std::string, std::size_t> stalled_;    // path -> bytes sent before stalling
  std::map<std::string, bool> missing_;           // paths answered with 404
  std::map<std::string, std::string> redirects_;  // path -> Location
  std::vector<std::string> requests_;             // paths requested
};

// Files in a directory (including hidden temporaries), empty when it does not exist.
std::vector<std::string> listing(const std::filesystem::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// A mirror in a scratch directory holding copies of some multi30k files.
std::filesystem::path make_mirror(const testing::ScratchDir& scratch, const std::filesystem::path& real_mirror,
                                  const std::vector<std::string>& names) {
  const auto root = scratch / "mirror";
  std::filesystem::create_directories(root / "multi30k");
  for (const auto& name : names) std::filesystem::copy_file(real_mirror / name, root / "multi30k" / name);
  return root;
}

void flip_byte(const std::filesystem::path& path, std::size_t offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(offset));
  char c = 0;
  f.get(c);
  f.seekp(static_cast<std::streamoff>(offset));
  f.put(static_cast<char>(c ^ 0x01));
}

class DownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto val = testing::shared_file("corpora/multi30k/val.de.gz");
    if (val.empty()) GTEST_SKIP() << "shared test data not found: corpora/multi30k (set MTBENCH_SHARED_DIR)";
    real_mirror_ = val.parent_path();
    options_.home = scratch_ / "home";
    options_.progress = &quiet_;
  }
  const Dataset& multi30k() { return find_dataset("multi30k"); }
  const DatasetFile& file(const std::string& split, const std::string& lang) {
    return multi30k().require_file(split, lang);
  }
  std::filesystem::path cache() { return scratch_ / "home" / "datasets" / "multi30k"; }

  testing::ScratchDir scratch_;
  std::filesystem::path real_mirror_;  // ../shared/corpora/multi30k
  Progress quiet_{ProgressMode::kQuiet};
  FetchOptions options_;
};

TEST_F(DownloadTest, MirrorCopyFillsCacheAndIsReusedVerified) {
  options_.mirror = real_mirror_.parent_path();
  const auto result = fetch_dataset_file(multi30k(), file("val", "de"), options_);
  EXPECT_EQ(result.source, FetchSource::kMirror);
  EXPECT_EQ(result.path, cache() / "val.de.gz");
  EXPECT_EQ(result.bytes, std::filesystem::file_size(real_mirror_ / "val.de.gz"));
  EXPECT_EQ(sha256_file(result.path), file("val", "de").sha256);
  EXPECT_EQ(read_lines(result.path).size(), 1014u);
  EXPECT_EQ(listing(cache()), (std::vector<std::string>{"val.de.gz"}));
  EXPECT_EQ(cache_state(multi30k(), file("val", "de"), options_), CacheState::kValid);
  EXPECT_EQ(cache_state(multi30k(), file("val", "en"), options_), CacheState::kMissing);
  EXPECT_EQ(fetch_dataset_file(multi30k(), file("val", "de"), options_).source, FetchSource::kCache);
}

TEST_F(DownloadTest, CorruptedMirrorFileIsRejectedAndNotCached) {
  options_.mirror = make_mirror(scratch_, real_mirror_, {"val.de.gz", "val.en.gz", "test_2016_flickr.de.gz"});
  flip_byte(options_.mirror / "multi30k" / "val.en.gz", 5000);
  const std::string actual = sha256_file(options_.mirror / "multi30k" / "val.en.gz");
  const std::string message = error_of([&] { fetch_dataset_file(multi30k(), file("val", "en"), options_); });
  EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
  EXPECT_NE(message.find("val.en.gz"), std::string::npos) << message;
  EXPECT_NE(message.find(file("val", "en").sha256), std::string::npos) << message;
  EXPECT_NE(message.find(actual), std::string::npos) << message;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});  // no file, no temporary
  // The intact files of the same mirror still work.
  EXPECT_EQ(fetch_dataset_file(multi30k(), file("val", "de"), options_).source, FetchSource::kMirror);
}

TEST_F(DownloadTest, MissingSplitInMirrorNamesDatasetSplitLanguageAndPath) {
  options_.mirror = real_mirror_.parent_path();
  const std::string message =
      error_of([&] { fetch_dataset_file(multi30k(), file("test_2017_mscoco", "fr"), options_); });
  EXPECT_NE(message.find("multi30k"), std::string::npos) << message;
  EXPECT_NE(message.find("test_2017_mscoco"), std::string::npos) << message;
  EXPECT_NE(message.find("(fr)"), std::string::npos) << message;
  EXPECT_NE(message.find((real_mirror_ / "test_2017_mscoco.fr.gz").string()), std::string::npos) << message;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
}

TEST_F(DownloadTest, CorruptedCacheFileIsDetectedAndFetchedAgain) {
  options_.mirror = real_mirror_.parent_path();
  const auto path = fetch_dataset_file(multi30k(), file("val", "fr"), options_).path;
  flip_byte(path, 100);
  EXPECT_EQ(cache_state(multi30k(), file("val", "fr"), options_), CacheState::kCorrupt);
  EXPECT_EQ(fetch_dataset_file(multi30k(), file("val", "fr"), options_).source, FetchSource::kMirror);
  EXPECT_EQ(sha256_file(path), file("val", "fr").sha256);
}

TEST_F(DownloadTest, StaleTemporaryOfDeadProcessIsRemoved) {
  options_.mirror = real_mirror_.parent_path();
  std::filesystem::create_directories(cache());
  // pid 999999999 exceeds Linux's pid_max, so that process cannot exist.
  std::ofstream(cache() / ".val.cs.gz.tmp-999999999-0-abc") << "partial";
  fetch_dataset_file(multi30k(), file("val", "cs"), options_);
  EXPECT_EQ(listing(cache()), (std::vector<std::string>{"val.cs.gz"}));
}

TEST_F(DownloadTest, HttpDownloadFromLocalServer) {
  TestHttpServer server(real_mirror_.parent_path());
  options_.base_url = server.base_url() + "/";
  const auto result = fetch_dataset_file(multi30k(), file("test_2016_flickr", "en"), options_);
  EXPECT_EQ(result.source, FetchSource::kNetwork);
  EXPECT_EQ(result.origin, server.base_url() + "/multi30k/test_2016_flickr.en.gz");
  EXPECT_EQ(sha256_file(result.path), file("test_2016_flickr", "en").sha256);
  EXPECT_EQ(read_lines(result.path).size(), 1000u);
  EXPECT_EQ(fetch_dataset_file(multi30k(), file("test_2016_flickr", "en"), options_).source, FetchSource::kCache);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"/multi30k/test_2016_flickr.en.gz"}));
}

TEST_F(DownloadTest, HttpRedirectsAreFollowed) {
  // Two hops, as GitHub's raw URLs may do: a relative 302 on the same server, then a 302 to
  // another server that holds the file.
  std::filesystem::create_directories(scratch_ / "served" / "multi30k");
  std::filesystem::copy_file(real_mirror_ / "val.en.gz", scratch_ / "served" / "multi30k" / "val.en.gz");
  TestHttpServer origin(scratch_ / "served");
  TestHttpServer server(scratch_ / "nothing");
  server.redirect("/multi30k/val.en.gz", "/moved/val.en.gz");
  server.redirect("/moved/val.en.gz", origin.base_url() + "/multi30k/val.en.gz");
  options_.base_url = server.base_url();
  const auto result = fetch_dataset_file(multi30k(), file("val", "en"), options_);
  EXPECT_EQ(sha256_file(result.path), file("val", "en").sha256);
  EXPECT_EQ(server.requests(), (std::vector<std::string>{"/multi30k/val.en.gz", "/moved/val.en.gz"}));
  EXPECT_EQ(origin.requests(), (std::vector<std::string>{"/multi30k/val.en.gz"}));
}

TEST_F(DownloadTest, Http404IsAnErrorAndCachesNothing) {
  TestHttpServer server(real_mirror_.parent_path());
  options_.base_url = server.base_url();
  const std::string message =
      error_of([&] { fetch_dataset_file(multi30k(), file("test_2018_flickr", "cs"), options_); });
  EXPECT_NE(message.find("404"), std::string::npos) << message;
  EXPECT_NE(message.find("test_2018_flickr"), std::string::npos) << message;
  EXPECT_NE(message.find(server.base_url() + "/multi30k/test_2018_flickr.cs.gz"), std::string::npos) << message;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
}

TEST_F(DownloadTest, InterruptedDownloadIsNeverTakenAsComplete) {
  TestHttpServer server(real_mirror_.parent_path());
  options_.base_url = server.base_url();
  server.truncate("/multi30k/val.de.gz", 10000);
  const std::string message = error_of([&] { fetch_dataset_file(multi30k(), file("val", "de"), options_); });
  EXPECT_NE(message.find("val.de.gz"), std::string::npos) << message;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
  EXPECT_EQ(cache_state(multi30k(), file("val", "de"), options_), CacheState::kMissing);
}

TEST_F(DownloadTest, StalledDownloadTimesOut) {
  TestHttpServer server(real_mirror_.parent_path());
  options_.base_url = server.base_url();
  options_.low_speed_time_s = 1;  // below 512 B/s for 1 s: give up
  // Few bytes first: curl averages speed over a window of seconds.
  server.stall("/multi30k/val.fr.gz", 100);
  const auto start = std::chrono::steady_clock::now();
  const std::string message = error_of([&] { fetch_dataset_file(multi30k(), file("val", "fr"), options_); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_NE(message.find("val.fr.gz"), std::string::npos) << message;
  EXPECT_NE(message.find("too slow"), std::string::npos) << message;  // curl's CURLE_OPERATION_TIMEDOUT text
  EXPECT_LT(seconds, 10.0);
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
}

TEST_F(DownloadTest, CorruptedServedFileFailsChecksum) {
  const auto root = make_mirror(scratch_, real_mirror_, {"val.de.gz"});
  flip_byte(root / "multi30k" / "val.de.gz", 1234);
  TestHttpServer server(root);
  options_.base_url = server.base_url();
  const std::string message = error_of([&] { fetch_dataset_file(multi30k(), file("val", "de"), options_); });
  EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << message;
  EXPECT_NE(message.find(file("val", "de").sha256), std::string::npos) << message;
  EXPECT_EQ(listing(cache()), std::vector<std::string>{});
}

TEST_F(DownloadTest, EnvironmentSelectsHomeMirrorAndUrl) {
  ::setenv("MTBENCH_HOME", "/tmp/mtbench-home-test", 1);
  ::setenv("MTBENCH_DATA_MIRROR", "/tmp/mirror-test", 1);
  ::setenv("MTBENCH_DATA_URL", "http://127.0.0.1:9/data/", 1);
  EXPECT_EQ(mtbench_home(), "/tmp/mtbench-home-test");
  EXPECT_EQ(resolved_mirror(FetchOptions{}), "/tmp/mirror-test");
  EXPECT_EQ(resolved_base_url(FetchOptions{}), "http://127.0.0.1:9/data");
  FetchOptions explicit_options;
  explicit_options.mirror = "/elsewhere";
  EXPECT_EQ(resolved_mirror(explicit_options), "/elsewhere");
  ::unsetenv("MTBENCH_HOME");
  ::unsetenv("MTBENCH_DATA_MIRROR");
  ::unsetenv("MTBENCH_DATA_URL");
  if (const char* home = std::getenv("HOME"); home && !std::getenv("XDG_CACHE_HOME")) {
    EXPECT_EQ(mtbench_home(), std::filesystem::path(home) / ".cache" / "mtbench");
  }
}

}  // namespace
}  // namespace mtbench
