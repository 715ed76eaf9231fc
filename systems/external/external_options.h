#pragma once
// Options of the `external` system, given as YAML (`mtbench train external --config F.yaml`).
//
//   command: "sed -e 's/Hund/dog/'"   # a line filter run through /bin/sh -c, or
//   command: [sed, -e, s/Hund/dog/]    # the same run directly (argv, no shell), or
//   outputs: outputs.en.gz            # a file of pre-computed translations (plain or gzip)
//   timeout_seconds: 600              # per translate() call, command mode only

#include <string>
#include <vector>

#include "base/option_table.h"

namespace mtbench::external {

// An outside command: a shell command line (YAML string, run through /bin/sh -c) or an argv
// list (YAML sequence, run directly: no shell, no quoting, no expansion).
struct Command {
  std::string shell;              // command line for /bin/sh -c
  std::vector<std::string> argv;  // program and arguments (the program is searched in PATH)

  Command() = default;
  Command(std::string line) : shell(std::move(line)) {}  // NOLINT: a string is a shell command
  Command(const char* line) : shell(line) {}             // NOLINT
  bool empty() const { return shell.empty() && argv.empty(); }
  // What runs, as a person reads it: "/bin/sh -c '...'" or the argv joined by spaces.
  std::string display() const;
  bool operator==(const Command& other) const { return shell == other.shell && argv == other.argv; }
};

// The value as `mtbench systems external --options` lists it.
std::string show_option_value(const Command& command);

// Typed form of the YAML mapping; exactly one of `command` and `outputs` is set.
struct ExternalOptions {
  Command command;               // line filter reading sources on stdin, one per line
  std::string outputs;           // path of a file of pre-computed outputs, one per input line
  double timeout_seconds = 600;  // wall-clock limit of one command run; 0 = none
};

// Every option, declared once (base/option_table.h).
const OptionTable<ExternalOptions>& external_option_table();

// Parses the YAML mapping. Unknown keys, wrong types, both or neither of command/outputs
// are ConfigErrors naming the key and `origin` (the file the YAML came from).
ExternalOptions parse_external_options(const std::string& yaml, const std::string& origin);

// The YAML form of `options` (what the model directory stores).
std::string to_yaml(const ExternalOptions& options);

}  // namespace mtbench::external
