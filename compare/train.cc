#include "compare/train.h"

#include <optional>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <fmt/format.h>

#include "base/distributed_env.h"
#include "base/error.h"
#include "base/process.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/training_log.h"

namespace mtbench::compare {

ModelManifest train_model(Translator& translator, const TrainData& data, const TrainOptions& options,
                          const std::vector<TrainingFile>& training_files) {
  ModelManifest manifest;
  manifest.source_lang = options.source_lang;
  manifest.target_lang = options.target_lang;
  manifest.preset = options.preset;
  manifest.config_yaml = options.config_yaml;
  manifest.train_segments = data.train_source.size();
  manifest.dev_segments = data.dev_source.size();
  manifest.training_files = training_files;

  // In data-parallel training only rank 0 writes the model directory.
  const bool writer = distributed_env().writer();
  if (writer) prepare_model_dir(options.model_dir);  // an earlier model's manifest goes first
  const auto start = std::chrono::steady_clock::now();
  translator.train(data, options);
  manifest.training_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!writer) return manifest;
  for (const auto& point : read_training_log(options.model_dir))  // the neural systems' end line
    if (point.type == "end") {
      manifest.training_updates = point.step;
      manifest.training_stop = point.note;
    }
  if (options.progress) options.progress->begin("save");
  manifest = save_model(translator, manifest, options.model_dir);
  if (options.progress) options.progress->end();
  return manifest;
}

namespace {

// Sets environment variables for a scope and restores the previous values.
class ScopedEnv {
 public:
  void set(const std::string& name, const std::string& value) {
    const char* old = std::getenv(name.c_str());
    saved_.push_back({name, old ? std::optional<std::string>(old) : std::nullopt});
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second)
        setenv(it->first.c_str(), it->second->c_str(), 1);
      else
        unsetenv(it->first.c_str());
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

void write_lines(const std::filesystem::path& path, const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text.append(l).push_back('\n');
  write_file_atomic(path, text);
}

}  // namespace

ModelManifest train_model_data_parallel(Translator& translator, const std::string& system, const TrainData& data,
                                        const TrainOptions& options, const std::vector<TrainingFile>& training_files,
                                        int nproc, const std::filesystem::path& scratch) {
  if (distributed_env().distributed())
    fail<ConfigError>("--nproc {}: this process is already a rank of a training group (WORLD_SIZE is set)", nproc);
  namespace fs = std::filesystem;
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  // Segments may not hold a newline (the readers split on it): the data as files, one per side.
  write_lines(scratch / "train.src", data.train_source);
  write_lines(scratch / "train.tgt", data.train_target);
  std::vector<std::string> args = {"--threads",
                                   std::to_string(std::max(1, options.threads / nproc)),
                                   "--quiet",
                                   "--seed",
                                   std::to_string(options.seed),
                                   "train",
                                   system,
                                   "--train-src",
                                   (scratch / "train.src").string(),
                                   "--train-tgt",
                                   (scratch / "train.tgt").string(),
                                   "--src-lang",
                                   options.source_lang,
                                   "--tgt-lang",
                                   options.target_lang,
                                   "--out",
                                   options.model_dir.string(),
                                   "--device",
                                   options.device};
  if (!data.dev_source.empty()) {
    write_lines(scratch / "dev.src", data.dev_source);
    write_lines(scratch / "dev.tgt", data.dev_target);
    args.insert(args.end(), {"--dev-src", (scratch / "dev.src").string(), "--dev-tgt", (scratch / "dev.tgt").string()});
  }
  if (!options.preset.empty()) args.insert(args.end(), {"--preset", options.preset});
  if (!options.config_yaml.empty()) {
    write_file_atomic(scratch / "options.yaml", options.config_yaml);
    args.insert(args.end(), {"--config", (scratch / "options.yaml").string()});
  }
  if (options.resume) args.push_back("--resume");

  const int port = free_loopback_port();
  auto group_env = [&](int rank) {
    return std::vector<std::string>{
        fmt::format("{}={}", kWorldSizeVar, nproc),  fmt::format("{}={}", kRankVar, rank),
        fmt::format("{}={}", kLocalRankVar, rank),   fmt::format("{}={}", kLocalWorldSizeVar, nproc),
        fmt::format("{}=127.0.0.1", kMasterAddrVar), fmt::format("{}={}", kMasterPortVar, port)};
  };
  std::vector<pid_t> workers;
  auto stop_workers = [&] {
    for (pid_t p : workers) ::kill(p, SIGKILL);
    for (pid_t p : workers) ::waitpid(p, nullptr, 0);
    workers.clear();
  };
  ModelManifest manifest;
  {
    ScopedEnv env;  // this process is rank 0 for the duration of the training
    for (const auto& entry : group_env(0)) {
      const auto eq = entry.find('=');
      env.set(entry.substr(0, eq), entry.substr(eq + 1));
    }
    try {
      for (int rank = 1; rank < nproc; ++rank) workers.push_back(spawn_self(args, group_env(rank)));
      TrainOptions own = options;
      own.threads = std::max(1, options.threads / nproc);
      manifest = train_model(translator, data, own, training_files);
    } catch (...) {
      stop_workers();
      std::error_code ec;
      fs::remove_all(scratch, ec);
      throw;
    }
  }
  // The workers end right after the group's last barrier.
  std::string failures;
  for (std::size_t i = 0; i < workers.size(); ++i) {
    int status = 0;
    ::waitpid(workers[i], &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
      failures += fmt::format("{}rank {} {}", failures.empty() ? "" : "; ", i + 1, describe_exit_status(status));
  }
  workers.clear();
  std::error_code ec;
  fs::remove_all(scratch, ec);
  if (!failures.empty()) fail("data-parallel training of {}: {}", system, failures);
  return manifest;
}

}  // namespace mtbench::compare
