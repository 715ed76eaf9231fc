// serve_load: N concurrent clients POST /api/translate to a running `mtbench serve` on loopback
// for a bounded time; prints requests/s, status counts and latency percentiles (answered
// requests), and the server's resident memory. bench/serve_load.sh starts the server and runs
// the mixes; run alone as
//   build/bench/serve_load PORT CLIENTS SECONDS SYSTEMS(comma list or "all") EXPLAIN(0|1) SENTENCES_FILE [SERVER_PID]
// The HTTP client is the tests' raw-socket one (tests/serve/http_client.h).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/serve/http_client.h"

namespace {

std::string proc_status(int pid, const std::string& key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      long kb = 0;
      fields >> kb;
      return std::to_string(kb / 1024) + " MB";
    }
  return "?";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 7) {
    std::fprintf(stderr, "usage: serve_load PORT CLIENTS SECONDS SYSTEMS EXPLAIN SENTENCES_FILE [SERVER_PID]\n");
    return 2;
  }
  const int port = std::stoi(argv[1]), clients = std::stoi(argv[2]);
  const double seconds = std::stod(argv[3]);
  const std::string systems = argv[4];
  const bool explain = std::string(argv[5]) == "1";
  std::vector<std::string> sentences;
  {
    std::ifstream in(argv[6]);
    std::string line;
    while (std::getline(in, line) && sentences.size() < 1000)
      if (!line.empty()) sentences.push_back(line);
  }
  if (sentences.empty()) {
    std::fprintf(stderr, "serve_load: no sentences in %s\n", argv[6]);
    return 2;
  }
  const int server_pid = argc > 7 ? std::stoi(argv[7]) : 0;
  nlohmann::json chosen = nlohmann::json::array();
  if (systems != "all") {
    std::stringstream list(systems);
    std::string s;
    while (std::getline(list, s, ',')) chosen.push_back(s);
  }

  std::mutex mutex;
  std::vector<double> latencies;
  std::map<int, long> statuses;
  std::map<std::string, long> failures;
  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c)
    threads.emplace_back([&, c] {
      std::size_t next = static_cast<std::size_t>(c) * 37;
      std::vector<double> mine;
      std::map<int, long> st;
      std::map<std::string, long> fail;
      while (std::chrono::steady_clock::now() < end) {
        nlohmann::json body = {{"text", sentences[next++ % sentences.size()]}, {"explain", explain}};
        if (!chosen.empty()) body["systems"] = chosen;
        const auto r = mtbench::testing::http_post(port, "/api/translate", body.dump(), 120);
        ++st[r.status];
        if (r.status == 200) mine.push_back(r.seconds * 1000);
        if (r.status == 0) ++fail[r.error.substr(0, 60)];
        if (r.status == 503)
          std::this_thread::sleep_for(std::chrono::milliseconds(200));  // as Retry-After asks, briefly
      }
      std::lock_guard<std::mutex> lock(mutex);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      for (const auto& [k, v] : st) statuses[k] += v;
      for (const auto& [k, v] : fail) failures[k] += v;
    });
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::sort(latencies.begin(), latencies.end());
  auto pct = [&](double p) {
    if (latencies.empty()) return 0.0;
    return latencies[std::min(latencies.size() - 1, static_cast<std::size_t>(p / 100.0 * latencies.size()))];
  };
  long total = 0;
  std::string codes;
  for (const auto& [k, v] : statuses) {
    total += v;
    codes += (codes.empty() ? "" : ", ") + std::to_string(k) + ": " + std::to_string(v);
  }
  std::printf(
      "systems=%s explain=%d clients=%d seconds=%.0f | requests %ld (%s) | answered/s %.2f | latency ms p50 %.0f p95 "
      "%.0f p99 %.0f max %.0f",
      systems.c_str(), explain ? 1 : 0, clients, elapsed, total, codes.c_str(), latencies.size() / elapsed, pct(50),
      pct(95), pct(99), latencies.empty() ? 0.0 : latencies.back());
  if (server_pid > 0)
    std::printf(" | server RSS %s (peak %s)", proc_status(server_pid, "VmRSS").c_str(),
                proc_status(server_pid, "VmHWM").c_str());
  std::printf("\n");
  for (const auto& [k, v] : failures) std::printf("  connection failures: %ld x %s\n", v, k.c_str());
  return statuses.count(0) || statuses.count(500) ? 1 : 0;
}
