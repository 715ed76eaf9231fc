#include "systems/external/external_options.h"

#include <fmt/ranges.h>

#include "base/error.h"

// A command is a YAML string (shell) or a non-empty sequence of strings (argv).
namespace YAML {
template <>
struct convert<mtbench::external::Command> {
  static Node encode(const mtbench::external::Command& c) {
    if (c.argv.empty()) return Node(c.shell);
    Node node(NodeType::Sequence);
    for (const auto& a : c.argv) node.push_back(a);
    return node;
  }
  static bool decode(const Node& node, mtbench::external::Command& c) {
    c = {};
    if (node.IsScalar()) {
      c.shell = node.Scalar();
      return true;
    }
    if (!node.IsSequence() || node.size() == 0) return false;
    for (const auto& item : node) {
      if (!item.IsScalar()) return false;
      c.argv.push_back(item.Scalar());
    }
    return !c.argv.front().empty();
  }
};
}  // namespace YAML

namespace mtbench::external {

std::string Command::display() const {
  if (!argv.empty()) return fmt::format("{}", fmt::join(argv, " "));
  return shell.empty() ? std::string() : "/bin/sh -c '" + shell + "'";
}

YAML::Emitter& operator<<(YAML::Emitter& out, const Command& command) {
  if (command.argv.empty()) return out << command.shell;
  return out << YAML::Flow << command.argv;
}

std::string show_option_value(const Command& command) {
  return command.argv.empty() ? command.shell : command.display();
}

const OptionTable<ExternalOptions>& external_option_table() {
  static const OptionTable<ExternalOptions> table = [] {
    using O = ExternalOptions;
    OptionTable<O> t("external");
    t.add<Command>(
         "command", [](O& o) -> Command& { return o.command; },
         "a line filter, sources on stdin, one translation per line out: a string runs through /bin/sh -c, a "
         "list [program, arg, ...] runs without a shell")
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
