// `mtbench serve` end to end: four real models (rule-based, phrase-based, RNN, Transformer, tiny
// ones trained on 1,000 Multi30k pairs), served by the real executable on loopback; the API,
// bad input under traffic, concurrent clients, SIGTERM under load, loopback binding, a broken
// model, and headless Chromium driving the page over the DevTools protocol.

#include <ifaddrs.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/file_lock.h"
#include "base/text_file.h"
#include "systems/model_dir.h"
#include "tests/cli/run_mtbench.h"
#include "tests/serve/cdp_client.h"
#include "tests/serve/http_client.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

extern char** environ;

namespace mtbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using ::testing::HasSubstr;
using testing::http_exchange;
using testing::http_get;
using testing::http_post;
using testing::http_request_bytes;
using testing::q;

// A `mtbench serve` child process.
class ServeProcess {
 public:
  ServeProcess(const std::vector<std::string>& args, const fs::path& dir, const std::string& name) : dir_(dir) {
    err_ = dir / (name + ".stderr");
    const fs::path port_file = dir / (name + ".port");
    fs::remove(port_file);
    std::vector<std::string> all = {
        MTBENCH_BINARY_DIR "/mtbench", "serve", "--port", "0", "--port-file", port_file.string()};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    for (int i = 0; i < 1200 && port_ == 0 && running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::ifstream in(port_file);
      in >> port_;
    }
  }
  ~ServeProcess() {
    if (pid_ > 0 && status_ < 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string stderr_text() const { return read_file(err_); }
  bool running() {
    if (status_ >= 0) return false;
    int st = 0;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return false;
    }
    return true;
  }
  // Sends `sig` and waits (at most `seconds`) for the exit status; -1 when it did not exit.
  int stop(int sig, double seconds) {
    kill(pid_, sig);
    return wait(seconds);
  }
  int wait(double seconds) {
    for (int i = 0; i < seconds * 20 && running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return status_;
  }

 private:
  fs::path dir_, err_;
  pid_t pid_ = -1;
  int port_ = 0;
  int status_ = -1;
};

class ServeCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
#ifndef MTBENCH_HAVE_TORCH
    skip_ = "built without LibTorch: serving all four eras needs the neural systems";
    return;
#endif
    const auto de = testing::shared_file("corpora/multi30k/train.de.gz");
    const auto en = testing::shared_file("corpora/multi30k/train.en.gz");
    if (de.empty() || en.empty()) {
      skip_ = "shared Multi30k not found under " + testing::shared_dir().string();
      return;
    }
    if (!fs::exists("/usr/share/dictd/freedict-deu-eng.index")) {
      skip_ = "FreeDict deu-eng not installed (scripts/setup.sh installs it)";
      return;
    }
    dir_ = new testing::ScratchDir();
    // ctest runs every test in its own process: the four models are trained once per build of
    // mtbench into the build tree (under a lock, for ctest -j) and reused by the others.
    models_ = new fs::path(fs::path(MTBENCH_BINARY_DIR) / "test-cache" / "serve-models");
    const auto& d = *models_;
    fs::create_directories(d);
    FileLock lock(d / ".lock");
    const auto binary = fs::path(MTBENCH_BINARY_DIR) / "mtbench";
    const std::string stamp = std::to_string(fs::file_size(binary)) + " " +
                              std::to_string(fs::last_write_time(binary).time_since_epoch().count());
    const bool fresh = path_exists(d / "stamp") && read_file(d / "stamp") == stamp;
    for (const char* m : {"rb", "pb", "rnn", "tf"})
      if (!fresh || !is_intact_model(d / m)) fs::remove_all(d / m);
    auto src = read_lines(de), tgt = read_lines(en);
    write_lines_atomic(d / "train.de", {src.begin(), src.begin() + 1000});
    write_lines_atomic(d / "train.en", {tgt.begin(), tgt.begin() + 1000});
    write_lines_atomic(d / "dev.de", {src.begin() + 1000, src.begin() + 1100});
    write_lines_atomic(d / "dev.en", {tgt.begin() + 1000, tgt.begin() + 1100});
    write_file_atomic(d / "tf.yaml", std::string(testing::kTransformerToyTraining) +
                                         "vocab_size: 200\ndim: 32\nheads: 2\nffn_dim: 64\nencoder_layers: 2\n"
                                         "decoder_layers: 2\nmax_steps: 30\nvalidate_every: 15\nmax_minutes: 0\n"
                                         "learning_rate: 0.45\nwarmup_steps: 10\n");
    write_file_atomic(d / "rnn.yaml", std::string(testing::kRnnToyTraining) +
                                          "vocab_size: 200\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\n"
                                          "attention_dim: 16\noutput_dim: 16\nmax_steps: 30\nvalidate_every: 15\n"
                                          "patience: 3\nmax_minutes: 0\n");
    const std::string data = " --train-src " + q(d / "train.de") + " --train-tgt " + q(d / "train.en") + " --dev-src " +
                             q(d / "dev.de") + " --dev-tgt " + q(d / "dev.en") + " --src-lang de --tgt-lang en";
    for (const auto& [system, extra, out] :
         {std::tuple{"rule-based", "", "rb"}, std::tuple{"phrase-based", " --preset quick", "pb"},
          std::tuple{"rnn-attention", " --config rnn.yaml", "rnn"},
          std::tuple{"transformer", " --config tf.yaml", "tf"}}) {
      if (is_intact_model(d / out)) continue;
      std::string e = extra;
      if (e.find(".yaml") != std::string::npos) e = " --config " + q(d / e.substr(10));
      const auto run = testing::run_mtbench(
          "-q --threads 2 train " + std::string(system) + data + e + " --out " + q(d / out), dir_->path());
      if (run.status != 0) {
        skip_ = std::string("training ") + system + " failed: " + run.err;
        return;
      }
    }
    write_file_atomic(d / "stamp", stamp);
    server_ = new ServeProcess({"--models", "RB=" + (d / "rb").string(), "--models", "PB=" + (d / "pb").string(),
                                "--models", "RNN=" + (d / "rnn").string(), "--models", "TF=" + (d / "tf").string(),
                                "--workers", "2", "--read-timeout", "2"},
                               dir_->path(), "main");
    if (server_->port() == 0) skip_ = "server did not start: " + server_->stderr_text();
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
    delete models_;
  }
  void SetUp() override {
    if (!skip_.empty()) {
      if (skip_.find("failed") != std::string::npos || skip_.find("did not start") != std::string::npos)
        FAIL() << skip_;
      GTEST_SKIP() << skip_;
    }
  }
  static int port() {
    return server_->port();
  }

