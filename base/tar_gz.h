#pragma once
// Reading members of a (gzip-compressed) tar archive: the WMT test-set archives. ustar, GNU
// long names ('L') and pax 'path' records; only regular files. Malformed archives are
// DataErrors naming the archive and the offset.

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace mtbench {

// The contents of the members named in `wanted` (paths as stored, "./" prefix ignored). A
// member larger than `max_member_bytes` is an error. Members not found are simply absent.
std::map<std::string, std::string> read_tar_members(const std::filesystem::path& archive,
                                                    const std::set<std::string>& wanted,
                                                    std::uint64_t max_member_bytes = 1ull << 30);

}  // namespace mtbench
