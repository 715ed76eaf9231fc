#include "systems/model_dir.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "systems/plugin.h"
#include "systems/plugin_api.h"

namespace mtbench {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

// A count in the manifest: a non-negative integer, else a DataError naming the key (a float
// like 4e35 converted to size_t is undefined behaviour; found by tests/fuzz/model_manifest_fuzz.cc).
std::size_t count_at(const json& j, const char* key, const std::string& origin) {
  if (!j.contains(key)) return 0;
  const json& v = j.at(key);
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    fail<DataError>("{}: \"{}\" must be a non-negative integer, got {}", origin, key, v.dump());
  return v.get<std::size_t>();
}

// What identifies a file's contents without reading them: size, modification time and inode
// (a rewrite by write_file_atomic makes a new inode; an edit in place moves the mtime).
// Empty (not to be trusted) for a file modified in the last 2 seconds: file systems keep
// mtimes at a clock tick's precision, so an edit right after the stamp could keep the same
// identity ("racy git"); such a file is hashed again at the next load.
std::string file_identity(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  if (now.tv_sec - st.st_mtim.tv_sec < 2) return {};
  return fmt::format("{} {} {} {}", st.st_size, static_cast<long long>(st.st_mtim.tv_sec), st.st_mtim.tv_nsec,
                     st.st_ino);
}

// The verification stamp, ".verified" in the model directory: per file, the SHA-256 that was
// checked and the identity the file had then. A file whose identity is unchanged is not hashed
// again, so opening a model of gigabytes (memory-mapped tables) does not read it whole first;
// any change of the file changes its identity and it is hashed (as git trusts its index and
// rsync its quick check; like them, an in-place edit that puts the old mtime back is not seen).
constexpr const char* kVerifiedStamp = ".verified";

std::map<std::string, std::string> read_stamp(const fs::path& dir) {
  std::map<std::string, std::string> stamp;  // file -> "sha256 identity"
  std::error_code ec;
  if (!fs::is_regular_file(dir / kVerifiedStamp, ec)) return stamp;
  try {
    for (const auto& line : read_lines(dir / kVerifiedStamp)) {
      const auto tab = line.find('\t');
      if (tab != std::string::npos) stamp[line.substr(0, tab)] = line.substr(tab + 1);
    }
  } catch (const Error&) {
    stamp.clear();  // an unreadable stamp only means hashing again
  }
  return stamp;
}

void write_stamp(const fs::path& dir, const std::map<std::string, std::string>& stamp) {
  std::vector<std::string> lines;
  for (const auto& [file, value] : stamp) lines.push_back(file + "\t" + value);
  try {
    write_lines_atomic(dir / kVerifiedStamp, lines);
  } catch (const Error&) {
    // A read-only model directory: files are hashed on every load instead.
  }
}

}  // namespace

void prepare_model_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) fail("cannot create model directory {}: {}", dir.string(), ec.message());
  fs::remove(dir / kModelManifestFile, ec);
  if (ec) fail("cannot remove the old manifest {}: {}", (dir / kModelManifestFile).string(), ec.message());
}

std::string manifest_to_json(const ModelManifest& m) {
  json files = json::array();
  for (const auto& f : m.training_files) {
    files.push_back({{"role", f.role}, {"path", f.path}, {"sha256", f.sha256}, {"segments", f.segments}});
  }
  json hashes = json::object();
  for (const auto& [file, hash] : m.file_sha256) hashes[file] = hash;
  json j = {{"format", "mtbench-model"},
            {"system", m.system},
            {"system_origin", m.system_origin},
            {"mtbench_version", m.mtbench_version},
            {"plugin_api_version", m.plugin_api_version},
            {"source_lang", m.source_lang},
            {"target_lang", m.target_lang},
            {"preset", m.preset},
            {"config_yaml", m.config_yaml},
            {"created", m.created},
            {"train_segments", m.train_segments},
            {"dev_segments", m.dev_segments},
            {"training_files", files},
            {"training_seconds", m.training_seconds},
            {"files", hashes}};
  // A budget that fired is part of what the model is (issue #16): a max_minutes stop means
  // another machine would have trained a different model from the same config.
  if (m.training_updates > 0) j["training_updates"] = m.training_updates;
  if (!m.training_stop.empty()) j["training_stop"] = m.training_stop;
  return j.dump(2) + "\n";
}

