#pragma once
// sacreBLEU spells several options with one dash and several letters (-tok, -lc, -sv, -cc,
// -pbs, ...). CLI11 reads "-tok" as "-t -o -k", so `mtbench score` arguments are rewritten to
// their double-dash spellings before parsing.

#include <string>
#include <vector>

namespace mtbench::cli {

// Returns argv as strings with sacreBLEU's single-dash long options (after the "score"
// subcommand only) replaced by their double-dash equivalents.
std::vector<std::string> rewrite_arguments(int argc, char** argv);

}  // namespace mtbench::cli
