#include "cli/argv_rewrite.h"

#include <map>

namespace mtbench::cli {

std::vector<std::string> rewrite_arguments(int argc, char** argv) {
  // sacreBLEU's single-dash spellings and the long names `mtbench score` uses for them.
  static const std::map<std::string, std::string> kAliases = {
      {"-tok", "--tokenize"},       {"-lc", "--lowercase"},       {"-sv", "--smooth-value"},
      {"-cc", "--chrf-char-order"}, {"-cw", "--chrf-word-order"}, {"-sl", "--sentence-level"},
      {"-ci", "--confidence"},      {"-cin", "--confidence-n"},   {"-pbs", "--paired-bs"},
      {"-pbsn", "--paired-bs-n"},   {"-par", "--paired-ar"},      {"-parn", "--paired-ar-n"},
      {"-nc", "--no-color"},        {"-sh", "--short"},           {"-nr", "--num-refs"},
  };
  std::vector<std::string> args(argv, argv + argc);
  bool in_score = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (!in_score) {
      if (args[i] == "score") in_score = true;
      continue;
    }
    if (args[i] == "--") break;
    auto it = kAliases.find(args[i]);
    if (it != kAliases.end()) args[i] = it->second;
  }
  return args;
}

}  // namespace mtbench::cli