  static std::string skip_;
  static testing::ScratchDir* dir_;
  static fs::path* models_;
  static ServeProcess* server_;
};
std::string ServeCommand::skip_;
testing::ScratchDir* ServeCommand::dir_ = nullptr;
fs::path* ServeCommand::models_ = nullptr;
ServeProcess* ServeCommand::server_ = nullptr;

const char* kSentence = "Ein kleines Mädchen klettert auf einen Baum.";

TEST_F(ServeCommand, TranslatesWithEveryEraAndExplainsEach) {
  const auto r = http_post(port(), "/api/translate", json{{"text", kSentence}, {"explain", true}}.dump());
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  EXPECT_THAT(r.headers.at("content-security-policy"), HasSubstr("script-src 'self'"));
  const auto j = json::parse(r.body);
  ASSERT_EQ(j["results"].size(), 4u);
  std::map<std::string, json> by_label;
  for (const auto& s : j["results"]) {
    EXPECT_FALSE(s.contains("error")) << s.dump();
    EXPECT_FALSE(s.value("output", "").empty()) << s["label"];
    by_label[s["label"]] = s;
  }
  EXPECT_FALSE(by_label["RB"]["explanation"]["lexicon"].empty());
  EXPECT_FALSE(by_label["PB"]["explanation"]["phrases"].empty());
  std::set<std::string> kinds;
  for (const auto& m : by_label["TF"]["explanation"]["attention"]) kinds.insert(m["kind"]);
  EXPECT_TRUE(kinds.count("cross") && kinds.count("encoder-self") && kinds.count("positional-encoding"))
      << by_label["TF"]["explanation"].dump().substr(0, 300);
  EXPECT_FALSE(by_label["RNN"]["explanation"]["attention"].empty());
  // The same sentence as `mtbench translate` gives with the same model.
  write_file_atomic(*dir_ / "one.de", std::string(kSentence) + "\n");
  const auto cli =
      testing::run_mtbench("-q translate --model " + q(*models_ / "pb") + " -i " + q(*dir_ / "one.de"), dir_->path());
  EXPECT_EQ(cli.out, by_label["PB"]["output"].get<std::string>() + "\n");

  const auto systems = json::parse(http_get(port(), "/api/systems").body);
  ASSERT_EQ(systems["systems"].size(), 4u);
  EXPECT_EQ(systems["systems"][3]["system"], "transformer");
  EXPECT_EQ(systems["systems"][3]["source_lang"], "de");
  EXPECT_EQ(http_get(port(), "/healthz").status, 200);
}

