#pragma once
// Running an outside command as a line filter: input lines on its stdin, output lines from
// its stdout, a bounded tail of its stderr, with a wall-clock timeout. POSIX only
// (posix_spawn, poll).

#include <cstddef>
#include <string>
#include <vector>

#include "systems/external/external_options.h"

namespace mtbench::external {

// What a finished command produced.
struct CommandResult {
  std::vector<std::string> lines;  // stdout split into lines ('\n'; a trailing '\r' dropped)
  std::string error_output;        // the last kStderrTailBytes it wrote to stderr
  int exit_status = 0;             // exit code, or 128 + signal number when killed by a signal
};

// How much of a command's stderr is kept (the end, where the error usually is).
inline constexpr std::size_t kStderrTailBytes = 64 * 1024;

// Runs `command` (through /bin/sh -c, or its argv directly) in its own process group,
// writing each input line followed by '\n' to its stdin from a separate thread (so a command
// that writes before it has read everything cannot deadlock against us), then closing stdin.
//
// The output is complete when the command has exited and its stdout is drained: a background
// child that detached (setsid) and still holds stdout open is not waited for. When the
// command exits, or time runs out, or mtbench gets SIGINT/SIGTERM/SIGHUP, the whole process
// group is killed; a watchdog process in the group kills it when mtbench dies otherwise
// (SIGKILL, a crash). More output lines than input lines, or a line over the reader's line
// limit, stops the command with a DataError (memory stays bounded). timeout_seconds <= 0
// means no limit; past the limit an Error names the command and the limit. Throws Error when
// the command cannot be started. Exit status and line count are the caller's to judge.
CommandResult run_line_filter(const Command& command, const std::vector<std::string>& input, double timeout_seconds);

}  // namespace mtbench::external
