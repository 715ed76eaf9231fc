// `mtbench serve`: loads trained models once (every model of a compare run directory, or model
// directories) and serves a local page where a typed sentence is translated by every era side by
// side, with the report's explanation views, plus a JSON API (serve/api.h). Binds to loopback
// unless --host says otherwise; SIGINT/SIGTERM answer every request already read, then exit 0.

#include <csignal>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "cli/app.h"
#include "cli/validators.h"
#include "serve/api.h"
#include "serve/http_server.h"
#include "serve/model_set.h"

namespace mtbench::cli {
namespace {

// Command-line options of `mtbench serve`.
struct ServeArgs {
  std::string run;                    // --run RUN_DIR (a `mtbench compare` output directory)
  std::vector<std::string> models;    // --models DIR or LABEL=DIR (repeatable)
  std::string host = "127.0.0.1";     // --host
  int port = 8080;                    // --port (0 = any free port)
  std::string port_file;              // --port-file: write the bound port there (for scripts)
  int workers = 0;                    // --workers (0 = one per core, at least 2)
  std::size_t queue = 64;             // --queue
  int threads_per_request = 0;        // --threads-per-request (0 = cores / workers, at least 1)
  std::size_t max_body = 64 * 1024;   // --max-body bytes
  std::size_t max_words = 100;        // --max-words per sentence
  std::size_t max_sentences = 16;     // --max-sentences per request
  std::size_t max_connections = 256;  // --max-connections
  double read_timeout = 10;           // --read-timeout seconds
  double request_timeout = 60;        // --request-timeout seconds
};

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

void run_serve(const ServeArgs& a, const GlobalOptions& global) {
  apply_global_options(global);
  if (a.run.empty() && a.models.empty())
    fail<ConfigError>("serve: give --run RUN_DIR (a `mtbench compare` output) or --models DIR ...");
  std::vector<serve::ModelSource> sources;
  std::vector<std::string> skipped;
  std::string report_html;
  if (!a.run.empty()) {
    sources = serve::run_models(a.run, &skipped);
    const auto report = std::filesystem::path(a.run) / "report.html";
    if (is_file(report)) report_html = read_file(report);
  }
  for (const auto& m : a.models) sources.push_back(serve::parse_model_argument(m));

  Progress progress(global.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  serve::ServeState state;
  state.systems = serve::load_systems(sources, progress);
  state.report_html = std::move(report_html);
  state.title = "mtbench serve: four eras, one sentence";
  const int cores = resolved_threads(global);
  const int workers = a.workers > 0 ? a.workers : std::max(2, cores);
  state.limits.max_words = a.max_words;
  state.limits.max_sentences = a.max_sentences;
  state.limits.threads_per_request = a.threads_per_request > 0 ? a.threads_per_request : std::max(1, cores / workers);

  std::size_t loaded = 0;
  for (const auto& s : state.systems) {
    if (s->translator) {
      ++loaded;
      std::cerr << fmt::format("serve: {:<14} {} ({}{}), loaded in {:.1f} s\n", s->label, s->info.name,
                               s->manifest.source_lang + "-" + s->manifest.target_lang,
                               s->manifest.preset.empty() ? "" : ", preset " + s->manifest.preset, s->load_seconds);
    } else {
      std::cerr << fmt::format("serve: error: model {} ({}) failed to load: {}\n", s->dir.string(), s->label,
                               s->load_error);
    }
  }
  for (const auto& label : skipped)
    std::cerr << fmt::format("serve: {} has no model directory (precomputed outputs): not served\n", label);
  if (loaded == 0) fail("serve: none of the {} models could be loaded (see above)", state.systems.size());

  serve::ServerOptions options;
  options.host = a.host;
  options.port = a.port;
  options.workers = workers;
  options.queue = a.queue;
  options.max_body_bytes = a.max_body;
  options.max_connections = a.max_connections;
  options.read_timeout_seconds = a.read_timeout;
  options.request_timeout_seconds = a.request_timeout;
  options.handle_signals = true;
  options.default_headers = serve::security_headers();
  std::signal(SIGPIPE, SIG_IGN);
  serve::HttpServer server(options, serve::make_router(state));
  if (!is_loopback(a.host))
    std::cerr << fmt::format(
        "serve: warning: listening on {} makes the models reachable from other machines; there is no "
        "authentication (the default, 127.0.0.1, is local only)\n",
        a.host);
  const std::string shown_host = a.host.find(':') != std::string::npos ? "[" + a.host + "]" : a.host;
  std::cerr << fmt::format(
      "serve: {} systems on http://{}:{}/ ({} workers, queue {}, {} thread(s) per request); Ctrl-C stops\n", loaded,
      shown_host, server.port(), workers, a.queue, state.limits.threads_per_request);
  if (!a.port_file.empty()) write_file_atomic(a.port_file, std::to_string(server.port()) + "\n");
  server.run();
  const auto s = server.stats();
  std::cerr << fmt::format(
      "serve: stopped after {} connections: {} requests read, {} of them answered; responses {} 2xx, {} 4xx, {} 5xx "
      "({} busy 503, {} timed out)\n",
      s.connections, s.requests, s.answered, s.responses_2xx, s.responses_4xx, s.responses_5xx, s.rejected_busy,
      s.timed_out);
}

}  // namespace

void add_serve_command(CLI::App& app, GlobalOptions& global) {
  auto* sub =
      app.add_subcommand("serve", "Serve a local page and JSON API that translate typed sentences with every model");
  sub->footer(
      "Examples:\n"
      "  mtbench serve --run runs/default                # every model of a compare run, and its report\n"
      "  mtbench serve --models RB=models/rb --models models/tf --port 9000\n"
      "  curl -s localhost:8080/api/translate -d '{\"text\": \"Ein Hund läuft.\", \"explain\": false}'\n"
      "Binds to 127.0.0.1 unless --host says otherwise (then it warns: there is no authentication).");
  auto a = std::make_shared<ServeArgs>();
  sub->add_option("--run", a->run, "A `mtbench compare` output directory: serve all its models and its report");
  sub->add_option("--models", a->models, "Model directory, or LABEL=DIR (repeatable)");
  sub->add_option("--host", a->host, "Address to listen on (127.0.0.1 = this machine only)");
  sub->add_option("--port", a->port, "TCP port (0 = any free port)")->check(integer_in(0, 65535));
  sub->add_option("--port-file", a->port_file, "Write the bound port to this file once listening");
  sub->add_option("--workers", a->workers, "Requests translated at once (0 = one per core, at least 2)")
      ->check(integer_in(0, 256));
  sub->add_option("--queue", a->queue, "Requests that may wait beyond those running; more get 503")
      ->check(integer_in(0, 100000));
  sub->add_option("--threads-per-request", a->threads_per_request,
                  "LibTorch/OpenMP threads per translation (0 = cores / workers)")
      ->check(integer_in(0, 1024));
  sub->add_option("--max-body", a->max_body, "Largest request body in bytes (413 above)")
      ->check(integer_in(1024, 64 * 1024 * 1024));
  sub->add_option("--max-words", a->max_words, "Most words per sentence (413 above)")->check(integer_in(1, 100000));
  sub->add_option("--max-sentences", a->max_sentences, "Most sentences per request (413 above)")
      ->check(integer_in(1, 10000));
  sub->add_option("--max-connections", a->max_connections, "Most open connections (503 above)")
      ->check(integer_in(1, 100000));
  sub->add_option("--read-timeout", a->read_timeout,
                  "Seconds a client has to send a whole request (disconnected after)")
      ->check(finite_number())
      ->check(CLI::Range(0.1, 3600.0));
  sub->add_option("--request-timeout", a->request_timeout,
                  "Seconds from request to answer, waiting included (504 after)")
      ->check(finite_number())
      ->check(CLI::Range(0.1, 86400.0));
  sub->callback([&global, a] { run_serve(*a, global); });
}

}  // namespace mtbench::cli
