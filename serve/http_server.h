#pragma once
// A small HTTP/1.1 server on Boost.Beast (no HTTP parsing of our own) for `mtbench serve`:
// one I/O thread reads and writes every connection asynchronously; work that takes long (a
// translation) runs in a bounded WorkerPool. It knows nothing of MT: a Router turns each request
// into an answer, or into a job for the pool.
//
// Bounded by construction: header and body size limits (431, 413), a deadline for a whole
// request to arrive (slow clients are disconnected), a connection limit, a queue limit (503 with
// Retry-After), a deadline per request (504). stop() or SIGINT/SIGTERM drains: the listener
// closes, idle connections close, every request already read is answered, then run() returns.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtbench::serve {

// A request as the router sees it (the body is complete and within the limit).
struct HttpRequest {
  std::string method;        // "GET", "POST", ... as sent
  std::string target;        // path and query as sent, e.g. "/api/translate?x=1"
  std::string path;          // target without query or fragment
  std::string content_type;  // Content-Type header ("" when absent)
  std::string body;          // request body
};

// A response; the server adds Content-Length, Connection and the default headers.
struct HttpResponse {
  int status = 200;                                          // HTTP status code
  std::string content_type = "application/json";             // Content-Type
  std::string body;                                          // body bytes
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (override defaults of the same name)
};

// {"error": message, "status": status} with that status.
HttpResponse json_error(int status, const std::string& message);

// What the router makes of a request: an answer now (computed on the I/O thread, so it must be
// quick: static pages, validation errors) or a job for the worker pool.
struct Routed {
  std::optional<HttpResponse> response;  // answer now
  std::function<HttpResponse()> job;     // else: run this in the pool (exceptions become 500)
};
using Router = std::function<Routed(const HttpRequest&)>;

// Server settings; the CLI documents each with its flag.
struct ServerOptions {
  std::string host = "127.0.0.1";           // address to bind: an IPv4/IPv6 literal or "localhost"
  int port = 8080;                          // 0 = any free port (see HttpServer::port())
  int workers = 2;                          // pool threads running jobs
  std::size_t queue = 64;                   // jobs waiting beyond the running ones; more get 503
  std::size_t max_body_bytes = 64 * 1024;   // request body limit (413)
  std::size_t max_header_bytes = 8 * 1024;  // request line + headers limit (431)
  std::size_t max_connections = 256;        // open connections; more are answered 503 and closed
  double read_timeout_seconds = 10;         // a whole request must arrive within this (else disconnected)
  double request_timeout_seconds = 60;      // from read to answer, queue wait included (504)
  double drain_timeout_seconds = 30;        // after stop(): longest wait for open requests
  bool handle_signals = false;              // SIGINT/SIGTERM start the drain (the CLI sets it)
  std::vector<std::pair<std::string, std::string>> default_headers;  // added to every response
};

// Counters since start (read at any time from any thread).
struct ServerStats {
  std::uint64_t connections = 0;    // connections accepted
  std::uint64_t requests = 0;       // requests read completely
  std::uint64_t answered = 0;       // of those, answered (the rest: client gone, drain cut short)
  std::uint64_t responses_2xx = 0;  // answers by status class
  std::uint64_t responses_4xx = 0;
  std::uint64_t responses_5xx = 0;
  std::uint64_t rejected_busy = 0;  // 503: queue or connection limit
  std::uint64_t timed_out = 0;      // 504: request deadline passed
};

class HttpServer {
 public:
  // Binds and listens (an Error naming host, port and the OS reason when that fails).
  HttpServer(ServerOptions options, Router router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound port (the chosen one when options.port was 0).
  int port() const;
  // Serves until stop() or a signal, drains, then returns (the pool is joined).
  void run();
  // Starts the drain; safe from any thread, any number of times.
  void stop();
  ServerStats stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace mtbench::serve
