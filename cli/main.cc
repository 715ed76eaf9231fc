// mtbench: train, run and compare machine translation systems from four eras.
// A thin main: subcommands live in cli/*_command.cc; errors print one line and exit 1.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "base/progress.h"
#include "cli/app.h"
#include "cli/argv_rewrite.h"
#include "cli/launch.h"
#include "cli/validators.h"

namespace {

// Error messages start on a line of their own: a progress bar may be drawn on the terminal
// without its newline (the last line of `corpus get` used to run into it).
void begin_error_line() {
  if (isatty(fileno(stderr))) std::fputs("\r\033[K", stderr);
}

// The first line of a message: LibTorch's errors append a C++ stack trace of 15-20 lines.
std::string first_line(const std::string& message) {
  const auto newline = message.find('\n');
  return newline == std::string::npos ? message : message.substr(0, newline);
}

// OpenMP threads that wait spin for a while (GOMP_SPINCOUNT) before they sleep. On a machine
// with one other busy process, the spinning threads of LibTorch's and our parallel loops
// compete with it and training fell to a quarter of its speed; waiting passively costs nothing
// measurable when the machine is idle (bench/contention_bench.sh). libgomp reads the policy
// when it is loaded, before main(), so the training commands re-execute themselves once with
// OMP_WAIT_POLICY=PASSIVE unless the user chose a policy (or MTBENCH_NO_REEXEC is set).
void prefer_passive_openmp_waiting(int argc, char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("MTBENCH_NO_REEXEC") != nullptr) return;
  bool heavy = false;
  for (int i = 1; i < argc && !heavy; ++i) {
    const std::string arg = argv[i];
    heavy = arg == "train" || arg == "translate" || arg == "compare" || arg == "average" || arg == "serve" ||
            arg == "explain";
  }
  if (!heavy) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then run as we are
}

}  // namespace

int main(int argc, char** argv) {
  using namespace mtbench::cli;
  prefer_passive_openmp_waiting(argc, argv);
  remember_command_line(argc, argv);
  CLI::App app{"mtbench: machine translation from 1954 to 2017 under one evaluation harness", "mtbench"};
  app.set_version_flag("--version", std::string("mtbench ") + MTBENCH_VERSION);
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  app.add_option("--threads", global.threads, "Worker threads for LibTorch, OpenMP and decoding (0 = all cores)")
      ->check(integer_in(0, 4096));
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
  add_serve_command(app, global);
  add_explain_command(app, global);

  // sacreBLEU-style single-dash long options (-tok, -lc, ...) are rewritten for CLI11.
  std::vector<std::string> args = rewrite_arguments(argc, argv);
  try {
    std::vector<std::string> reversed(args.rbegin(), args.rend() - 1);
    app.parse(std::move(reversed));
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // One line and the usage exit status, as for every other error (CLI11 would print two
    // lines and exit with its internal code, 104-112).
    begin_error_line();
    std::fprintf(stderr, "mtbench: error: %s (see mtbench --help)\n", e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    begin_error_line();
    const std::string stage = mtbench::Progress::latest_stage();
    std::fprintf(stderr, "mtbench: error: out of memory%s\n",
                 stage.empty() ? "" : (" during stage '" + stage + "'").c_str());
    return 1;
  } catch (const std::exception& e) {
    begin_error_line();
    std::fprintf(stderr, "mtbench: error: %s\n", first_line(e.what()).c_str());
    return 1;
  }
  return 0;
}
