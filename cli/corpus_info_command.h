#pragma once
// `mtbench corpus info`: validates a parallel corpus (line counts, UTF-8) and prints its
// statistics (segments, tokens, vocabulary, lengths).

#include <CLI/CLI.hpp>

#include "cli/app.h"

namespace mtbench::cli {

// Adds `info` to the `corpus` subcommand.
void add_corpus_info_command(CLI::App& corpus, GlobalOptions& global);

}  // namespace mtbench::cli
