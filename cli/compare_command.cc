// `mtbench compare`: the whole benchmark in one command. Until the pipeline lands (issue 8)
// it validates the configuration and lists what it would run (--dry-run behaviour).

#include <fmt/format.h>

#include "cli/app.h"
#include "corpus/error.h"
#include "reports/compare_config.h"
#include "systems/builtin/builtin.h"
#include "systems/registry.h"

namespace mtbench::cli {
namespace {

struct CompareArgs {
  std::string config;                       // --config FILE.yaml
  std::string preset;                       // --preset overrides the config's preset
  std::string out = "runs/latest";          // --out RUN_DIR
  std::vector<std::string> system_outputs;  // --system-output NAME=FILE
  bool dry_run = false;                     // --dry-run: list the plan only
};

void print_plan(const reports::CompareConfig& c, const std::string& out) {
  const auto& registry = TranslatorRegistry::instance();
  fmt::print("mtbench compare plan ({})\n", c.origin.string());
  fmt::print("  corpus: {} {}-{} (train: {}, dev: {}), preset: {}, seed: {}\n", c.corpus.empty() ? "-" : c.corpus,
             c.source_lang, c.target_lang, c.train_split, c.dev_split, c.preset, c.seed);
  for (const auto& t : c.test_sets) {
    fmt::print("  test set: {}{}\n", t.name, t.references.empty() ? "" : fmt::format(" ({} reference file(s))", t.references.size()));
  }
  for (const auto& s : c.systems) {
    std::string status;
    if (!s.outputs.empty()) {
      status = "precomputed outputs";
    } else if (registry.contains(s.system)) {
      const auto info = registry.entry(s.system).info;
      status = fmt::format("{} {}, train with preset '{}'", info.era, info.paradigm, s.preset.empty() ? c.preset : s.preset);
    } else {
      status = "not available in this build yet";
    }
    fmt::print("  system: {:<20} [{}] {}\n", s.label, s.system, status);
  }
  fmt::print("  metrics: {}; bootstrap {} samples, approximate randomization {} trials\n", fmt::join(c.metrics, ", "),
             c.significance.bootstrap_samples, c.significance.randomization_trials);
  fmt::print("  run directory: {}\n", out);
}

}  // namespace

void add_compare_command(CLI::App& app, GlobalOptions& global) {
  auto args = std::make_shared<CompareArgs>();
  auto* cmd = app.add_subcommand("compare", "Train or load every configured system, translate, score and report");
  cmd->add_option("--config", args->config, "YAML config (default: the built-in Multi30k De->En benchmark)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--preset", args->preset, "Preset for every system: quick or full");
  cmd->add_option("--out", args->out, "Run directory")->capture_default_str();
  cmd->add_option("--system-output", args->system_outputs, "Add an outside system: NAME=FILE (repeatable)");
  cmd->add_flag("--dry-run", args->dry_run, "Only list what would run");
  cmd->callback([args, &global] {
    apply_global_options(global);
    register_builtin_translators();
    auto config = args->config.empty() ? reports::default_compare_config() : reports::load_compare_config(args->config);
    if (!args->preset.empty()) config.preset = args->preset;
    for (const auto& spec : args->system_outputs) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0) fail<ConfigError>("--system-output expects NAME=FILE, got '{}'", spec);
      reports::SystemConfig s;
      s.label = spec.substr(0, eq);
      s.system = "external";
      for (const auto& t : config.test_sets) s.outputs[t.name] = spec.substr(eq + 1);
      config.systems.push_back(s);
    }
    print_plan(config, args->out);
    fmt::print("\nThe comparison pipeline is not implemented yet (issue 8); nothing was trained.\n");
  });
}

}  // namespace mtbench::cli
