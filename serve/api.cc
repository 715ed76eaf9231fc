#include "serve/api.h"

#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <variant>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/sha256.h"
#include "base/utf8.h"
#include "reports/html_assets.h"
#include "reports/html_report.h"
#include "serve/page.h"
#include "systems/explanation_json.h"

namespace mtbench::serve {

using nlohmann::json;

namespace {

std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

HttpResponse json_response(const json& j, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = dump(j);
  return r;
}

HttpResponse text_response(std::string body, const std::string& type) {
  HttpResponse r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

HttpResponse method_not_allowed(const std::string& allow) {
  auto r = json_error(405, "method not allowed here; use " + allow);
  r.headers.emplace_back("Allow", allow);
  return r;
}

std::string base64_of_hex(const std::string& hex) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    std::uint32_t chunk = 0;
    for (std::size_t k = 0; k < 3; ++k) chunk = chunk << 8 | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    for (std::size_t k = 0; k < 4; ++k) out += k <= n ? alphabet[(chunk >> (18 - 6 * k)) & 63] : '=';
  }
  return out;
}

// Attention weights and encodings to 4 decimals: the page draws 1/255 steps at best, and a
// Transformer's explanation (every layer, head and kind) shrinks to a third.
void round_weights(json& explanation) {
  if (!explanation.is_object() || !explanation.contains("attention")) return;
  for (auto& m : explanation["attention"]) {
    if (!m.is_object() || !m.contains("weights")) continue;
    for (auto& w : m["weights"])
      if (w.is_number_float()) w = std::round(w.get<double>() * 1e4) / 1e4;
  }
}

// A validated translation request.
struct TranslateRequest {
  std::vector<std::string> texts;      // sentences, in order
  bool single = true;                  // "text" (one) rather than "texts"
  std::vector<ServedSystem*> systems;  // chosen models, in served order
  bool explain = false;                // return explanations
  int beam = 0;                        // 0 = each system's default
};

// Checks one sentence against the limits; "" when fine, else the message.
std::string check_sentence(const std::string& text, const std::string& where, const ApiLimits& limits) {
  if (text.size() > limits.max_bytes)
    return fmt::format("{}: {} bytes, over the limit of {} bytes per sentence", where, text.size(), limits.max_bytes);
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t')
      return fmt::format("{}: control character U+{:04X} at byte {}; send one sentence per entry of \"texts\"", where,
                         static_cast<unsigned>(c), i);
    const bool space = c == ' ' || c == '\t';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  if (words > limits.max_words)
    return fmt::format("{}: {} words, over the limit of {} words per sentence", where, words, limits.max_words);
  return "";
}

// Parses and validates a POST /api/translate body: the request, or the error response.
std::variant<TranslateRequest, HttpResponse> parse_translate(const ServeState& state, const std::string& body) {
  std::size_t bad = 0;
  if (!utf8::is_valid(body, &bad))
    return json_error(400, fmt::format("request body is not valid UTF-8 (byte {})", bad));
  json j;
  try {
    j = json::parse(body);
  } catch (const json::exception& e) {
    return json_error(400, std::string("request body is not valid JSON: ") + e.what());
  }
  if (!j.is_object())
    return json_error(400,
                      "request body must be a JSON object: {\"text\": \"...\", \"systems\": [...], \"explain\": "
                      "true, \"beam\": 5}");
  static const std::set<std::string> known = {"text", "texts", "systems", "explain", "beam"};
  for (const auto& [key, value] : j.items()) {
    (void)value;
    if (!known.count(key))
      return json_error(400, fmt::format("unknown field \"{}\" (known: text, texts, systems, explain, beam)", key));
  }
  TranslateRequest r;
  const ApiLimits& limits = state.limits;
  if (j.contains("text") == j.contains("texts"))
    return json_error(400, "give exactly one of \"text\" (a sentence) or \"texts\" (a list of sentences)");
  if (j.contains("text")) {
    if (!j["text"].is_string()) return json_error(400, "\"text\" must be a string");
    r.texts.push_back(j["text"].get<std::string>());
  } else {
    r.single = false;
    if (!j["texts"].is_array() || j["texts"].empty())
      return json_error(400, "\"texts\" must be a non-empty list of strings");
    if (j["texts"].size() > limits.max_sentences)
      return json_error(413, fmt::format("\"texts\" has {} sentences, over the limit of {}", j["texts"].size(),
                                         limits.max_sentences));
    for (const auto& t : j["texts"]) {
      if (!t.is_string()) return json_error(400, "\"texts\" must be a list of strings");
      r.texts.push_back(t.get<std::string>());
    }
  }
  for (std::size_t i = 0; i < r.texts.size(); ++i) {
    const std::string where = r.single ? "text" : fmt::format("texts[{}]", i);
    const std::string problem = check_sentence(r.texts[i], where, limits);
    if (!problem.empty()) return json_error(problem.find("over the limit") != std::string::npos ? 413 : 400, problem);
  }
  if (j.contains("explain")) {
    if (!j["explain"].is_boolean()) return json_error(400, "\"explain\" must be true or false");
    r.explain = j["explain"].get<bool>();
  }
  if (j.contains("beam")) {
    if (!j["beam"].is_number_integer() || j["beam"].get<long long>() < 1 ||
        j["beam"].get<long long>() > limits.max_beam)
      return json_error(400, fmt::format("\"beam\" must be an integer from 1 to {}", limits.max_beam));
    r.beam = j["beam"].get<int>();
  }
  std::vector<std::string> loaded;
  for (const auto& s : state.systems)
    if (s->translator) loaded.push_back(s->label);
  const std::string known_list = loaded.empty() ? "none" : fmt::format("{}", fmt::join(loaded, ", "));
  std::set<const ServedSystem*> chosen;
  if (j.contains("systems")) {
    if (!j["systems"].is_array() || j["systems"].empty())
      return json_error(400, "\"systems\" must be a non-empty list of system labels (served: " + known_list + ")");
    for (const auto& name : j["systems"]) {
      if (!name.is_string()) return json_error(400, "\"systems\" must be a list of strings");
      const std::string label = name.get<std::string>();
      const ServedSystem* match = nullptr;
      for (const auto& s : state.systems)
        if (s->label == label) match = s.get();
      if (!match) {
        const std::string shown = label.size() > 64 ? label.substr(0, 64) + "..." : label;
        return json_error(400, fmt::format("unknown system \"{}\" (served: {})", shown, known_list));
      }
      if (!match->translator)
        return json_error(409, fmt::format("system \"{}\" failed to load: {}", label, match->load_error));
      chosen.insert(match);
    }
  }
  for (const auto& s : state.systems)
    if (s->translator && (chosen.empty() || chosen.count(s.get()))) r.systems.push_back(s.get());
  if (r.systems.empty()) return json_error(503, "no model could be loaded; see the server's start-up messages");
  return r;
}

// Runs a validated request: every chosen model in turn (each under its own lock).
HttpResponse run_translate(const ServeState& state, const TranslateRequest& request) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  json results = json::array();
  for (ServedSystem* s : request.systems) {
    json r = {{"label", s->label}, {"system", s->info.name}, {"era", s->info.era}};
    TranslateOptions options;
    options.beam_size = request.beam;
    options.explain = request.explain;
    options.threads = state.limits.threads_per_request;
    std::vector<Translation> out;
    const auto wait_start = clock::now();
    double wait_ms = 0;
    try {
      std::lock_guard<std::mutex> lock(s->mutex);
      wait_ms = std::chrono::duration<double, std::milli>(clock::now() - wait_start).count();
      const auto t0 = clock::now();
      out = s->translator->translate(request.texts, options);
      r["ms"] = std::chrono::duration<double, std::milli>(clock::now() - t0).count();
      if (out.size() != request.texts.size())
        throw std::runtime_error(
            fmt::format("returned {} translations for {} sentences", out.size(), request.texts.size()));
    } catch (const std::exception& e) {
      r["error"] = first_line(e.what());
      out.clear();
    }
    r["wait_ms"] = wait_ms;
    if (!out.empty()) {
      json outputs = json::array(), explanations = json::array();
      for (auto& t : out) {
        outputs.push_back(t.text);
        if (request.explain) {
          json e = explanation_to_json(t.explanation);
          round_weights(e);
          explanations.push_back(std::move(e));
        }
      }
      if (request.single) {
        r["output"] = outputs[0];
        if (request.explain) r["explanation"] = explanations[0];
      } else {
        r["outputs"] = std::move(outputs);
        if (request.explain) r["explanations"] = std::move(explanations);
      }
    }
    results.push_back(std::move(r));
  }
  json body = {{"results", std::move(results)},
               {"ms", std::chrono::duration<double, std::milli>(clock::now() - start).count()}};
  if (request.single) {
    body["text"] = request.texts[0];
  } else {
    body["texts"] = request.texts;
  }
  return json_response(body);
}

