#include "systems/external/external_options.h"

#include <yaml-cpp/yaml.h>

#include "corpus/error.h"

namespace mtbench::external {

ExternalOptions parse_external_options(const std::string& yaml, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    fail<ConfigError>("{}: invalid YAML for the external system: {}", origin, e.what());
  }
  ExternalOptions options;
  if (root.IsNull()) {
    fail<ConfigError>("{}: the external system needs a configuration with 'command:' or 'outputs:'",
                      origin);
  }
  if (!root.IsMap())
    fail<ConfigError>("{}: the external system's configuration must be a YAML mapping", origin);
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>();
    const YAML::Node& value = item.second;
    try {
      if (key == "command") {
        options.command = value.as<std::string>();
      } else if (key == "outputs") {
        options.outputs = value.as<std::string>();
      } else if (key == "timeout_seconds") {
        options.timeout_seconds = value.as<double>();
        if (options.timeout_seconds < 0) {
          fail<ConfigError>("{}: timeout_seconds must be >= 0 (0 = no limit), got {}", origin,
                            options.timeout_seconds);
        }
      } else {
        fail<ConfigError>(
            "{}: unknown key '{}' for the external system (valid: command, outputs, "
            "timeout_seconds)",
            origin, key);
      }
    } catch (const YAML::Exception&) {
      fail<ConfigError>("{}: key '{}' of the external system has a value of the wrong type", origin,
                        key);
    }
  }
  if (options.command.empty() == options.outputs.empty()) {
    fail<ConfigError>("{}: the external system needs exactly one of 'command:' and 'outputs:'",
                      origin);
  }
  return options;
}

std::string to_yaml(const ExternalOptions& options) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  if (!options.command.empty()) out << YAML::Key << "command" << YAML::Value << options.command;
  if (!options.outputs.empty()) out << YAML::Key << "outputs" << YAML::Value << options.outputs;
  out << YAML::Key << "timeout_seconds" << YAML::Value << options.timeout_seconds;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mtbench::external
