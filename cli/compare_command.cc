// `mtbench compare`: the whole benchmark in one command: validate the configuration (before
// any work), then run the pipeline (compare/pipeline.h) and print the results table.

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "cli/app.h"
#include "cli/validators.h"
#include "compare/checks.h"
#include "compare/config.h"
#include "compare/pipeline.h"
#include "reports/html_report.h"
#include "reports/tables.h"
#include "systems/builtin/builtin.h"
#include "systems/external/external_options.h"
#include "systems/registry.h"

namespace mtbench::cli {
namespace {

struct CompareArgs {
  std::string config;                       // --config FILE.yaml
  std::string preset;                       // --preset overrides the config's preset
  std::string out = "runs/latest";          // --out RUN_DIR
  std::vector<std::string> system_outputs;  // --system-output NAME=FILE
  bool dry_run = false;                     // --dry-run: list the plan only
  bool retrain = false;                     // --retrain: ignore cached models
  std::string device = "cpu";               // --device cpu|cuda
  std::size_t max_explained = 200;          // --max-explained N
  int nproc = 1;                            // --nproc: data-parallel processes per neural training
  std::vector<std::size_t> train_sizes;     // --train-sizes 1000,5000,29000
  std::vector<std::string> pairs;           // --pairs de-en,fr-en (overrides the config's pairs)
};

// A YAML mapping on one line, for the plan.
std::string one_line_yaml(const std::string& yaml) {
  YAML::Emitter out;
  out << YAML::Flow << YAML::Load(yaml);
  return out.c_str();
}

// The command an external system would execute, as the user should read it ("" if none).
std::string external_command_of(const compare::SystemConfig& s) {
  if (s.system != "external" || s.options_yaml.empty()) return "";
  const auto options = external::parse_external_options(s.options_yaml, "options of '" + s.label + "'");
  if (options.command.empty()) return "";
  return options.command.display() + (options.command.argv.empty() ? "" : "  (argv, no shell)");
}

// Where a side of the data comes from, for the plan.
std::string data_origin(const compare::DataFilesConfig& files, const std::string& split) {
  if (!files.tsv.empty()) return "TSV " + files.tsv.string();
  if (!files.empty()) return files.source.string() + " + " + files.target.string();
  return "split " + split;
}

void print_plan(const compare::CompareConfig& c, const std::string& out,
                const std::vector<compare::LeftOutSystem>& left_out) {
  const auto& registry = TranslatorRegistry::instance();
  int commands = 0;
  fmt::print("mtbench compare plan ({})\n", c.origin.string());
  fmt::print("  corpus: {} {}-{}, preset: {}, seed: {}\n", c.corpus.empty() ? "-" : c.corpus, c.source_lang,
             c.target_lang, c.preset, c.seed);
  fmt::print("  train: {}\n  dev: {}\n", data_origin(c.train_files, c.train_split),
             data_origin(c.dev_files, c.dev_split));
  for (const auto& t : c.test_sets) {
    fmt::print("  test set: {}{}\n", t.name,
               !t.tsv.empty()         ? " (TSV " + t.tsv.string() + ")"
               : t.references.empty() ? ""
                                      : fmt::format(" ({} reference file(s))", t.references.size()));
  }
  for (const auto& s : c.systems) {
    std::string status;
    const auto skipped = std::find_if(left_out.begin(), left_out.end(),
                                      [&](const compare::LeftOutSystem& l) { return l.label == s.label; });
    if (skipped != left_out.end()) {
      status = "LEFT OUT: " + skipped->reason;
    } else if (!s.outputs.empty()) {
      status = "precomputed outputs";
    } else if (registry.contains(s.system)) {
      const auto info = registry.entry(s.system).info;
      status =
          fmt::format("{} {}, train with preset '{}'", info.era, info.paradigm, s.preset.empty() ? c.preset : s.preset);
    } else {
      status = "not available in this build yet";
    }
    fmt::print("  system: {:<20} [{}] {}\n", s.label, s.system, status);
    if (!s.options_yaml.empty()) fmt::print("          options: {}\n", one_line_yaml(s.options_yaml));
    const std::string command = external_command_of(s);
    if (!command.empty()) {
      fmt::print("          RUNS COMMAND: {}\n", command);
      ++commands;
    }
  }
  if (commands > 0) {
    fmt::print(
        "  note: {} system(s) run outside commands with your permissions; review them before running a config "
        "from someone else\n",
        commands);
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
  cmd->add_flag("--dry-run", args->dry_run, "Only validate the configuration and list what would run");
  cmd->add_option("--train-sizes", args->train_sizes,
                  "Data-efficiency study: train every system on these training-set sizes (e.g. 1000,5000,29000)")
      ->delimiter(',');
  cmd->add_option("--pairs", args->pairs,
                  "Run the comparison in each of these language pairs (e.g. de-en,fr-en,cs-en,en-de): one run "
                  "directory per pair under --out, and one report with a pair selector")
      ->delimiter(',');
  cmd->add_flag("--retrain", args->retrain, "Train again even when a cached model exists");
  cmd->add_option("--device", args->device, "Device for neural systems: cpu or cuda")->capture_default_str();
  cmd->add_option("--nproc", args->nproc,
                  "Data-parallel processes for every neural training (threads are divided among them)")
      ->check(integer_in(1, 1024));
  cmd->add_option("--max-explained", args->max_explained, "Sentences per system with explanations in the report")
      ->capture_default_str();
  cmd->callback([args, &global] {
    apply_global_options(global);
    auto config = args->config.empty() ? compare::default_compare_config() : compare::load_compare_config(args->config);
    if (!args->preset.empty()) config.preset = args->preset;
    if (!args->train_sizes.empty()) config.train_sizes = args->train_sizes;
    for (const auto& spec : args->system_outputs) {
      const auto eq = spec.find('=');
      if (eq == std::string::npos || eq == 0) fail<ConfigError>("--system-output expects NAME=FILE, got '{}'", spec);
      compare::SystemConfig s;
      s.label = spec.substr(0, eq);
      for (const auto& existing : config.systems) {
        if (existing.label == s.label) {
          fail<ConfigError>("--system-output {}: the config already has a system labelled '{}'; choose another label",
                            spec, s.label);
        }
      }
      s.system = "external";
      for (const auto& t : config.test_sets) s.outputs[t.name] = spec.substr(eq + 1);
      config.systems.push_back(s);
    }
    auto& registry = TranslatorRegistry::instance();
    if (args->config.empty()) {
      // The default benchmark runs the eras this build has; a missing one is named, not fatal.
      std::vector<compare::SystemConfig> available;
      for (auto& s : config.systems) {
        if (registry.contains(s.system)) {
          available.push_back(s);
        } else {
          fmt::print(stderr,
                     "mtbench: note: system '{}' is not available in this build; the default comparison skips it\n",
                     s.system);
        }
      }
      config.systems = std::move(available);
    }
    if (!args->pairs.empty()) config.pairs = args->pairs;
    // One config per language pair (the config's own pair when it lists none).
    const std::vector<compare::CompareConfig> configs = compare::configs_per_pair(config);
    // Everything the runs check before the first training, for every pair.
    std::vector<std::vector<compare::LeftOutSystem>> left_out;
    for (const auto& c : configs) left_out.push_back(compare::check_comparison(c, registry));
    const bool multi = configs.size() > 1;
    auto run_dir = [&](const compare::CompareConfig& c) {
      return multi ? (std::filesystem::path(args->out) / (c.source_lang + "-" + c.target_lang)).string() : args->out;
    };
    if (args->dry_run) {
      for (std::size_t i = 0; i < configs.size(); ++i) {
        compare::check_data_files(configs[i]);
        print_plan(configs[i], run_dir(configs[i]), left_out[i]);
      }
      return;
    }
    compare::PipelineOptions options;
    options.threads = resolved_threads(global);
    options.device = args->device;
    options.quiet = global.quiet;
    options.retrain = args->retrain;
    options.max_explained = args->max_explained;
    options.nproc = args->nproc;
    std::vector<reports::RunResults> runs;
    for (const auto& c : configs) {
      options.run_dir = run_dir(c);
      runs.push_back(compare::run_comparison(c, options));
      fmt::print("{}", reports::render_text_table(runs.back()));
    }
    if (multi) {
      reports::HtmlReportOptions html;
      html.max_explained_segments = args->max_explained;
      reports::write_multi_pair_report(runs, std::filesystem::path(args->out) / "report.html", html);
      fmt::print("{}", reports::render_pairs_table(runs));
      fmt::print("\nreport of all pairs: {}\n", (std::filesystem::path(args->out) / "report.html").string());
    }
    fmt::print("\nrun directory: {}\n", args->out);
  });
}

}  // namespace mtbench::cli
