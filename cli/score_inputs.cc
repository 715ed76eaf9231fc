#include "cli/score_inputs.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::cli {
namespace {

// Python's str.rstrip(): ASCII whitespace, separators 0x1c-0x1f and Unicode spaces.
std::string rstrip(const std::string& s) {
  static const std::vector<std::string> unicode_spaces = {"\xc2\x85",     "\xc2\xa0",     "\xe1\x9a\x80",
                                                          "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
                                                          "\xe2\x81\x9f", "\xe3\x80\x80"};
  std::size_t end = s.size();
  while (end > 0) {
    const auto c = static_cast<unsigned char>(s[end - 1]);
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) {
      --end;
      continue;
    }
    bool matched = false;
    if (end >= 3 && s.compare(end - 3, 2, "\xe2\x80") == 0 && static_cast<unsigned char>(s[end - 1]) >= 0x80 &&
        static_cast<unsigned char>(s[end - 1]) <= 0x8a) {
      end -= 3;  // U+2000..U+200A
      matched = true;
    }
    for (const auto& sp : unicode_spaces)
      if (!matched && end >= sp.size() && s.compare(end - sp.size(), sp.size(), sp) == 0) {
        end -= sp.size();
        matched = true;
      }
    if (!matched) break;
  }
  return s.substr(0, end);
}

std::vector<std::string> split_tabs(const std::string& line, std::size_t max_fields) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() + 1 < max_fields) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string::npos) break;
    out.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  out.push_back(line.substr(start));
  return out;
}

}  // namespace

ScoreInputs read_score_inputs(const ScoreOptions& o, bool paired) {
  ScoreInputs in;
  if (o.refs.empty()) fail<ConfigError>("no reference files given (give them before -i/--input)");
  if (o.num_refs != 1 && o.refs.size() > 1)
    fail<ConfigError>("--num-refs splits one tab-separated reference file; got {} reference files", o.refs.size());
  in.refs.resize(std::max<std::size_t>(o.refs.size(), static_cast<std::size_t>(o.num_refs)));
  for (std::size_t r = 0; r < o.refs.size(); ++r) {
    const auto lines = read_lines(o.refs[r]);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string line = rstrip(lines[i]);
      if (o.num_refs == 1) {
        in.refs[r].push_back(line);
        continue;
      }
      auto fields = split_tabs(line, static_cast<std::size_t>(o.num_refs));
      if (fields.size() != static_cast<std::size_t>(o.num_refs))
        fail<DataError>("{}:{}: expected {} tab-separated references, found {}", o.refs[r], i + 1, o.num_refs,
                        fields.size());
      for (std::size_t k = 0; k < fields.size(); ++k) in.refs[k].push_back(fields[k]);
    }
  }
  for (std::size_t k = 0; k < in.refs.size(); ++k)
    in.ref_names.push_back(o.num_refs == 1 ? o.refs[k] : fmt::format("{} (field {})", o.refs[0], k + 1));

  if (o.inputs.empty()) {
    const auto lines = read_lines("-");
    std::size_t num = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto fields = split_tabs(rstrip(lines[i]), static_cast<std::size_t>(-1));
      if (i == 0) {
        num = fields.size();
        in.systems.resize(num);
      } else if (fields.size() != num) {
        fail<DataError>("stdin:{}: {} tab-separated systems, the first line has {}", i + 1, fields.size(), num);
      }
      for (std::size_t s = 0; s < num; ++s) in.systems[s].push_back(rstrip(fields[s]));
    }
    if (num == 0) in.systems.resize(1);
    for (std::size_t s = 0; s < in.systems.size(); ++s) {
      in.names.push_back(fmt::format("System {}", s + 1));
      in.files.push_back("stdin");
    }
  } else {
    for (const auto& file : o.inputs) {
      if (std::find(in.files.begin(), in.files.end(), file) != in.files.end()) {
        if (paired && file == in.files[0]) continue;  // the baseline given again
        fail<ConfigError>("'{}' already used to name a system", file);
      }
      in.names.push_back(file);
      in.files.push_back(file);
    }
    // Decompressing and validating the files is a good part of the work: read them in
    // parallel (errors are rethrown in file order once every reader is done).
    in.systems.resize(in.files.size());
    std::vector<std::string> errors(in.files.size());
    const long long count = static_cast<long long>(in.files.size());
#pragma omp parallel for schedule(dynamic)
    for (long long f = 0; f < count; ++f) {
      try {
        std::vector<std::string> lines = read_lines(in.files[static_cast<std::size_t>(f)]);
        for (auto& line : lines) line = rstrip(line);
        in.systems[static_cast<std::size_t>(f)] = std::move(lines);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(f)] = e.what();
      }
    }
    for (const auto& error : errors)
      if (!error.empty()) throw DataError(error);
  }
  if (paired) {
    if (o.inputs.empty()) {
      for (std::size_t s = 0; s < in.names.size(); ++s) in.names[s] = s == 0 ? "Baseline" : fmt::format("System {}", s);
    } else {
      in.names[0] = "Baseline: " + in.names[0];
    }
  }
  for (std::size_t s = 0; s < in.systems.size(); ++s) {
    if (in.systems[s].empty()) fail<DataError>("{}: no segments", in.files[s]);
    for (std::size_t k = 0; k < in.refs.size(); ++k)
      if (in.refs[k].size() != in.systems[s].size())
        fail<DataError>("hypothesis {} has {} lines but reference {} has {} lines", in.files[s], in.systems[s].size(),
                        in.ref_names[k], in.refs[k].size());
  }
  return in;
}

}  // namespace mtbench::cli
