// mtbench: train, run and compare machine translation systems from four eras.
// A thin main: subcommands live in cli/*_command.cc; errors print one line and exit 1.

#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "cli/app.h"
#include "cli/argv_rewrite.h"

int main(int argc, char** argv) {
  using namespace mtbench::cli;
  CLI::App app{"mtbench: machine translation from 1954 to 2017 under one evaluation harness", "mtbench"};
  app.set_version_flag("--version", std::string("mtbench ") + MTBENCH_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  app.add_option("--threads", global.threads, "Worker threads for LibTorch, OpenMP and decoding (0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--seed", global.seed, "Random seed");
  app.add_flag("-q,--quiet", global.quiet, "No progress output");
  app.add_flag("-v,--verbose", global.verbose, "More diagnostics");
  app.add_option("--plugin-dir", global.plugin_dirs,
                 "Directory of system plugins (repeatable; MTBENCH_PLUGIN_PATH is also searched)");

  add_corpus_command(app, global);
  add_systems_command(app, global);
  add_score_command(app, global);
  add_train_command(app, global);
  add_translate_command(app, global);
  add_lm_command(app, global);
  add_align_command(app, global);
  add_compare_command(app, global);
  add_report_command(app, global);
  add_average_command(app, global);

  // sacreBLEU-style single-dash long options (-tok, -lc, ...) are rewritten for CLI11.
  std::vector<std::string> args = rewrite_arguments(argc, argv);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
    app.parse(std::move(reversed));
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mtbench: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