ModelManifest manifest_from_json(const std::string& text, const std::string& origin) {
  ModelManifest m;
  try {
    const json j = json::parse(text);
    if (!j.is_object() || j.value("format", "") != "mtbench-model") {
      fail<DataError>("{} is not an mtbench model manifest (no \"format\": \"mtbench-model\")", origin);
    }
    m.system = j.at("system").get<std::string>();
    m.system_origin = j.value("system_origin", "");
    m.mtbench_version = j.value("mtbench_version", "");
    m.plugin_api_version = static_cast<int>(std::min<std::size_t>(count_at(j, "plugin_api_version", origin), 1 << 20));
    m.source_lang = j.value("source_lang", "");
    m.target_lang = j.value("target_lang", "");
    m.preset = j.value("preset", "");
    m.config_yaml = j.value("config_yaml", "");
    m.created = j.value("created", "");
    m.train_segments = count_at(j, "train_segments", origin);
    m.dev_segments = count_at(j, "dev_segments", origin);
    for (const auto& f : j.value("training_files", json::array())) {
      m.training_files.push_back(
          {f.value("role", ""), f.value("path", ""), f.value("sha256", ""), count_at(f, "segments", origin)});
    }
    m.training_seconds = j.value("training_seconds", 0.0);
    m.training_updates = count_at(j, "training_updates", origin);
    m.training_stop = j.value("training_stop", "");
    if (!std::isfinite(m.training_seconds) || m.training_seconds < 0)
      fail<DataError>("{}: \"training_seconds\" must be a non-negative number", origin);
    const json files = j.value("files", json::object());
    if (!files.is_object()) fail<DataError>("{}: \"files\" must map file names to SHA-256 digests", origin);
    for (const auto& [file, hash] : files.items()) {
      const std::string h = hash.is_string() ? hash.get<std::string>() : std::string();
      if (h.size() != 64 || file.empty() || file.find("..") != std::string::npos || file.front() == '/')
        fail<DataError>("{}: malformed entry for file '{}' in \"files\"", origin, file);
      m.file_sha256[file] = h;
    }
  } catch (const json::exception& e) {
    fail<DataError>("{}: malformed model manifest: {}", origin, e.what());
  }
  if (m.system.empty()) fail<DataError>("{}: the model manifest names no system", origin);
  return m;
}

ModelManifest save_model(const Translator& translator, ModelManifest manifest, const fs::path& dir) {
  prepare_model_dir(dir);
  const SystemInfo info = translator.info();
  translator.save(dir);
  manifest.system = info.name;
  if (manifest.system_origin.empty() && TranslatorRegistry::instance().contains(info.name)) {
    manifest.system_origin = TranslatorRegistry::instance().entry(info.name).origin;
  }
  manifest.mtbench_version = MTBENCH_VERSION;
  manifest.plugin_api_version = MTBENCH_PLUGIN_API_VERSION;
  manifest.created = utc_now_iso8601();
  manifest.file_sha256 = hash_model_files(dir);
  std::map<std::string, std::string> stamp;  // just hashed: loading need not hash them again
  for (const auto& [file, hash] : manifest.file_sha256)
    if (const std::string identity = file_identity(dir / file); !identity.empty()) stamp[file] = hash + " " + identity;
  write_stamp(dir, stamp);
  write_file_atomic(dir / kModelManifestFile, manifest_to_json(manifest));
  return manifest;
}

ModelManifest read_manifest(const fs::path& dir) {
  if (!fs::is_directory(dir)) fail("model directory {} does not exist", dir.string());
  const fs::path file = dir / kModelManifestFile;
  if (!fs::exists(file)) {
    fail(
        "{} is not a complete mtbench model: it has no {} (training did not finish, or this is not "
        "a model directory)",
        dir.string(), kModelManifestFile);
  }
  return manifest_from_json(read_file(file), file.string());
}

std::map<std::string, std::string> hash_model_files(const fs::path& dir) {
  std::map<std::string, std::string> hashes;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    // Checkpoints are training state, rewritten by resumed trainings; dot files are temporary
    // files of atomic writes and locks.
    if (it->is_directory() && name == "checkpoints") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file() || name == kModelManifestFile || name.front() == '.') continue;
    hashes[fs::relative(it->path(), dir).generic_string()] = sha256_file(it->path());
  }
  if (ec) fail("cannot list model directory {}: {}", dir.string(), ec.message());
  return hashes;
}