json systems_json(const ServeState& state) {
  json list = json::array();
  for (const auto& s : state.systems) {
    json j = {{"label", s->label},
              {"system", s->info.name},
              {"title", s->info.title},
              {"era", s->info.era},
              {"year", s->info.year},
              {"paradigm", s->info.paradigm},
              {"citation", s->info.citation},
              {"description", s->info.description},
              {"preset", s->manifest.preset},
              {"source_lang", s->manifest.source_lang},
              {"target_lang", s->manifest.target_lang},
              {"trained", s->manifest.created},
              {"train_segments", s->manifest.train_segments},
              {"training_seconds", s->manifest.training_seconds},
              {"load_seconds", s->load_seconds},
              {"loaded", s->translator != nullptr}};
    if (!s->load_error.empty()) j["error"] = s->load_error;
    list.push_back(std::move(j));
  }
  const auto& l = state.limits;
  return {{"systems", std::move(list)},
          {"title", state.title},
          {"report", !state.report_html.empty()},
          {"limits",
           {{"max_sentences", l.max_sentences},
            {"max_words", l.max_words},
            {"max_bytes", l.max_bytes},
            {"max_beam", l.max_beam}}}};
}

}  // namespace

std::vector<std::pair<std::string, std::string>> security_headers() {
  return {{"Content-Security-Policy",
           "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
           "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Frame-Options", "DENY"},
          {"Cache-Control", "no-store"}};
}

