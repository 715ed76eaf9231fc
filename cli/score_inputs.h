#pragma once
// Reading the references and system outputs of `mtbench score` as sacreBLEU does: Python's
// rstrip() of every line, tab-separated references (--num-refs) or systems (stdin), line
// counts checked against every reference stream.

#include <string>
#include <vector>

#include "cli/score_options.h"

namespace mtbench::cli {

// The references and systems of one run.
struct ScoreInputs {
  std::vector<std::vector<std::string>> refs;     // [stream][segment]
  std::vector<std::string> ref_names;             // file per stream (for messages)
  std::vector<std::vector<std::string>> systems;  // [system][segment]
  std::vector<std::string> names;                 // display names (sacreBLEU's)
  std::vector<std::string> files;                 // source of each system (for messages)
};

// Reads them; `paired` names the first system "Baseline" as sacreBLEU does. DataError naming
// the file and line on malformed input, ConfigError on inconsistent options.
ScoreInputs read_score_inputs(const ScoreOptions& options, bool paired);

}  // namespace mtbench::cli
