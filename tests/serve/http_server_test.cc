// The HTTP server on loopback with a test router: limits, deadlines, the queue, slow and
// malformed clients, keep-alive and the drain. Every loop is bounded.

#include "serve/http_server.h"

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/serve/http_client.h"

namespace mtbench::serve {
namespace {

using ::testing::HasSubstr;
using testing::http_exchange;
using testing::http_get;
using testing::http_post;
using testing::http_request_bytes;
using testing::RawResponse;

// /fast answers on the I/O thread; /slow?ms=N sleeps N ms in the pool; /throw throws in the pool.
Router test_router() {
  return [](const HttpRequest& req) -> Routed {
    if (req.path == "/fast") {
      HttpResponse r;
      r.content_type = "text/plain";
      r.body = "fast " + req.method + " " + std::to_string(req.body.size());
      return {r, {}};
    }
    if (req.path == "/slow") {
      const int ms = std::stoi(req.target.substr(req.target.find("ms=") + 3));
      return {std::nullopt, [ms] {
                std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                HttpResponse r;
                r.body = "{\"slept\": " + std::to_string(ms) + "}";
                return r;
              }};
    }
    if (req.path == "/throw") return {std::nullopt, []() -> HttpResponse { throw std::runtime_error("job failed"); }};
    return {json_error(404, "not found"), {}};
  };
}

// A server on a free loopback port, running in a thread for the test's lifetime.
class RunningServer {
 public:
  explicit RunningServer(ServerOptions options) {
    options.port = 0;
    options.default_headers = {{"X-Test", "yes"}};
    server_ = std::make_unique<HttpServer>(options, test_router());
    thread_ = std::thread([this] { server_->run(); });
  }
  ~RunningServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return server_->port(); }
  HttpServer& server() { return *server_; }
  void join() { thread_.join(); }

 private:
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

ServerOptions small_options() {
  ServerOptions o;
  o.workers = 2;
  o.queue = 4;
  o.read_timeout_seconds = 2;
  o.request_timeout_seconds = 10;
  o.drain_timeout_seconds = 10;
  return o;
}

TEST(HttpServer, AnswersImmediatelyAndFromThePoolWithTheDefaultHeaders) {
  RunningServer s(small_options());
  auto r = http_get(s.port(), "/fast");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "fast GET 0");
  EXPECT_EQ(r.headers["x-test"], "yes");
  r = http_get(s.port(), "/slow?ms=10");
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.body, "{\"slept\": 10}");
  EXPECT_EQ(r.headers["content-type"], "application/json");
  r = http_get(s.port(), "/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_THAT(r.body, HasSubstr("\"error\""));
  r = http_get(s.port(), "/throw");
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("job failed"));
  EXPECT_EQ(http_get(s.port(), "/fast").status, 200) << "still serving after a failed job";
}

TEST(HttpServer, PooledJobsRunInParallelUpToTheWorkers) {
  RunningServer s(small_options());
  const auto start = std::chrono::steady_clock::now();
  auto a = std::async(std::launch::async, [&] { return http_get(s.port(), "/slow?ms=600"); });
  auto b = std::async(std::launch::async, [&] { return http_get(s.port(), "/slow?ms=600"); });
  EXPECT_EQ(a.get().status, 200);
  EXPECT_EQ(b.get().status, 200);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.1) << "two workers: two 0.6 s jobs overlap";
}

