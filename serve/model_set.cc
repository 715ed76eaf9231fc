#include "serve/model_set.h"

#include <algorithm>
#include <chrono>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"

namespace mtbench::serve {

namespace fs = std::filesystem;

namespace {

bool is_label(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '+';
    if (!ok) return false;
  }
  return true;
}

// LibTorch's errors carry a C++ stack trace after their first line.
std::string first_line(const std::string& message) {
  return message.substr(0, message.find('\n'));
}

// A label from a run's results.json: any text of 1-64 bytes without control characters (the
// default config's labels are "Rule-based (1954)" and the like).
bool is_run_label(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}

}  // namespace

ModelSource parse_model_argument(const std::string& argument) {
  const auto eq = argument.find('=');
  if (eq != std::string::npos && is_label(argument.substr(0, eq)))
    return {argument.substr(0, eq), fs::path(argument.substr(eq + 1))};
  return {"", fs::path(argument)};
}

namespace {

// The systems of one results.json; labels get `prefix` (the pair of a `--pairs` run).
void add_run_models(const fs::path& results, const std::string& prefix, std::vector<ModelSource>& out,
                    std::vector<std::string>* skipped) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_file(results));
  } catch (const nlohmann::json::exception& e) {
    fail<DataError>("{}: not valid JSON ({})", results.string(), e.what());
  }
  if (!json.is_object() || !json.contains("systems") || !json["systems"].is_array())
    fail<DataError>("{}: no \"systems\" list", results.string());
  for (const auto& s : json["systems"]) {
    if (!s.is_object()) continue;
    const std::string label = s.value("label", std::string());
    const std::string dir =
        s.contains("model_dir") && s["model_dir"].is_string() ? s["model_dir"].get<std::string>() : std::string();
    if (dir.empty()) {
      if (skipped) skipped->push_back(prefix + label);
      continue;
    }
    out.push_back({is_run_label(prefix + label) ? prefix + label : "", fs::path(dir)});
  }
}

}  // namespace

std::vector<ModelSource> run_models(const fs::path& run_dir, std::vector<std::string>* skipped) {
  std::vector<ModelSource> out;
  if (is_file(run_dir / "results.json")) {
    add_run_models(run_dir / "results.json", "", out, skipped);
  } else if (std::filesystem::is_directory(run_dir)) {
    // `compare --pairs` writes one run per pair: RUN_DIR/de-en/results.json, ...
    std::vector<fs::path> pairs;
    for (const auto& entry : fs::directory_iterator(run_dir))
      if (entry.is_directory() && is_file(entry.path() / "results.json")) pairs.push_back(entry.path());
    std::sort(pairs.begin(), pairs.end());
    for (const auto& p : pairs) add_run_models(p / "results.json", p.filename().string() + ".", out, skipped);
  }
  if (out.empty() && (!skipped || skipped->empty()))
    fail<ConfigError>("--run {}: no results.json there (give the directory `mtbench compare --out` wrote)",
                      run_dir.string());
  if (out.empty()) fail<ConfigError>("--run {}: none of its systems has a model directory", run_dir.string());
  return out;
}

std::vector<std::unique_ptr<ServedSystem>> load_systems(const std::vector<ModelSource>& sources, Progress& progress) {
  std::vector<std::unique_ptr<ServedSystem>> out;
  std::set<std::string> taken;
  for (const auto& source : sources) {
    auto s = std::make_unique<ServedSystem>();
    s->dir = source.dir;
    const auto start = std::chrono::steady_clock::now();
    progress.begin("load " + source.dir.string());
    try {
      LoadedModel model = load_model(source.dir);
      s->manifest = std::move(model.manifest);
      s->translator = std::move(model.translator);
      s->info = s->translator->info();
    } catch (const std::exception& e) {
      s->load_error = first_line(e.what());
      try {
        s->manifest = read_manifest(source.dir);
        s->info.name = s->manifest.system;
      } catch (const std::exception&) {
        s->info.name = source.dir.filename().string();
      }
    }
    progress.end();
    s->load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string label = source.label.empty() ? s->info.name : source.label;
    if (!is_run_label(label)) label = "model";
    std::string unique = label;
    for (int k = 2; taken.count(unique); ++k) unique = label + "-" + std::to_string(k);
    taken.insert(unique);
    s->label = unique;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace mtbench::serve
