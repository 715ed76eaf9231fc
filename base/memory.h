#pragma once
// Memory of this process as the kernel counts it (/proc/self/status), and byte sizes as
// people write them ("512M", "2G", as lmplz -S and sort -S accept).

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

namespace mtbench {

// Resident set size now (VmRSS), in bytes; 0 where /proc is unavailable.
std::uint64_t resident_bytes();
// The part of the resident set that is file pages mapped by this process (RssFile: memory-
// mapped models); 0 where unavailable. They cost no private memory (the page cache holds them
// and the kernel may reclaim them) but count in RSS.
std::uint64_t resident_file_bytes();
// Peak resident set size of the process so far (VmHWM), in bytes; 0 where unavailable.
std::uint64_t peak_resident_bytes();

// The largest resident set size seen since the last reset_sampled_peak(), sampled every
// 20 ms by a background thread (started by the first reset): a stage's own peak, which
// VmHWM (the whole process's) cannot tell once an earlier stage went higher.
void reset_sampled_peak();
std::uint64_t sampled_peak_bytes();

// Returns freed heap memory to the system (glibc keeps it otherwise, so a stage that freed
// gigabytes would still show them as resident); a no-op elsewhere.
void release_free_memory();

// Runs `f` on a thread of its own and returns its result (rethrowing what it threw). glibc's
// malloc serves a new thread from an arena of its own, so the allocations of a bulk phase
// (millions of corpus strings, a subword trainer's tables) do not interleave with the
// caller's long-lived ones, and freeing them later leaves no holes in the caller's heap for
// the next phase to fragment (first transformer run at 1M pairs: training peak 1.0 -> 0.91 GB).
template <typename F>
auto on_own_arena(F&& f) -> std::invoke_result_t<F&> {
  using Result = std::invoke_result_t<F&>;
  std::exception_ptr error;
  if constexpr (std::is_void_v<Result>) {
    std::thread worker([&] {
      try {
        f();
      } catch (...) {
        error = std::current_exception();  // nothing escapes a thread
      }
    });
    worker.join();
    if (error) std::rethrow_exception(error);
  } else {
    std::optional<Result> result;
    std::thread worker([&] {
      try {
        result.emplace(f());
      } catch (...) {
        error = std::current_exception();
      }
    });
    worker.join();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
  }
}

// "1.2 GB", "512 MB", "17 kB" (decimal units, 2 significant digits above 10).
std::string format_bytes(std::uint64_t bytes);

// Parses "512M", "2G", "1.5G", "64k", "1000000" (bytes) into bytes; K/M/G/T are powers of
// 1024 as in sort -S and lmplz -S, case-insensitive, with an optional trailing "B"/"iB".
// Throws ConfigError naming `what` and the text when it is not a size or is zero.
std::uint64_t parse_byte_size(const std::string& text, const std::string& what);

}  // namespace mtbench