void verify_model_files(const fs::path& dir, const ModelManifest& manifest) {
  std::map<std::string, std::string> stamp = read_stamp(dir);
  bool stamp_changed = false;
  for (const auto& [file, expected] : manifest.file_sha256) {
    const fs::path path = dir / file;
    if (!fs::is_regular_file(path))
      fail<DataError>("model {}: {} is missing (the manifest lists it); retrain the model", dir.string(), file);
    const std::string identity = file_identity(path);
    auto it = stamp.find(file);
    if (!identity.empty() && it != stamp.end() && it->second == expected + " " + identity) continue;
    if (sha256_file(path) != expected) {
      fail<DataError>(
          "model {}: {} does not match the SHA-256 in {} (changed or corrupted after training); retrain the model",
          dir.string(), file, kModelManifestFile);
    }
    if (!identity.empty()) {
      stamp[file] = expected + " " + identity;
      stamp_changed = true;
    }
  }
  if (stamp_changed) write_stamp(dir, stamp);
}

void refresh_model_checksums(const fs::path& dir) {
  ModelManifest manifest = read_manifest(dir);
  manifest.file_sha256 = hash_model_files(dir);
  write_file_atomic(dir / kModelManifestFile, manifest_to_json(manifest));
}

bool is_intact_model(const fs::path& dir, std::string* problem) {
  try {
    verify_model_files(dir, read_manifest(dir));
    return true;
  } catch (const Error& e) {
    if (problem) *problem = e.what();
    return false;
  }
}

LoadedModel load_model(const fs::path& dir, TranslatorRegistry& registry) {
  LoadedModel model;
  model.manifest = read_manifest(dir);
  verify_model_files(dir, model.manifest);
  const ModelManifest& m = model.manifest;
  if (m.plugin_api_version > MTBENCH_PLUGIN_API_VERSION) {
    fail(
        "model {} was written by mtbench {} (interface version {}), newer than this mtbench ({}, "
        "version {})",
        dir.string(), m.mtbench_version, m.plugin_api_version, MTBENCH_VERSION, MTBENCH_PLUGIN_API_VERSION);
  }
  // A plugin model names the plugin it came from: load it if nobody did (self-contained dirs).
  if (!registry.contains(m.system) && !m.system_origin.empty() && m.system_origin != "built-in" &&
      fs::is_regular_file(m.system_origin)) {
    load_plugin(m.system_origin, registry);
  }
  if (!registry.contains(m.system)) {
    fail(
        "model {} needs system '{}'{}, which is not available (load its plugin with --plugin-dir "
        "or MTBENCH_PLUGIN_PATH); available systems: {}",
        dir.string(), m.system, m.system_origin.empty() ? "" : " from " + m.system_origin,
        fmt::format("{}", fmt::join(registry.names(), ", ")));
  }
  model.translator = registry.create(m.system);
  model.translator->load(dir);
  return model;
}

namespace {

// DIR/model_stats.json as an object (empty when absent or unreadable).
nlohmann::json read_model_stats(const std::filesystem::path& dir) {
  const auto path = dir / "model_stats.json";
  if (!std::filesystem::exists(path)) return nlohmann::json::object();
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  return j.is_object() ? j : nlohmann::json::object();
}

}  // namespace

void write_model_parameters(const std::filesystem::path& dir, std::uint64_t parameters) {
  nlohmann::json j = read_model_stats(dir);
  j["parameters"] = parameters;
  write_file_atomic(dir / "model_stats.json", j.dump(2) + "\n");
}

void write_model_summary(const std::filesystem::path& dir, const std::string& summary) {
  nlohmann::json j = read_model_stats(dir);
  j["summary"] = summary;
  write_file_atomic(dir / "model_stats.json", j.dump(2) + "\n");
}

std::string read_model_summary(const std::filesystem::path& dir) {
  const nlohmann::json j = read_model_stats(dir);
  return j.contains("summary") && j["summary"].is_string() ? j["summary"].get<std::string>() : std::string();
}

std::optional<std::uint64_t> read_model_parameters(const std::filesystem::path& dir) {
  const auto path = dir / "model_stats.json";
  if (!std::filesystem::exists(path)) return std::nullopt;
  const auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (!j.is_object() || !j.contains("parameters") || !j["parameters"].is_number_unsigned()) return std::nullopt;
  return j["parameters"].get<std::uint64_t>();
}

}  // namespace mtbench
