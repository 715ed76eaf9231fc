#pragma once
// Runs the built `mtbench` executable for end-to-end CLI tests (stdout and stderr captured).

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace mtbench::testing {

// The test plugin directory holding the dice example (built by tests/CMakeLists.txt).
inline const std::string kDicePluginDir = MTBENCH_BINARY_DIR "/tests/plugins/dice";

// `path` single-quoted for the shell command line run_mtbench builds.
inline std::string q(const std::filesystem::path& path) {
  return "'" + path.string() + "'";
}

// The outcome of one run.
struct MtbenchRun {
  int status = -1;  // exit status (128 + signal when killed)
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `ENV mtbench ARGS` through /bin/sh (stdin from /dev/null unless ARGS redirects it);
// `scratch` holds the captured stderr.
inline MtbenchRun run_mtbench(const std::string& args, const std::filesystem::path& scratch,
                              const std::string& env = "") {
  const std::filesystem::path err_file = scratch / "mtbench-stderr.txt";
  const std::string command = env + " '" MTBENCH_BINARY_DIR "/mtbench' " + args + " 2> '" + err_file.string() + "'";
  MtbenchRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  std::size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::ifstream in(err_file);
  std::stringstream text;
  text << in.rdbuf();
  run.err = text.str();
  return run;
}

}  // namespace mtbench::testing
