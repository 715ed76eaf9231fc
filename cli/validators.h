#pragma once
// Validators for numeric command-line options. CLI11's own ranges let NaN through (every
// comparison with NaN is false) and print their bounds as 309-digit doubles.

#include <CLI/CLI.hpp>

namespace mtbench::cli {

// A finite number: "nan", "inf" and friends are refused.
CLI::Validator finite_number();
// An integer in [low, high], with the bounds in the message as people write them.
CLI::Validator integer_in(long long low, long long high);

}  // namespace mtbench::cli
