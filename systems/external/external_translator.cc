#include "systems/external/external_translator.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "base/utf8.h"
#include "systems/external/subprocess.h"

namespace mtbench::external {
namespace {

namespace fs = std::filesystem;

constexpr const char* kConfigFile = "external.yaml";
constexpr const char* kOutputsFile = "outputs.txt";

SystemInfo make_info() {
  SystemInfo info;
  info.name = "external";
  info.title = "External system (outside command or pre-computed outputs)";
  info.era = "external";
  info.year = 0;
  info.paradigm = "external";
  info.citation = "-";
  info.description =
      "Joins a comparison without training: runs a line-filter command (stdin to stdout) or "
      "replays a file of pre-computed translations.";
  return info;
}

// A relative outputs path is taken from the working directory, else next to the config file.
fs::path resolve_outputs(const std::string& outputs, const std::string& origin) {
  fs::path path(outputs);
  if (path.is_absolute() || path_exists(path) || origin.empty()) return path;
  fs::path beside = fs::path(origin).parent_path() / path;
  return path_exists(beside) ? beside : path;
}

}  // namespace

SystemInfo ExternalTranslator::info() const {
  return make_info();
}

void ExternalTranslator::configure(const ExternalOptions& options, const std::string& origin) {
  options_ = options;
  replay_offset_ = 0;
  outputs_.clear();
  outputs_origin_.clear();
  if (!options_.outputs.empty()) {
    const fs::path path = resolve_outputs(options_.outputs, origin);
    outputs_ = read_lines(path);
    outputs_origin_ = path.string();
  }
  configured_ = true;
}

void ExternalTranslator::train(const TrainData& /*data*/, const TrainOptions& options) {
  const std::string origin = options.config_origin.empty() ? "--config" : options.config_origin;
  configure(parse_external_options(options.config_yaml, origin), options.config_origin);
  if (options.progress) {
    options.progress->log(options_.command.empty() ? fmt::format("external: {} pre-computed outputs from {}",
                                                                 outputs_.size(), outputs_origin_)
                                                   : fmt::format("external: command {}", options_.command.display()));
  }
}

void ExternalTranslator::save(const fs::path& dir) const {
  if (!configured_) fail("external system: save() before train() or load()");
  ExternalOptions stored = options_;
  if (!stored.outputs.empty()) {
    stored.outputs = kOutputsFile;
    write_lines_atomic(dir / kOutputsFile, outputs_);
  }
  write_file_atomic(dir / kConfigFile, to_yaml(stored));
}

void ExternalTranslator::load(const fs::path& dir) {
  const fs::path config = dir / kConfigFile;
  options_ = parse_external_options(read_file(config), config.string());
  replay_offset_ = 0;
  outputs_.clear();
  if (!options_.outputs.empty()) {
    const fs::path outputs = dir / options_.outputs;
    outputs_ = read_lines(outputs);
    outputs_origin_ = outputs.string();
  }
  configured_ = true;
}

std::vector<Translation> ExternalTranslator::translate(const std::vector<std::string>& sources,
                                                       const TranslateOptions& options) {
  if (!configured_) fail("external system: translate() before train() or load()");
  std::vector<std::string> lines;
  if (!options_.outputs.empty()) {
    // Pre-computed outputs only make sense for the very inputs they were made for, in order.
    // Consecutive calls replay consecutive lines (a test set translated in batches, or its
    // explained head and then the rest); the count is the check we can do: the calls of one
    // pass must add up to the file exactly.
    if (sources.size() > outputs_.size() - replay_offset_) {
      fail<DataError>("external system: the outputs file {} has {} lines but {} source segments were given{}",
                      outputs_origin_, outputs_.size(), replay_offset_ + sources.size(),
                      replay_offset_ == 0 ? "" : fmt::format(" ({} in earlier calls)", replay_offset_));
    }
    lines.assign(outputs_.begin() + static_cast<std::ptrdiff_t>(replay_offset_),
                 outputs_.begin() + static_cast<std::ptrdiff_t>(replay_offset_ + sources.size()));
    replay_offset_ += sources.size();
    if (replay_offset_ == outputs_.size()) replay_offset_ = 0;  // a full pass: the next one starts over
  } else {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (sources[i].find('\n') != std::string::npos) {
        fail<DataError>(
            "external system: source segment {} contains a newline, which the one-line-per-"
            "segment protocol of command '{}' cannot carry",
            i + 1, options_.command.display());
      }
    }
    if (options.progress) options.progress->begin("external", sources.size(), "sent");
    CommandResult result = run_line_filter(options_.command, sources, options_.timeout_seconds);
    const std::string stderr_tail = result.error_output.size() > 2000
                                        ? result.error_output.substr(result.error_output.size() - 2000)
                                        : result.error_output;
    if (result.exit_status != 0) {
      fail("external system: command '{}' exited with status {}{}", options_.command.display(), result.exit_status,
           stderr_tail.empty() ? "" : "; its stderr: " + stderr_tail);
    }
    if (result.lines.size() != sources.size()) {
      fail<DataError>("external system: command '{}' wrote {} lines for {} input lines{}", options_.command.display(),
                      result.lines.size(), sources.size(), stderr_tail.empty() ? "" : "; its stderr: " + stderr_tail);
    }
    for (std::size_t i = 0; i < result.lines.size(); ++i) {
      std::size_t offset = 0;
      if (!utf8::is_valid(result.lines[i], &offset)) {
        fail<DataError>("external system: command '{}' wrote invalid UTF-8 on output line {} (byte {})",
                        options_.command.display(), i + 1, offset + 1);
      }
    }
    lines = std::move(result.lines);
    if (options.progress) {
      options.progress->advance(sources.size());
      options.progress->end();
    }
  }
  std::vector<Translation> out(lines.size());
  for (std::size_t i = 0; i < lines.size(); ++i) out[i].text = std::move(lines[i]);
  return out;
}

TranslatorEntry external_translator_entry() {
  TranslatorEntry entry;
  entry.info = make_info();
  entry.origin = "built-in";
  entry.create = [] { return std::make_unique<ExternalTranslator>(); };
  add_option_listing<ExternalOptions>(entry, external_option_table(), {},
                                      [](const std::string&) { return ExternalOptions{}; });
  entry.check_config = [](const TrainOptions& o) {
    const std::string origin = o.config_origin.empty() ? "--config" : o.config_origin;
    const ExternalOptions options = parse_external_options(o.config_yaml, origin);
    if (!options.outputs.empty() && !fs::is_regular_file(resolve_outputs(options.outputs, o.config_origin)))
      fail<ConfigError>("{}: outputs: file not found: {}", origin, options.outputs);
  };
  return entry;
}

}  // namespace mtbench::external
