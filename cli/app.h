#pragma once
// Shared pieces of the command-line layer: global options and the subcommand registrars.
// Each subcommand lives in its own file (cli/<name>_command.cc) and exposes add_<name>_command.

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mtbench::cli {

// Options accepted before any subcommand.
struct GlobalOptions {
  int threads = 0;                       // worker threads; 0 = all cores
  std::uint64_t seed = 1234;             // random seed for training and sampling
  bool quiet = false;                    // no progress output
  bool verbose = false;                  // extra diagnostics
  std::vector<std::string> plugin_dirs;  // --plugin-dir (MTBENCH_PLUGIN_PATH is added too)
};

// Applies the global options: thread counts (LibTorch, OpenMP), progress mode, plugins.
// Called by each subcommand's callback before doing work.
void apply_global_options(const GlobalOptions& options);

// The resolved thread count (all cores when --threads is 0).
int resolved_threads(const GlobalOptions& options);

void add_corpus_command(CLI::App& app, GlobalOptions& global);
void add_systems_command(CLI::App& app, GlobalOptions& global);
void add_score_command(CLI::App& app, GlobalOptions& global);
void add_train_command(CLI::App& app, GlobalOptions& global);
void add_translate_command(CLI::App& app, GlobalOptions& global);
void add_lm_command(CLI::App& app, GlobalOptions& global);
void add_align_command(CLI::App& app, GlobalOptions& global);
void add_compare_command(CLI::App& app, GlobalOptions& global);
void add_report_command(CLI::App& app, GlobalOptions& global);
void add_average_command(CLI::App& app, GlobalOptions& global);
void add_serve_command(CLI::App& app, GlobalOptions& global);
void add_explain_command(CLI::App& app, GlobalOptions& global);

}  // namespace mtbench::cli
