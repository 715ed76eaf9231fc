#pragma once
// What `mtbench serve` answers: the page, its assets, the run's report and the JSON API.
//
//   GET  /                 the page (text box, outputs side by side, the report's views)
//   GET  /report           the run's report.html (with --run)
//   GET  /assets/NAME      the page's CSS and JavaScript (the report's own files among them)
//   GET  /api/systems      the models served: label, system, era, citation, preset, languages
//   POST /api/translate    {"text": "...", or "texts": [...], "systems"?: [...], "explain"?: bool, "beam"?: n}
//   GET  /healthz          {"status": "ok", ...}
//
// Requests never name files or commands: systems are chosen by label among those loaded at
// start-up. Every answer carries a strict Content-Security-Policy (scripts and styles only
// from this server; the report's inline script is allowed by its hash).

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "serve/http_server.h"
#include "serve/model_set.h"

namespace mtbench::serve {

// Limits on one translation request (each a 4xx JSON error when exceeded).
struct ApiLimits {
  std::size_t max_sentences = 16;  // entries of "texts"
  std::size_t max_words = 100;     // whitespace-separated words per sentence
  std::size_t max_bytes = 2000;    // bytes per sentence
  int max_beam = 16;               // largest "beam"
  int threads_per_request = 1;     // LibTorch/OpenMP threads of one translate() call
};

// Everything the API serves; built once at start-up, read-only afterwards (each model's
// translate() is serialised by its own mutex).
struct ServeState {
  std::vector<std::unique_ptr<ServedSystem>> systems;  // the models, failed ones included
  std::string report_html;                             // the run's report.html ("" = none)
  std::string title;                                   // page heading
  ApiLimits limits;                                    // request limits
};

// Headers on every response: CSP, nosniff, no referrer, no framing.
std::vector<std::pair<std::string, std::string>> security_headers();

// The router of the server: quick answers on the I/O thread, translations as pool jobs.
Router make_router(const ServeState& state);

// The Content-Security-Policy for an HTML page whose inline <script> blocks (not JSON data
// blocks) are allowed by their SHA-256: for the report, which is one self-contained file.
std::string csp_for_inline_scripts(const std::string& html);

}  // namespace mtbench::serve
