#include "serve/http_server.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <unordered_set>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "serve/worker_pool.h"

namespace mtbench::serve {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

HttpResponse json_error(int status, const std::string& message) {
  HttpResponse r;
  r.status = status;
  r.body = nlohmann::json{{"error", message}, {"status", status}}.dump(-1, ' ', false,
                                                                       nlohmann::json::error_handler_t::replace);
  return r;
}

namespace {

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000.0));
}

class Session;

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions o, Router r) : options(std::move(o)), router(std::move(r)) {}
  // Handlers still queued when the io_context goes (a drain cut short) own sessions whose
  // destructors must not touch what is already gone.
  ~Impl() { destroyed = true; }

  ServerOptions options;
  Router router;
  // Declared before the io_context: they outlive the handlers it destroys.
  std::unordered_set<Session*> sessions;  // I/O thread only
  bool draining = false;                  // I/O thread only
  bool destroyed = false;                 // set when the server goes away
  int bound_port = 0;
  std::atomic<std::uint64_t> connections{0}, requests{0}, answered{0}, r2{0}, r4{0}, r5{0}, busy{0}, timed_out{0};
  net::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  net::signal_set signals{ioc};
  net::steady_timer drain_deadline{ioc};
  net::steady_timer accept_retry{ioc};
  std::unique_ptr<WorkerPool> pool;

  void accept();
  void begin_drain();
  void session_closed(Session* s);
  void count(int status) {
    if (status >= 500) {
      ++r5;
    } else if (status >= 400) {
      ++r4;
    } else {
      ++r2;
    }
  }
};

namespace {

// The state shared between a pooled job and its connection: whoever claims it first answers
// (the job's result, or the 504 of the deadline timer).
struct JobClaim {
  std::atomic<bool> claimed{false};
};

// One connection: read a request, answer it, repeat while keep-alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(HttpServer::Impl& server, tcp::socket socket)
      : server_(server), stream_(std::move(socket)), deadline_(server.ioc) {
    server_.sessions.insert(this);
  }
  ~Session() { server_.session_closed(this); }

  void start() { read_header(); }

  // Answers 503 and closes (connection limit).
  void refuse() {
    keep_alive_ = false;
    auto r = json_error(503, "too many open connections; retry later");
    r.headers.emplace_back("Retry-After", "1");
    write(r);
  }

  // Drain: a connection waiting for its next request, with nothing of it read, is closed.
  void close_if_idle() {
    if (reading_ && buffer_.size() == 0 && (!parser_ || !parser_->got_some())) {
      beast::error_code ec;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
      stream_.socket().close(ec);
    }
  }

 private:
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(millis(server_.options.read_timeout_seconds));
    reading_ = true;
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    const auto length = parser_->content_length();
    if (length && *length > server_.options.max_body_bytes) {
      reading_ = false;
      keep_alive_ = false;
      return write(json_error(413, fmt::format("request body of {} bytes is over the limit of {} bytes", *length,
                                               server_.options.max_body_bytes)));
    }
    const auto& req = parser_->get();
    if (req[http::field::expect] == "100-continue") {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, req.version());
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code e, std::size_t) {
        if (e) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read_error(beast::error_code ec) {
    reading_ = false;
    keep_alive_ = false;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == net::error::eof ||
        ec == net::error::connection_reset || ec == net::error::bad_descriptor)
      return close();
    // A request that did not arrive in time (a slow or stalled client, slowloris): Beast's
    // stream has already closed the socket when its timer expired, so there is no 408 to send.
    if (ec == beast::error::timeout) return close();
    if (ec == http::error::header_limit)
      return write(json_error(
          431, fmt::format("request headers are over the limit of {} bytes", server_.options.max_header_bytes)));
    if (ec == http::error::body_limit)
      return write(
          json_error(413, fmt::format("request body is over the limit of {} bytes", server_.options.max_body_bytes)));
    if (ec.category() == http::make_error_code(http::error::bad_method).category())
      return write(json_error(400, "malformed HTTP request: " + ec.message()));
    close();
  }

  void on_read(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    reading_ = false;
    stream_.expires_never();
    ++server_.requests;
    answering_read_request_ = true;
    auto& msg = parser_->get();
    keep_alive_ = msg.keep_alive() && !server_.draining;
    HttpRequest req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    req.path = req.target.substr(0, req.target.find_first_of("?#"));
    req.content_type = std::string(msg[http::field::content_type]);
    req.body = std::move(msg.body());
    Routed routed;
    try {
      routed = server_.router(req);
    } catch (const std::exception& e) {
      routed.response = json_error(500, std::string("internal error: ") + e.what());
    }
    if (routed.response) return write(*routed.response);
    if (!routed.job) return write(json_error(500, "internal error: the router gave no answer"));

    auto claim = std::make_shared<JobClaim>();
    deadline_.expires_after(millis(server_.options.request_timeout_seconds));
    deadline_.async_wait([self = shared_from_this(), claim](beast::error_code e) {
      if (e || claim->claimed.exchange(true)) return;
      ++self->server_.timed_out;
      self->keep_alive_ = false;
      self->write(json_error(504, fmt::format("no answer within {} s (the server is busy or the request is long)",
                                              self->server_.options.request_timeout_seconds)));
    });
    auto job = std::move(routed.job);
    net::io_context& ioc = server_.ioc;
    const bool queued = server_.pool->try_submit([self = shared_from_this(), claim, job = std::move(job), &ioc] {
      if (claim->claimed.load()) return;  // the deadline passed while it waited: skip the work
      HttpResponse response;
      try {
        response = job();
      } catch (const std::exception& e) {
        response = json_error(500, std::string("internal error: ") + e.what());
      }
      net::post(ioc, [self, claim, response = std::move(response)]() mutable {
        if (claim->claimed.exchange(true)) return;
        self->deadline_.cancel();
        self->write(response);
      });
    });
    if (!queued) {
      claim->claimed = true;
      deadline_.cancel();
      auto r = json_error(503, fmt::format("busy: {} requests are waiting; retry later", server_.pool->queued()));
      r.headers.emplace_back("Retry-After", "1");
      write(r);
    }
  }

  void write(const HttpResponse& r) {
    if (server_.draining) keep_alive_ = false;
    if (r.status == 503) ++server_.busy;
    server_.count(r.status);
    if (answering_read_request_) {
      answering_read_request_ = false;
      ++server_.answered;
    }
    auto res = std::make_shared<http::response<http::string_body>>(static_cast<http::status>(r.status), 11);
    for (const auto& [name, value] : server_.options.default_headers) res->set(name, value);
    res->set(http::field::content_type, r.content_type);
    for (const auto& [name, value] : r.headers) res->set(name, value);
    res->keep_alive(keep_alive_);
    res->body() = r.body;
    res->prepare_payload();
    stream_.expires_after(millis(server_.options.read_timeout_seconds));
    http::async_write(stream_, *res, [self = shared_from_this(), res](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      if (!self->keep_alive_ || self->server_.draining) return self->linger();
      self->read_header();
    });
  }

  // Closing a socket with unread input makes the kernel send RST, and the client may lose the
  // answer it has not read yet (a 413 to a client still sending 10 MB): stop sending, read and
  // discard for a moment, then close.
  void linger() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    lingered_ = 0;
    stream_.expires_after(std::chrono::seconds(2));
    discard();
  }
  void discard() {
    scratch_.resize(16384);
    stream_.async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->lingered_ += n;
      if (ec || self->lingered_ > 64u * 1024 * 1024) return self->close();
      self->discard();
    });
  }

  void close() {
    reading_ = false;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

  HttpServer::Impl& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  net::steady_timer deadline_;
  std::string scratch_;
  std::size_t lingered_ = 0;
  bool keep_alive_ = true;
  bool reading_ = false;
  bool answering_read_request_ = false;  // the next write answers a request read completely
};

}  // namespace