TEST_F(ServeCommand, BadInputGets4xxWhileOthersAreServedThroughout) {
  std::atomic<bool> done{false};
  std::atomic<int> good{0}, bad{0};
  std::thread traffic([&] {
    while (!done) {
      const auto r = http_post(port(), "/api/translate", json{{"text", "Ein Hund."}, {"systems", {"RB", "PB"}}}.dump());
      (r.status == 200 ? good : bad)++;
    }
  });
  std::thread slowloris([&] {
    const int fd = testing::connect_loopback(port());
    testing::send_all(fd, "POST /api/translate HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 30; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (!testing::send_all(fd, "X")) break;
    }
    ::close(fd);
  });
  std::string words;
  for (int i = 0; i < 2000; ++i) words += "Hund ";
  const std::vector<std::tuple<std::string, std::string, int>> cases = {
      {"10 MB body", http_request_bytes("POST", "/api/translate", std::string(10 << 20, 'a')), 413},
      {"2,000-word sentence", http_request_bytes("POST", "/api/translate", json{{"text", words}}.dump()), 413},
      {"invalid JSON", http_request_bytes("POST", "/api/translate", "{\"text\": \"Ein"), 400},
      {"invalid UTF-8", http_request_bytes("POST", "/api/translate", "{\"text\": \"M\xe4\x64\x63hen\"}"), 400},
      {"unknown system", http_request_bytes("POST", "/api/translate", R"({"text": "a", "systems": ["GPT"]})"), 400},
      {"path as system", http_request_bytes("POST", "/api/translate", R"({"text": "a", "systems": ["/etc/passwd"]})"),
       400},
      {"model path field", http_request_bytes("POST", "/api/translate", R"({"text": "a", "model": "/tmp/x"})"), 400},
      {"path in URL", http_request_bytes("GET", "/../../../etc/passwd"), 404},
      {"encoded path in URL", http_request_bytes("GET", "/assets/%2e%2e/%2e%2e/etc/passwd"), 404},
      {"huge header", http_request_bytes("GET", "/", "", "Cookie: " + std::string(100000, 'c') + "\r\n"), 431},
      {"malformed HTTP", "HELLO\r\n\r\n", 400},
  };
  for (const auto& [name, request, status] : cases) {
    const auto r = http_exchange(port(), request, 30);
    EXPECT_EQ(r.status, status) << name << ": " << r.body << r.error;
    if (r.status >= 400) {
      EXPECT_NO_THROW({
        const auto parsed = json::parse(r.body);  // named: a discarded result is a -Wunused-result warning
        static_cast<void>(parsed);
      }) << name;
    }
  }
  slowloris.join();
  done = true;
  traffic.join();
  EXPECT_GT(good.load(), 0);
  EXPECT_EQ(bad.load(), 0) << "a normal client was refused while bad input arrived";
  EXPECT_EQ(http_get(port(), "/healthz").status, 200);
}

TEST_F(ServeCommand, SixteenConcurrentClientsGetAnswersOrDeliberate503s) {
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::vector<std::thread> clients;
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  for (int c = 0; c < 16; ++c)
    clients.emplace_back([&, c] {
      while (std::chrono::steady_clock::now() < end) {
        const auto r = http_post(port(), "/api/translate",
                                 json{{"text", "Zwei Männer spielen Fußball " + std::to_string(c)}}.dump());
        if (r.status == 200) {
          ++ok;
        } else if (r.status == 503) {
          ++busy;
        } else {
          ++other;
        }
      }
    });
  for (auto& t : clients) t.join();
  EXPECT_GT(ok.load(), 16);
  EXPECT_EQ(other.load(), 0);
}

TEST_F(ServeCommand, ListensOnLoopbackOnlyUnlessToldOtherwise) {
  EXPECT_THAT(server_->stderr_text(), HasSubstr("on http://127.0.0.1:" + std::to_string(port()) + "/"));
  // Another address of this machine does not reach it.
  ifaddrs* list = nullptr;
  ASSERT_EQ(getifaddrs(&list), 0);
  std::string other;
  for (auto* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET) continue;
    const auto addr = reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr;
    if ((ntohl(addr.s_addr) >> 24) == 127) continue;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(port()));
    to.sin_addr = addr;
    EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0) << "reachable on a non-loopback address";
    ::close(fd);
    other = a->ifa_name;
  }
  freeifaddrs(list);
  if (other.empty()) std::cerr << "no non-loopback IPv4 address to try\n";

  ServeProcess open({"--models", (*models_ / "rb").string(), "--host", "0.0.0.0"}, dir_->path(), "open");
  ASSERT_GT(open.port(), 0) << open.stderr_text();
  EXPECT_THAT(open.stderr_text(), HasSubstr("warning: listening on 0.0.0.0"));
  EXPECT_EQ(open.stop(SIGINT, 30), 0);
}

