#pragma once
// A minimal Chrome DevTools Protocol client for browser tests: starts headless Chromium with a
// debugging port on loopback, opens a page target and sends commands over Beast's WebSocket
// (no npm, no puppeteer). Console errors, exceptions and log errors (CSP violations among them)
// are collected from the events. Every wait is bounded.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

extern char** environ;

namespace mtbench::testing {

class CdpBrowser {
 public:
  static constexpr const char* kChromium = "/usr/bin/chromium";
  static bool available() { return std::filesystem::exists(kChromium); }

  // Starts Chromium with its profile in `profile_dir`, connects, opens a blank page target.
  explicit CdpBrowser(const std::filesystem::path& profile_dir) {
    std::filesystem::create_directories(profile_dir);
    const std::string profile = "--user-data-dir=" + profile_dir.string();
    std::vector<std::string> args = {kChromium,
                                     "--headless",
                                     "--no-sandbox",
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--disable-extensions",
                                     "--disable-dev-shm-usage",
                                     "--remote-debugging-address=127.0.0.1",
                                     "--remote-debugging-port=0",
                                     profile,
                                     "about:blank"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string log = (profile_dir / "chromium.log").string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    const int rc = posix_spawn(&pid_, kChromium, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start chromium");
    // Chromium writes "PORT\n/devtools/browser/ID" once it listens.
    const auto file = profile_dir / "DevToolsActivePort";
    std::string port, path;
    for (int i = 0; i < 600 && path.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::ifstream in(file);
      std::getline(in, port);
      std::getline(in, path);
    }
    if (path.empty()) throw std::runtime_error("chromium did not open its debugging port (see " + log + ")");
    boost::asio::ip::tcp::resolver resolver(ioc_);
    boost::asio::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", port));
    timeval tv{60, 0};  // no read blocks for ever
    setsockopt(ws_.next_layer().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ws_.read_message_max(256u << 20);
    ws_.handshake("127.0.0.1:" + port, path);
    const auto target = call("Target.createTarget", {{"url", "about:blank"}});
    session_ = call("Target.attachToTarget", {{"targetId", target["targetId"]}, {"flatten", true}})["sessionId"];
    page("Runtime.enable");
    page("Page.enable");
    page("Log.enable");
  }

  ~CdpBrowser() {
    boost::beast::error_code ec;
    ws_.next_layer().close(ec);
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  // A browser-level command; returns its "result" (throws on a protocol error).
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object()) {
    return send(method, params, "");
  }
  // A command to the page.
  nlohmann::json page(const std::string& method, const nlohmann::json& params = nlohmann::json::object()) {
    return send(method, params, session_);
  }

  // Evaluates a JavaScript expression in the page (promises awaited); returns its value.
  nlohmann::json eval(const std::string& expression) {
    const auto r =
        page("Runtime.evaluate", {{"expression", expression}, {"returnByValue", true}, {"awaitPromise", true}});
    if (r.contains("exceptionDetails")) throw std::runtime_error("page script failed: " + r["exceptionDetails"].dump());
    return r["result"].value("value", nlohmann::json());
  }

  // Polls `expression` until it is truthy or `seconds` pass; returns whether it became true.
  bool wait_for(const std::string& expression, double seconds) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (std::chrono::steady_clock::now() < end) {
      try {
        const auto v = eval("!!(" + expression + ")");
        if (v.is_boolean() && v.get<bool>()) return true;
      } catch (const std::runtime_error&) {
        // The page is still loading (no document yet): try again.
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // A real mouse click at the centre of the first element matching `selector`.
  void click(const std::string& selector) {
    const auto box = eval("(() => { const e = document.querySelector(" + nlohmann::json(selector).dump() +
                          "); e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect(); "
                          "return [r.x + r.width / 2, r.y + r.height / 2]; })()");
    for (const char* type : {"mousePressed", "mouseReleased"})
      page("Input.dispatchMouseEvent",
           {{"type", type}, {"x", box[0]}, {"y", box[1]}, {"button", "left"}, {"clickCount", 1}});
  }

  // PNG bytes of the whole page at `width` CSS pixels.
  std::string screenshot(int width) {
    page("Emulation.setDeviceMetricsOverride",
         {{"width", width}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", width < 600}});
    const auto r = page("Page.captureScreenshot", {{"format", "png"}, {"captureBeyondViewport", true}});
    return base64_decode(r["data"].get<std::string>());
  }

  // Base64 as CDP sends images.
  static std::string decode_base64(const std::string& in) { return base64_decode(in); }

  // Console errors, uncaught exceptions and error-level log entries seen so far.
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  nlohmann::json send(const std::string& method, const nlohmann::json& params, const std::string& session) {
    const int id = ++next_id_;
    nlohmann::json message = {{"id", id}, {"method", method}, {"params", params}};
    if (!session.empty()) message["sessionId"] = session;
    ws_.write(boost::asio::buffer(message.dump()));
    for (int i = 0; i < 100000; ++i) {
      boost::beast::flat_buffer buffer;
      ws_.read(buffer);
      const auto reply = nlohmann::json::parse(boost::beast::buffers_to_string(buffer.data()));
      if (reply.contains("id") && reply["id"] == id) {
        if (reply.contains("error")) throw std::runtime_error(method + ": " + reply["error"].dump());
        return reply.value("result", nlohmann::json::object());
      }
      record_event(reply);
    }
    throw std::runtime_error(method + ": no reply");
  }

  void record_event(const nlohmann::json& e) {
    const std::string method = e.value("method", "");
    const auto& p = e.contains("params") ? e["params"] : nlohmann::json::object();
    if (method == "Runtime.exceptionThrown") errors_.push_back("exception: " + p.dump().substr(0, 500));
    if (method == "Runtime.consoleAPICalled" && p.value("type", "") == "error")
      errors_.push_back("console.error: " + p.dump().substr(0, 500));
    if (method == "Log.entryAdded" && p.contains("entry") && p["entry"].value("level", "") == "error")
      errors_.push_back("log: " + p["entry"].value("text", ""));
  }

  static std::string base64_decode(const std::string& in) {
    std::string out;
    int value = 0, bits = -8;
    for (unsigned char c : in) {
      int d;
      if (c >= 'A' && c <= 'Z')
        d = c - 'A';
      else if (c >= 'a' && c <= 'z')
        d = c - 'a' + 26;
      else if (c >= '0' && c <= '9')
        d = c - '0' + 52;
      else if (c == '+')
        d = 62;
      else if (c == '/')
        d = 63;
      else
        continue;
      value = (value << 6) + d;
      bits += 6;
      if (bits >= 0) {
        out.push_back(static_cast<char>((value >> bits) & 0xFF));
        bits -= 8;
      }
    }
    return out;
  }

  pid_t pid_ = -1;
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_{ioc_};
  std::string session_;
  int next_id_ = 0;
  std::vector<std::string> errors_;
};

}  // namespace mtbench::testing