TEST(HttpServer, AFullQueueAnswers503WithRetryAfterAndTheRestAreServed) {
  ServerOptions o = small_options();
  o.workers = 1;
  o.queue = 1;
  RunningServer s(o);
  std::vector<std::future<RawResponse>> replies;
  for (int i = 0; i < 5; ++i) {
    replies.push_back(std::async(std::launch::async, [&] { return http_get(s.port(), "/slow?ms=400"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  int ok = 0, busy = 0;
  for (auto& f : replies) {
    const auto r = f.get();
    if (r.status == 200) ++ok;
    if (r.status == 503) {
      ++busy;
      EXPECT_EQ(r.headers.at("retry-after"), "1");
    }
  }
  EXPECT_EQ(ok, 2) << "one running, one queued";
  EXPECT_EQ(busy, 3);
  EXPECT_EQ(s.server().stats().rejected_busy, 3u);
  EXPECT_EQ(s.server().stats().answered, s.server().stats().requests);
}

TEST(HttpServer, ARequestPastItsDeadlineIsAnswered504) {
  ServerOptions o = small_options();
  o.request_timeout_seconds = 0.3;
  RunningServer s(o);
  const auto r = http_get(s.port(), "/slow?ms=1500");
  EXPECT_EQ(r.status, 504);
  EXPECT_LT(r.seconds, 1.2);
  EXPECT_EQ(http_get(s.port(), "/fast").status, 200);
}

TEST(HttpServer, OversizedBodiesAre413WithoutReadingThem) {
  RunningServer s(small_options());
  const std::string big(10 * 1024 * 1024, 'x');
  auto r = http_post(s.port(), "/fast", big);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_THAT(r.body, HasSubstr("over the limit"));
  EXPECT_LT(r.seconds, 5);
  // Chunked: no Content-Length to refuse up front, the parser's limit stops it.
  std::string chunked = "POST /fast HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (int i = 0; i < 40; ++i) chunked += "1000\r\n" + std::string(4096, 'y') + "\r\n";
  chunked += "0\r\n\r\n";
  r = http_exchange(s.port(), chunked);
  EXPECT_EQ(r.status, 413) << r.error;
  EXPECT_EQ(http_post(s.port(), "/fast", std::string(1000, 'z')).body, "fast POST 1000");
}

TEST(HttpServer, HugeHeadersAre431) {
  RunningServer s(small_options());
  const auto r =
      http_exchange(s.port(), http_request_bytes("GET", "/fast", "", "X-Big: " + std::string(20000, 'h') + "\r\n"));
  EXPECT_EQ(r.status, 431) << r.error;
  const auto url = http_exchange(s.port(), http_request_bytes("GET", "/fast?" + std::string(20000, 'q')));
  EXPECT_EQ(url.status, 431) << url.error;
}

TEST(HttpServer, MalformedRequestsAre400AndTheServerGoesOn) {
  RunningServer s(small_options());
  for (const std::string& bad : {std::string("GARBAGE\r\n\r\n"), std::string("GET /fast HTTP/7.1\r\n\r\n"),
                                 std::string("GET /fast HTTP/1.1\r\nNo colon here\r\n\r\n"),
                                 std::string("POST /fast HTTP/1.1\r\nContent-Length: abc\r\n\r\n"),
                                 std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
    const auto r = http_exchange(s.port(), bad, 5);
    EXPECT_TRUE(r.status == 400 || (r.status == 0 && r.seconds < 4))
        << "request " << bad << ": " << r.status << " " << r.error;
  }
  EXPECT_EQ(http_get(s.port(), "/fast").status, 200);
}

TEST(HttpServer, ASlowClientIsCutOffWhileOthersAreServed) {
  ServerOptions o = small_options();
  o.read_timeout_seconds = 1;
  RunningServer s(o);
  // Slowloris: a header line, then one byte every 200 ms, never finishing.
  std::atomic<bool> cut{false};
  std::atomic<double> cut_after{0};
  std::thread slow([&] {
    const auto start = std::chrono::steady_clock::now();
    const int fd = testing::connect_loopback(s.port());
    if (fd < 0) return;
    testing::send_all(fd, "POST /fast HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 40 && !cut; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!testing::send_all(fd, "X")) cut = true;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 0) > 0) cut = true;  // the server closed the connection
    }
    cut_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(fd);
  });
  for (int i = 0; i < 10; ++i) EXPECT_EQ(http_get(s.port(), "/fast").status, 200);
  slow.join();
  EXPECT_TRUE(cut.load()) << "the slow client was never cut off";
  EXPECT_LT(cut_after.load(), 3.0);
}

TEST(HttpServer, KeepAliveServesSeveralRequestsOnOneConnection) {
  RunningServer s(small_options());
  const int fd = testing::connect_loopback(s.port());
  ASSERT_GE(fd, 0);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(testing::send_all(fd, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"));
    const auto r = testing::parse_response(testing::read_response_bytes(fd, 5));
    EXPECT_EQ(r.status, 200) << "request " << i << ": " << r.error;
  }
  ::close(fd);
  EXPECT_EQ(s.server().stats().connections, 1u);
}

TEST(HttpServer, StopAnswersEveryRequestAlreadyReadThenReturns) {
  auto s = std::make_unique<RunningServer>(small_options());
  const int port = s->port();
  std::vector<std::future<RawResponse>> replies;
  for (int i = 0; i < 4; ++i)
    replies.push_back(std::async(std::launch::async, [port] { return http_get(port, "/slow?ms=500"); }));
  // An idle keep-alive connection must not hold the drain.
  const int idle = testing::connect_loopback(port);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  s->server().stop();
  s->join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& f : replies) EXPECT_EQ(f.get().status, 200) << "a request read before stop() was lost";
  EXPECT_EQ(s->server().stats().answered, 4u);
  EXPECT_LT(seconds, 3.0);
  EXPECT_EQ(http_get(port, "/fast").error, "connection refused");
  ::close(idle);
}

TEST(HttpServer, ConnectionsBeyondTheLimitAre503) {
  ServerOptions o = small_options();
  o.max_connections = 2;
  RunningServer s(o);
  const int a = testing::connect_loopback(s.port()), b = testing::connect_loopback(s.port());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto r = http_get(s.port(), "/fast");
  EXPECT_EQ(r.status, 503) << r.error;
  ::close(a);
  ::close(b);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(http_get(s.port(), "/fast").status, 200);
}

TEST(HttpServer, BindErrorsNameTheAddress) {
  RunningServer s(small_options());
  ServerOptions o = small_options();
  o.port = s.port();
  try {
    HttpServer second(o, test_router());
    FAIL() << "bound a port in use";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(s.port())));
  }
  o.host = "not-an-address";
  o.port = 0;
  EXPECT_THROW(HttpServer(o, test_router()), std::exception);
}

}  // namespace
}  // namespace mtbench::serve
