#include "cli/validators.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace mtbench::cli {

CLI::Validator finite_number() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double value = std::strtod(text.c_str(), &end);
        if (end == text.c_str() || *end != '\0') return fmt::format("'{}' is not a number", text);
        if (!std::isfinite(value)) return fmt::format("must be a finite number, got '{}'", text);
        return {};
      },
      "FINITE");
}

CLI::Validator integer_in(long long low, long long high) {
  return CLI::Validator(
      [low, high](std::string& text) -> std::string {
        char* end = nullptr;
        errno = 0;
        const long long value = std::strtoll(text.c_str(), &end, 10);
        if (end == text.c_str() || *end != '\0' || errno == ERANGE || value < low || value > high)
          return fmt::format("must be an integer from {} to {}, got '{}'", low, high, text);
        return {};
      },
      fmt::format("INT in [{} - {}]", low, high));
}

}  // namespace mtbench::cli