TEST_F(ServeCommand, SigtermUnderLoadAnswersWhatWasReadAndExitsZero) {
  ServeProcess s({"--models", "RB=" + (*models_ / "rb").string(), "--models", "TF=" + (*models_ / "tf").string()},
                 dir_->path(), "term");
  ASSERT_GT(s.port(), 0) << s.stderr_text();
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0}, refused{0}, lost{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c)
    clients.emplace_back([&] {
      while (!stop) {
        const auto r = http_post(s.port(), "/api/translate", json{{"text", kSentence}}.dump(), 60);
        if (r.status != 0) {
          ++answered;
        } else if (r.error == "connection refused") {
          ++refused;
          return;  // the listener is gone
        } else {
          ++lost;
        }
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int status = s.stop(SIGTERM, 60);
  stop = true;
  for (auto& t : clients) t.join();
  EXPECT_EQ(status, 0) << s.stderr_text();
  EXPECT_GT(answered.load(), 0);
  // The server's own count: every request it read was answered.
  const std::string err = s.stderr_text();
  const auto at = err.find("serve: stopped after ");
  ASSERT_NE(at, std::string::npos) << err;
  unsigned long connections = 0, requests = 0, answered_read = 0, ok = 0, e4 = 0, e5 = 0;
  ASSERT_EQ(std::sscanf(err.c_str() + at,
                        "serve: stopped after %lu connections: %lu requests read, %lu of them answered; responses %lu "
                        "2xx, %lu 4xx, %lu 5xx",
                        &connections, &requests, &answered_read, &ok, &e4, &e5),
            6)
      << err;
  EXPECT_EQ(answered_read, requests) << err;
  EXPECT_EQ(ok + e4 + e5, requests) << "only complete requests were sent: " << err;
  EXPECT_EQ(static_cast<unsigned long>(answered.load()), ok + e4 + e5);
  // Connections the kernel queued but the server never read may be reset: not accepted requests.
  EXPECT_LE(lost.load(), 8);
}

TEST_F(ServeCommand, AModelThatFailsToLoadIsNamedAtStartUp) {
  const fs::path broken = *dir_ / "broken";
  fs::create_directories(broken);
  fs::copy(*models_ / "rb", broken, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  write_file_atomic(broken / "rules.txt", "tampered\n");
  ServeProcess s({"--models", "OK=" + (*models_ / "rb").string(), "--models", "BAD=" + broken.string()}, dir_->path(),
                 "broken");
  ASSERT_GT(s.port(), 0) << s.stderr_text();
  EXPECT_THAT(s.stderr_text(), HasSubstr("error: model " + broken.string() + " (BAD) failed to load"));
  const auto systems = json::parse(http_get(s.port(), "/api/systems").body);
  EXPECT_EQ(systems["systems"][1]["loaded"], false);
  EXPECT_THAT(systems["systems"][1]["error"].get<std::string>(), HasSubstr("rules.txt"));
  EXPECT_EQ(s.stop(SIGTERM, 30), 0);

  ServeProcess none({"--models", broken.string()}, dir_->path(), "none");
  EXPECT_EQ(none.wait(30), 1);
  EXPECT_THAT(none.stderr_text(), HasSubstr("none of the 1 models could be loaded"));
}

TEST_F(ServeCommand, ARunDirectoryServesItsModelsAndItsReportUnderAHashedCsp) {
  const fs::path run = *dir_ / "run";
  fs::create_directories(run);
  write_file_atomic(
      run / "results.json",
      json{{"systems",
            {{{"label", "RB"}, {"model_dir", (*models_ / "rb").string()}}, {{"label", "Moses"}, {"model_dir", ""}}}}}
          .dump());
  const std::string report =
      "<!DOCTYPE html><html><head><style>p{}</style></head><body><p>report</p>"
      "<script type=\"application/json\" id=\"mtbench-data\">{}</script><script>\ndocument.title = 'ok';\n</script>"
      "</body></html>\n";
  write_file_atomic(run / "report.html", report);
  ServeProcess s({"--run", run.string()}, dir_->path(), "run");
  ASSERT_GT(s.port(), 0) << s.stderr_text();
  EXPECT_THAT(s.stderr_text(), HasSubstr("Moses has no model directory"));
  const auto systems = json::parse(http_get(s.port(), "/api/systems").body);
  ASSERT_EQ(systems["systems"].size(), 1u);
  EXPECT_EQ(systems["systems"][0]["label"], "RB");
  EXPECT_EQ(systems["report"], true);
  const auto r = http_get(s.port(), "/report");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, report);
  // sha256 of "\ndocument.title = 'ok';\n": printf "\ndocument.title = 'ok';\n" | openssl dgst -sha256 -binary | base64
  EXPECT_THAT(r.headers.at("content-security-policy"),
              HasSubstr("script-src 'sha256-oPsXdaOBihr3fnsjQ9NJJouURzzYW5C7bTe36qLSzIs='"));
  EXPECT_EQ(r.headers.at("content-security-policy").find("script-src 'unsafe-inline'"), std::string::npos);
  EXPECT_EQ(s.stop(SIGTERM, 30), 0);
}

// The page in a real browser: type, submit, see four outputs and the attention head view.
TEST_F(ServeCommand, BrowserTypesASentenceAndSeesEveryEraAndTheHeadView) {
  if (!testing::CdpBrowser::available()) GTEST_SKIP() << "chromium not found: install Debian's chromium";
  testing::CdpBrowser browser(*dir_ / "chromium-profile");
  const std::string url = "http://127.0.0.1:" + std::to_string(port()) + "/";
  browser.page("Page.navigate", {{"url", url}});
  ASSERT_TRUE(browser.wait_for("document.documentElement.getAttribute('data-systems') === '4'", 30));
  // Type: focus the box, select its text, insert ours as keyboard input would.
  browser.eval("(() => { const t = document.getElementById('text'); t.focus(); t.select(); })()");
  browser.page("Input.insertText", {{"text", "Ein Junge spielt mit einem Hund."}});
  EXPECT_EQ(browser.eval("document.getElementById('text').value"), "Ein Junge spielt mit einem Hund.");
  browser.click("#translate");
  ASSERT_TRUE(browser.wait_for("document.documentElement.getAttribute('data-translated') === '1'", 60))
      << browser.eval("document.getElementById('status').textContent");
  const auto outputs = browser.eval(
      "Array.from(document.querySelectorAll('#outputs-body .system-output')).map(c => [c.dataset.label, "
      "c.querySelector('.text').textContent, c.querySelector('.text').classList.contains('error')])");
  ASSERT_EQ(outputs.size(), 4u) << outputs.dump();
  for (const auto& o : outputs) {
    EXPECT_FALSE(o[1].get<std::string>().empty()) << o.dump();
    EXPECT_FALSE(o[2].get<bool>()) << o.dump();
  }
  // The first explained system is drawn; open the Transformer's and find its head view.
  browser.click("#explanations-body button[data-label='TF']");
  ASSERT_TRUE(browser.wait_for("document.querySelectorAll('.head-view svg line').length > 0", 10));
  const int all_lines = browser.eval("document.querySelectorAll('.head-view svg line').length").get<int>();
  // Hovering a query token keeps only its links.
  browser.eval("document.querySelector('.head-view text.tok').dispatchEvent(new MouseEvent('mouseenter'))");
  EXPECT_LT(browser.eval("document.querySelectorAll('.head-view svg line').length").get<int>(), all_lines);
  EXPECT_TRUE(browser.eval("!!document.querySelector('#explanations-body h3')").get<bool>());
  // The rule trace of the 1954 system.
  browser.click("#explanations-body button[data-label='RB']");
  EXPECT_TRUE(browser.wait_for("document.querySelector('#explanations-body table.data') !== null", 10));
  EXPECT_TRUE(browser.errors().empty()) << browser.errors().front();
  // An error message, not a crash, for input the server refuses (the browser logs the 413 itself).
  browser.eval("(() => { const t = document.getElementById('text'); t.value = 'Wort '.repeat(500); })()");
  browser.click("#translate");
  EXPECT_TRUE(browser.wait_for("document.getElementById('status').classList.contains('error')", 30));
  EXPECT_THAT(browser.eval("document.getElementById('status').textContent").get<std::string>(),
              HasSubstr("over the limit"));
  for (int width : {1400, 480}) {
    const std::string png = browser.screenshot(width);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    write_file_atomic(fs::path(MTBENCH_BINARY_DIR) / ("serve-screenshot-" + std::to_string(width) + ".png"), png);
  }
  EXPECT_EQ(browser.eval("document.documentElement.getAttribute('data-errors')"), "0");
  for (const auto& e : browser.errors()) EXPECT_THAT(e, HasSubstr("status of 413")) << "only the refused request";
}

}  // namespace
}  // namespace mtbench
