#include "cli/app.h"

namespace mtbench::cli {

void add_report_command(CLI::App& app, GlobalOptions& global) {
  (void)app;
  (void)global;
}

}  // namespace mtbench::cli
