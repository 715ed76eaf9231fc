#pragma once
// Options of the `external` system, given as YAML (`mtbench train external --config F.yaml`).
//
//   command: "sed -e 's/Hund/dog/'"   # a line filter run through /bin/sh -c, or
//   outputs: outputs.en.gz            # a file of pre-computed translations (plain or gzip)
//   timeout_seconds: 600              # per translate() call, command mode only

#include <string>

#include "base/option_table.h"

namespace mtbench::external {

// Typed form of the YAML mapping; exactly one of `command` and `outputs` is set.
struct ExternalOptions {
  std::string command;           // shell command reading sources on stdin, one per line
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