void HttpServer::Impl::accept() {
  acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Out of file descriptors and the like: try again shortly rather than spin.
      accept_retry.expires_after(std::chrono::milliseconds(100));
      accept_retry.async_wait([this](beast::error_code e) {
        if (!e && !draining) accept();
      });
      return;
    }
    ++connections;
    auto session = std::make_shared<Session>(*this, std::move(socket));
    if (sessions.size() > options.max_connections) {
      session->refuse();
    } else {
      session->start();
    }
    accept();
  });
}

void HttpServer::Impl::begin_drain() {
  if (draining) return;
  draining = true;
  beast::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  accept_retry.cancel();
  // Copy: closing may end sessions (their destructors erase themselves) later, not now, but
  // keep the iteration safe regardless.
  const std::vector<Session*> open(sessions.begin(), sessions.end());
  for (Session* s : open) s->close_if_idle();
  if (!sessions.empty()) {
    drain_deadline.expires_after(millis(options.drain_timeout_seconds));
    drain_deadline.async_wait([this](beast::error_code e) {
      if (!e) ioc.stop();
    });
  }
}

void HttpServer::Impl::session_closed(Session* s) {
  if (destroyed) return;
  sessions.erase(s);
  if (draining && sessions.empty()) drain_deadline.cancel();
}

HttpServer::HttpServer(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {
  auto& o = impl_->options;
  if (o.port < 0 || o.port > 65535) fail<ConfigError>("--port {}: not a TCP port (0-65535)", o.port);
  const std::string host = o.host == "localhost" ? "127.0.0.1" : o.host;
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (ec) fail<ConfigError>("--host '{}': not an IP address (give e.g. 127.0.0.1, ::1 or 0.0.0.0)", o.host);
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(o.port));
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("cannot listen on {}:{}: {}", o.host, o.port, ec.message());
  impl_->bound_port = acceptor.local_endpoint().port();
  impl_->pool = std::make_unique<WorkerPool>(o.workers, o.queue);
}

HttpServer::~HttpServer() {
  if (impl_->pool) impl_->pool->drain();
}

int HttpServer::port() const {
  return impl_->bound_port;
}

void HttpServer::run() {
  auto& s = *impl_;
  if (s.options.handle_signals) {
    s.signals.add(SIGINT);
    s.signals.add(SIGTERM);
    s.signals.async_wait([&s](beast::error_code ec, int) {
      if (!ec) s.begin_drain();
    });
  }
  s.accept();
  s.ioc.run();
  // Every connection is closed (or the drain deadline passed): finish the jobs still running.
  s.pool->drain();
}

void HttpServer::stop() {
  net::post(impl_->ioc, [this] { impl_->begin_drain(); });
}

ServerStats HttpServer::stats() const {
  const auto& s = *impl_;
  ServerStats out;
  out.connections = s.connections;
  out.requests = s.requests;
  out.answered = s.answered;
  out.responses_2xx = s.r2;
  out.responses_4xx = s.r4;
  out.responses_5xx = s.r5;
  out.rejected_busy = s.busy;
  out.timed_out = s.timed_out;
  return out;
}

}  // namespace mtbench::serve
