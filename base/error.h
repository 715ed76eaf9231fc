#pragma once
// Errors carry the offending values (file, line, sizes) in their message; `main` prints
// the message on one line and exits non-zero. Never abort() or assert on user input.

#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace mtbench {

// Any error caused by input, configuration or the environment (not a programming bug).
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Malformed or inconsistent data: names the file and, where known, the line.
class DataError : public Error {
 public:
  using Error::Error;
};

// A bad option value or configuration entry: names the key and the source.
class ConfigError : public Error {
 public:
  using Error::Error;
};

// The user stopped the work (Ctrl-C) after it saved what it could: never swallowed by
// `on_error: continue`.
class InterruptedError : public Error {
 public:
  using Error::Error;
};

// Formats a message with fmt and throws E (default Error).
template <typename E = Error, typename... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args) {
  throw E(fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace mtbench
