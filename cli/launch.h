#pragma once
// `--nproc N`: runs the current command as N local worker processes of one data-parallel
// training group, with the environment torchrun gives its workers (WORLD_SIZE, RANK,
// LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1, MASTER_PORT = a free port), the
// threads divided among them; waits for them and reports the first failure.

#include <string>
#include <vector>

namespace mtbench::cli {

// Keeps the command line of this process (called by main before parsing).
void remember_command_line(int argc, char** argv);

// Runs this command again as `nproc` workers, each with `threads_per_worker` threads (the
// command line minus --nproc and --threads). Returns when every worker has ended; Error naming
// the first rank that failed (the others are stopped by their own fault detection, or killed
// `grace_seconds` after it). Ctrl-C reaches the workers (they checkpoint) and is then reported.
void run_local_workers(int nproc, int threads_per_worker, double grace_seconds);

}  // namespace mtbench::cli
