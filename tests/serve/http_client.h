#pragma once
// A deliberately low-level HTTP client for the server tests: raw bytes over a loopback socket,
// so malformed requests, huge headers and slow clients can be sent as such.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <string>

namespace mtbench::testing {

// One parsed response (status 0 and `error` set when none arrived).
struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
  double seconds = 0;  // from connect to the end of the response
};

// A connected loopback socket, or -1.
inline int connect_loopback(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Sends everything it can (stops quietly when the peer closes).
inline bool send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Reads until the peer closes, `timeout_seconds` pass, or one whole response (by
// Content-Length) has arrived.
inline std::string read_response_bytes(int fd, double timeout_seconds) {
  std::string data;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(timeout_seconds * 1000));
  char buffer[65536];
  for (;;) {
    const auto header_end = data.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      std::string head = data.substr(0, header_end);
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      const auto cl = head.find("content-length:");
      if (cl != std::string::npos && data.size() >= header_end + 4 + std::stoul(head.substr(cl + 15))) break;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  return data;
}

inline RawResponse parse_response(const std::string& data) {
  RawResponse r;
  const auto header_end = data.find("\r\n\r\n");
  if (data.rfind("HTTP/1.1 ", 0) != 0 || header_end == std::string::npos) {
    r.error = data.empty() ? "no response (connection closed)" : "not an HTTP response: " + data.substr(0, 80);
    return r;
  }
  r.status = std::stoi(data.substr(9, 3));
  std::size_t pos = data.find("\r\n") + 2;
  while (pos < header_end) {
    const auto eol = data.find("\r\n", pos);
    const std::string line = data.substr(pos, eol - pos);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers[name] = value;
    }
    pos = eol + 2;
  }
  r.body = data.substr(header_end + 4);
  if (r.headers.count("content-length"))
    r.body.resize(std::min(r.body.size(), std::stoul(r.headers["content-length"])));
  return r;
}

// Connects, sends `request` as is, reads one response.
inline RawResponse http_exchange(int port, const std::string& request, double timeout_seconds = 60) {
  const auto start = std::chrono::steady_clock::now();
  RawResponse r;
  const int fd = connect_loopback(port);
  if (fd < 0) {
    r.error = "connection refused";
    return r;
  }
  send_all(fd, request);  // a server that answers early (413) may close before all is sent
  r = parse_response(read_response_bytes(fd, timeout_seconds));
  ::close(fd);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

inline std::string http_request_bytes(const std::string& method, const std::string& path, const std::string& body = "",
                                      const std::string& extra_headers = "") {
  std::string r = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers;
  if (method == "POST")
    r += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return r + "\r\n" + body;
}

inline RawResponse http_get(int port, const std::string& path) {
  return http_exchange(port, http_request_bytes("GET", path));
}
inline RawResponse http_post(int port, const std::string& path, const std::string& body, double timeout_seconds = 120) {
  return http_exchange(port, http_request_bytes("POST", path, body), timeout_seconds);
}

}  // namespace mtbench::testing
