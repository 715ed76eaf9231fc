#include "base/tar_gz.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>

#include "base/error.h"

namespace mtbench {
namespace {

// Reads exactly `n` bytes (gzread handles plain files too); false at a clean end of file.
bool read_exact(gzFile file, char* out, std::size_t n, const std::filesystem::path& archive) {
  std::size_t done = 0;
  while (done < n) {
    const int got = gzread(file, out + done, static_cast<unsigned>(std::min<std::size_t>(n - done, 1 << 20)));
    if (got < 0) {
      int code = 0;
      fail<DataError>("{}: cannot decompress: {}", archive.string(), gzerror(file, &code));
    }
    if (got == 0) {
      if (done == 0) return false;
      fail<DataError>("{}: truncated archive ({} of {} bytes of a block)", archive.string(), done, n);
    }
    done += static_cast<std::size_t>(got);
  }
  return true;
}

std::uint64_t octal(std::string_view field, const std::filesystem::path& archive, std::uint64_t offset) {
  std::uint64_t value = 0;
  bool any = false;
  for (char c : field) {
    if (c == '\0' || c == ' ') {
      if (any) break;
      continue;
    }
    if (c < '0' || c > '7') fail<DataError>("{}: bad tar header at byte {} (size field)", archive.string(), offset);
    if (value > (std::uint64_t{1} << 60))
      fail<DataError>("{}: tar member too large at byte {}", archive.string(), offset);
    value = value * 8 + static_cast<std::uint64_t>(c - '0');
    any = true;
  }
  return value;
}

std::string field_string(const char* p, std::size_t n) {
  return std::string(p, strnlen(p, n));
}

std::string normalized(std::string name) {
  while (name.rfind("./", 0) == 0) name.erase(0, 2);
  return name;
}

}  // namespace

std::map<std::string, std::string> read_tar_members(const std::filesystem::path& archive,
                                                    const std::set<std::string>& wanted,
                                                    std::uint64_t max_member_bytes) {
  std::unique_ptr<gzFile_s, decltype(&gzclose)> file(gzopen(archive.c_str(), "rb"), &gzclose);
  if (!file) fail("cannot open archive {}", archive.string());
  std::map<std::string, std::string> out;
  char header[512];
  std::uint64_t offset = 0;
  std::string long_name;  // from a GNU 'L' or pax record, for the next member
  while (out.size() < wanted.size() && read_exact(file.get(), header, sizeof header, archive)) {
    offset += 512;
    if (std::all_of(header, header + 512, [](char c) { return c == '\0'; })) break;  // end of archive
    const std::uint64_t size = octal(std::string_view(header + 124, 12), archive, offset - 512);
    const char type = header[156];
    std::string name = field_string(header, 100);
    if (std::memcmp(header + 257, "ustar", 5) == 0) {
      const std::string prefix = field_string(header + 345, 155);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    if (!long_name.empty()) {
      name = long_name;
      long_name.clear();
    }
    name = normalized(name);
    const std::uint64_t padded = (size + 511) / 512 * 512;
    const bool meta = type == 'L' || type == 'x';
    const bool keep = (type == '0' || type == '\0') && wanted.count(name) != 0;
    if ((keep || meta) && size > max_member_bytes)
      fail<DataError>("{}: member {} has {} bytes, over the limit of {}", archive.string(), name, size,
                      max_member_bytes);
    std::string content;
    if (keep || meta) {
      content.resize(padded);
      if (padded > 0 && !read_exact(file.get(), content.data(), padded, archive))
        fail<DataError>("{}: truncated member {}", archive.string(), name);
      content.resize(size);
    } else {
      char skip[1 << 14];
      for (std::uint64_t left = padded; left > 0;) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, sizeof skip));
        if (!read_exact(file.get(), skip, n, archive))
          fail<DataError>("{}: truncated member {}", archive.string(), name);
        left -= n;
      }
    }
    offset += padded;
    if (type == 'L') {
      long_name = normalized(field_string(content.data(), content.size()));
    } else if (type == 'x') {
      // pax records: "LEN key=value\n"
      for (std::size_t pos = 0; pos < content.size();) {
        const std::size_t space = content.find(' ', pos);
        if (space == std::string::npos) break;
        const std::size_t len = std::strtoull(content.c_str() + pos, nullptr, 10);
        if (len == 0 || pos + len > content.size()) break;
        const std::string record = content.substr(space + 1, pos + len - space - 2);
        if (record.rfind("path=", 0) == 0) long_name = normalized(record.substr(5));
        pos += len;
      }
    } else if (keep) {
      out[name] = std::move(content);
    }
  }
  return out;
}

}  // namespace mtbench