std::string csp_for_inline_scripts(const std::string& html) {
  std::string hashes;
  std::size_t pos = 0;
  while ((pos = html.find("<script", pos)) != std::string::npos) {
    const std::size_t tag_end = html.find('>', pos);
    if (tag_end == std::string::npos) break;
    const std::string tag = html.substr(pos, tag_end - pos);
    const std::size_t close = html.find("</script>", tag_end);
    if (close == std::string::npos) break;
    // Data blocks (type="application/json") are never executed and need no permission.
    if (tag.find("type=") == std::string::npos || tag.find("javascript") != std::string::npos)
      hashes += " 'sha256-" + base64_of_hex(sha256_hex(html.substr(tag_end + 1, close - tag_end - 1))) + "'";
    pos = close + 9;
  }
  return "default-src 'none'; script-src" + (hashes.empty() ? std::string(" 'none'") : hashes) +
         "; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
}

Router make_router(const ServeState& state) {
  const std::string page = serve_page_html(state.title);
  const std::string report_csp = state.report_html.empty() ? "" : csp_for_inline_scripts(state.report_html);
  const std::map<std::string, std::pair<std::string_view, std::string>> assets = {
      {"/assets/report.css", {reports::report_css(), "text/css; charset=utf-8"}},
      {"/assets/serve.css", {serve_css(), "text/css; charset=utf-8"}},
      {"/assets/report_core.js", {reports::report_js_core(), "text/javascript; charset=utf-8"}},
      {"/assets/explain_view.js", {reports::report_js_explain(), "text/javascript; charset=utf-8"}},
      {"/assets/serve.js", {serve_js(), "text/javascript; charset=utf-8"}}};
  return [&state, page, report_csp, assets](const HttpRequest& req) -> Routed {
    const bool get = req.method == "GET";
    if (req.path == "/" || req.path == "/index.html") {
      if (!get) return {method_not_allowed("GET"), {}};
      return {text_response(page, "text/html; charset=utf-8"), {}};
    }
    if (auto it = assets.find(req.path); it != assets.end()) {
      if (!get) return {method_not_allowed("GET"), {}};
      return {text_response(std::string(it->second.first), it->second.second), {}};
    }
    if (req.path == "/report") {
      if (!get) return {method_not_allowed("GET"), {}};
      if (state.report_html.empty())
        return {json_error(404, "no report: start the server with --run RUN_DIR to serve a run's report"), {}};
      auto r = text_response(state.report_html, "text/html; charset=utf-8");
      r.headers.emplace_back("Content-Security-Policy", report_csp);
      return {r, {}};
    }
    if (req.path == "/healthz") {
      if (!get) return {method_not_allowed("GET"), {}};
      std::size_t loaded = 0;
      for (const auto& s : state.systems) loaded += s->translator ? 1 : 0;
      return {json_response({{"status", loaded ? "ok" : "no models"}, {"systems", loaded}}, loaded ? 200 : 503), {}};
    }
    if (req.path == "/api/systems") {
      if (!get) return {method_not_allowed("GET"), {}};
      return {json_response(systems_json(state)), {}};
    }
    if (req.path == "/api/translate") {
      if (req.method != "POST") return {method_not_allowed("POST"), {}};
      auto parsed = parse_translate(state, req.body);
      if (auto* error = std::get_if<HttpResponse>(&parsed)) return {*error, {}};
      auto request = std::make_shared<TranslateRequest>(std::get<TranslateRequest>(std::move(parsed)));
      return {std::nullopt, [&state, request] { return run_translate(state, *request); }};
    }
    return {json_error(404, "not found (the page is at /, the API under /api/)"), {}};
  };
}

}  // namespace mtbench::serve
