#include "systems/external/external_options.h"

#include "base/error.h"

namespace mtbench::external {

const OptionTable<ExternalOptions>& external_option_table() {
  static const OptionTable<ExternalOptions> table = [] {
    using O = ExternalOptions;
    OptionTable<O> t("external");
    t.add<std::string>(
         "command", [](O& o) -> std::string& { return o.command; },
         "a line filter run through /bin/sh -c: sources on stdin, one translation per line out")
        .omit_when_empty();
    t.add<std::string>(
         "outputs", [](O& o) -> std::string& { return o.outputs; },
         "a file of pre-computed translations (plain or gzip), one per input line")
        .omit_when_empty();
    t.add<double>(
        "timeout_seconds", [](O& o) -> double& { return o.timeout_seconds; },
        "wall-clock limit of one command run, 0 = none", at_least(0.0));
    return t;
  }();
  return table;
}

ExternalOptions parse_external_options(const std::string& yaml, const std::string& origin) {
  if (yaml.find_first_not_of(" \t\r\n") == std::string::npos)
    fail<ConfigError>("{}: the external system needs a configuration with 'command:' or 'outputs:'", origin);
  ExternalOptions options = external_option_table().parse(yaml, {}, "", "", origin);
  if (options.command.empty() == options.outputs.empty())
    fail<ConfigError>("{}: the external system needs exactly one of 'command:' and 'outputs:'", origin);
  return options;
}

std::string to_yaml(const ExternalOptions& options) {
  return external_option_table().to_yaml(options);
}

}  // namespace mtbench::external
