#pragma once
// Running an outside command as a line filter: input lines on its stdin, output lines from
// its stdout, stderr captured, with a wall-clock timeout. POSIX only (posix_spawn, poll).

#include <string>
#include <vector>

namespace mtbench::external {

// What a finished command produced.
struct CommandResult {
  std::vector<std::string> lines;  // stdout split into lines ('\n'; a trailing '\r' dropped)
  std::string error_output;        // everything it wrote to stderr
  int exit_status = 0;             // exit code, or 128 + signal number when killed by a signal
};

// Runs `/bin/sh -c command` in its own process group, writing each input line followed by
// '\n' to its stdin from a separate thread (so a command that writes before it has read
// everything cannot deadlock against us), then closing stdin. Reads stdout and stderr until
// both close. timeout_seconds <= 0 means no limit; past the limit the whole process group is
// killed and an Error naming the command and the limit is thrown. Throws Error when the
// command cannot be started. A command exiting early (not reading its input) is not an error
// here; the caller judges exit status and line count.
CommandResult run_line_filter(const std::string& command, const std::vector<std::string>& input,
                              double timeout_seconds);

}  // namespace mtbench::external
