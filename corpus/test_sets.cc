#include "corpus/test_sets.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/md5.h"
#include "base/sha256.h"
#include "base/tar_gz.h"
#include "base/text_file.h"
#include "base/utf8.h"
#include "corpus/datasets.h"

namespace mtbench {
namespace {

enum class Format { kSgm, kWmtXml, kDataset };

// A test set as data (the URLs, MD5 sums and archive layouts are those of sacreBLEU's
// registry, sacrebleu/dataset/__init__.py).
struct Row {
  const char* name;
  const char* description;
  const char* url;
  const char* md5;
  Format format;
  const char* pairs;   // space-separated
  const char* dir;     // directory inside the archive (SGM), or the path pattern (XML: {pair})
  const char* prefix;  // file prefix, e.g. "newstest2017" (also the mirror's file prefix)
  const char* split;   // kDataset: the multi30k split
};

// Pairs whose source-reference pair uses other names than the set's pattern.
struct PathOverride {
  const char* set;
  const char* pair;
  const char* source;
  const char* reference;
};

const std::vector<Row>& rows() {
  static const std::vector<Row> table = {
      {"wmt22", "Official evaluation data for WMT22 (general task, reference A; B for cs-en and en-cs)",
       "https://github.com/wmt-conference/wmt22-news-systems/archive/refs/tags/v1.1.tar.gz",
       "0840978b9b50b9ac3b2b081e37d620b9", Format::kWmtXml,
       "cs-en cs-uk de-en de-fr en-cs en-de en-hr en-ja en-ru en-uk en-zh fr-de ja-en ru-en sah-ru uk-cs uk-en zh-en",
       "wmt22-news-systems-1.1/xml/wmttest2022.{pair}.all.xml", "wmttest2022", ""},
      {"wmt21", "Official evaluation data for WMT21 (reference A)",
       "https://data.statmt.org/wmt21/translation-task/test.tgz", "32e7ab995bc318414375d60f0269af92", Format::kWmtXml,
       "de-fr en-de en-ha en-is en-ja fr-de ha-en is-en ja-en zh-en en-zh cs-en de-en en-cs en-ru ru-en bn-hi hi-bn "
       "xh-zu zu-xh",
       "test/newstest2021.{pair}.xml", "newstest2021", ""},
      {"wmt20", "Official evaluation data for WMT20", "https://data.statmt.org/wmt20/translation-task/test.tgz",
       "3b1f777cfd2fb15ccf66e9bfdb2b1699", Format::kSgm,
       "cs-en de-en de-fr en-cs en-de en-iu en-ja en-km en-pl en-ps en-ru en-ta en-zh fr-de iu-en ja-en km-en pl-en "
       "ps-en ru-en ta-en zh-en",
       "sgm", "newstest2020", ""},
      {"wmt19", "Official evaluation data for WMT19", "https://data.statmt.org/wmt19/translation-task/test.tgz",
       "84de7162d158e28403103b01aeefc39a", Format::kSgm,
       "cs-de de-cs de-en de-fr en-cs en-de en-fi en-gu en-kk en-lt en-ru en-zh fi-en fr-de gu-en kk-en lt-en ru-en "
       "zh-en",
       "sgm", "newstest2019", ""},
      {"wmt18", "Official evaluation data for WMT18", "https://data.statmt.org/wmt18/translation-task/test.tgz",
       "f996c245ecffea23d0006fa4c34e9064", Format::kSgm,
       "cs-en de-en en-cs en-de en-et en-fi en-ru et-en fi-en ru-en en-tr tr-en en-zh zh-en", "test", "newstest2018",
       ""},
      {"wmt17", "Official evaluation data for WMT17", "https://data.statmt.org/wmt17/translation-task/test.tgz",
       "86a1724c276004aa25455ae2a04cef26", Format::kSgm,
       "cs-en de-en en-cs en-de en-fi en-lv en-ru en-tr en-zh fi-en lv-en ru-en tr-en zh-en", "test", "newstest2017",
       ""},
      {"wmt16", "Official evaluation data for WMT16", "https://data.statmt.org/wmt16/translation-task/test.tgz",
       "3d809cd0c2c86adb2c67034d15c4e446", Format::kSgm,
       "cs-en de-en en-cs en-de en-fi en-ro en-ru en-tr fi-en ro-en ru-en tr-en", "test", "newstest2016", ""},
      {"wmt15", "Official evaluation data for WMT15", "https://statmt.org/wmt15/test.tgz",
       "67e3beca15e69fe3d36de149da0a96df", Format::kSgm, "en-fr fr-en cs-en de-en en-cs en-de en-fi en-ru fi-en ru-en",
       "test", "newstest2015", ""},
      {"wmt14", "Official evaluation data for WMT14 (filtered)", "https://statmt.org/wmt14/test-filtered.tgz",
       "84c597844c1542e29c2aff23aaee4310", Format::kSgm, "cs-en en-cs de-en en-de en-fr fr-en en-hi hi-en en-ru ru-en",
       "test", "newstest2014", ""},
      {"multi30k/2016", "Multi30k test_2016_flickr (any direction; sacreBLEU lists en-de, en-fr, en-cs)", "", "",
       Format::kDataset, "", "", "test_2016_flickr", "test_2016_flickr"},
      {"multi30k/2017", "Multi30k test_2017_flickr (any direction; sacreBLEU lists en-de, en-fr)", "", "",
       Format::kDataset, "", "", "test_2017_flickr", "test_2017_flickr"},
      {"multi30k/2018", "Multi30k test_2018_flickr (any direction; sacreBLEU lists en-de, en-fr, en-cs)", "", "",
       Format::kDataset, "", "", "test_2018_flickr", "test_2018_flickr"},
      {"mscoco17", "Multi30k test_2017_mscoco (any direction; sacreBLEU lists en-de, en-fr)", "", "", Format::kDataset,
       "", "", "test_2017_mscoco", "test_2017_mscoco"},
  };
  return table;
}

// wmt15's French-English sets are news discussions; wmt14 names its files by the pair with
// English last in both directions.
const std::vector<PathOverride>& overrides() {
  static const std::vector<PathOverride> table = {
      {"wmt15", "en-fr", "test/newsdiscusstest2015-enfr-src.en.sgm", "test/newsdiscusstest2015-enfr-ref.fr.sgm"},
      {"wmt15", "fr-en", "test/newsdiscusstest2015-fren-src.fr.sgm", "test/newsdiscusstest2015-fren-ref.en.sgm"},
      {"wmt21", "bn-hi", "test/florestest2021.bn-hi.xml", ""},
      {"wmt21", "hi-bn", "test/florestest2021.hi-bn.xml", ""},
      {"wmt21", "xh-zu", "test/florestest2021.xh-zu.xml", ""},
      {"wmt21", "zu-xh", "test/florestest2021.zu-xh.xml", ""},
  };
  return table;
}

// SHA-256 of processed reference texts mtbench has seen from the official archives (each line
// followed by '\n'), to check processed files in a mirror.
const std::map<std::string, std::string>& known_text_sha256() {
  static const std::map<std::string, std::string> table = {
      {"wmt17/en-de/ref", "675e4f7e6045dacf56507e29b24106d771a571e0eb58d822806b086cdcf892f4"},
  };
  return table;
}

const Row& row_of(const std::string& name) {
  for (const auto& r : rows())
    if (r.name == name) return r;
  std::vector<std::string> names;
  for (const auto& r : rows()) names.push_back(r.name);
  fail<ConfigError>("unknown test set '{}'; valid: {} (see `mtbench score --list`)", name, fmt::join(names, ", "));
}

std::vector<std::string> split_words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::vector<std::string> dataset_pairs(const Row& row) {
  const Dataset& d = find_dataset("multi30k");
  const auto langs = d.split_languages(row.split);
  std::vector<std::string> out;
  for (const auto& s : langs)
    for (const auto& t : langs)
      if (s != t) out.push_back(s + "-" + t);
  return out;
}

std::string flat(const std::string& name) {
  std::string out = name;
  std::replace(out.begin(), out.end(), '/', '_');
  return out;
}

std::string text_sha256(const std::vector<std::string>& lines) {
  Sha256 hash;
  for (const auto& l : lines) {
    hash.update(l);
    hash.update("\n", 1);
  }
  return hash.hex_digest();
}

// The value of attribute `key` in a tag's text ("" when absent).
std::string attribute(const std::string& tag, const std::string& key) {
  for (std::size_t pos = 0; (pos = tag.find(key + "=", pos)) != std::string::npos; pos += key.size()) {
    if (pos > 0 && tag[pos - 1] != ' ' && tag[pos - 1] != '\t') continue;
    std::size_t start = pos + key.size() + 1;
    if (start >= tag.size()) return "";
    const char quote = tag[start];
    if (quote != '"' && quote != '\'') {
      const std::size_t end = tag.find_first_of(" \t>", start);
      return tag.substr(start, end == std::string::npos ? std::string::npos : end - start);
    }
    const std::size_t end = tag.find(quote, start + 1);
    if (end == std::string::npos) return "";
    return tag.substr(start + 1, end - start - 1);
  }
  return "";
}

// XML character data with its five entities and numeric references decoded.
std::string xml_unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) {
      out += s[i];
      continue;
    }
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "lt")
      out += '<';
    else if (name == "gt")
      out += '>';
    else if (name == "amp")
      out += '&';
    else if (name == "quot")
      out += '"';
    else if (name == "apos")
      out += '\'';
    else if (!name.empty() && name[0] == '#') {
      const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
      const std::string digits(name.substr(hex ? 2 : 1));
      char* end = nullptr;
      const unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
      if (digits.empty() || *end != '\0' || cp > 0x10FFFF) {
        out.append(s.substr(i, semi - i + 1));
      } else {
        utf8::append(out, static_cast<char32_t>(cp));
      }
    } else {
      out.append(s.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

}  // namespace

TestSetText parse_wmt_xml(const std::string& xml, const std::string& translator, const std::string& origin) {
  TestSetText out;
  out.references.resize(1);
  std::size_t pos = 0;
  while ((pos = xml.find("<doc", pos)) != std::string::npos) {
    const std::size_t tag_end = xml.find('>', pos);
    const std::size_t doc_end = xml.find("</doc>", pos);
    if (tag_end == std::string::npos || doc_end == std::string::npos)
      fail<DataError>("{}: unterminated <doc> at byte {}", origin, pos);
    const std::string tag = xml.substr(pos, tag_end - pos);
    const std::string docid = attribute(tag, "id"), origlang = attribute(tag, "origlang");
    std::vector<std::string> src, ref;
    bool has_ref = false;
    auto segments_of = [&](std::size_t from, std::size_t to, std::vector<std::string>& segs) {
      for (std::size_t p = from; (p = xml.find("<seg", p)) != std::string::npos && p < to;) {
        const std::size_t open_end = xml.find('>', p);
        const std::size_t close = xml.find("</seg>", p);
        if (open_end == std::string::npos || close == std::string::npos || close > to)
          fail<DataError>("{}: unterminated <seg> at byte {}", origin, p);
        segs.push_back(clean_segment(xml_unescape(std::string_view(xml).substr(open_end + 1, close - open_end - 1))));
        p = close + 6;
      }
    };
    for (std::size_t p = tag_end; p < doc_end;) {
      const std::size_t open = xml.find('<', p);
      if (open == std::string::npos || open >= doc_end) break;
      const std::size_t gt = xml.find('>', open);
      const std::string inner = xml.substr(open, gt - open);
      if (inner.rfind("<src", 0) == 0 || inner.rfind("<ref", 0) == 0) {
        const bool is_src = inner[1] == 's';
        const std::string closing = is_src ? "</src>" : "</ref>";
        const std::size_t end = xml.find(closing, gt);
        if (end == std::string::npos || end > doc_end)
          fail<DataError>("{}: unterminated {} at byte {}", origin, inner, open);
        if (is_src) {
          segments_of(gt, end, src);
        } else if (attribute(inner, "translator") == translator) {
          has_ref = true;
          segments_of(gt, end, ref);
        }
        p = end + closing.size();
      } else {
        p = gt + 1;
      }
    }
    pos = doc_end + 6;
    if (!has_ref) continue;
    if (src.size() != ref.size())
      fail<DataError>("{}: document {} has {} source and {} reference segments", origin, docid, src.size(), ref.size());
    for (std::size_t i = 0; i < src.size(); ++i) {
      out.source.push_back(std::move(src[i]));
      out.references[0].push_back(std::move(ref[i]));
      out.docid.push_back(docid);
      out.origlang.push_back(origlang);
    }
  }
  if (out.source.empty()) fail<DataError>("{}: no document with reference '{}'", origin, translator);
  return out;
}

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string clean_segment(const std::string& text) {
  // Python's str.strip() then re.sub(r"\s+", " ", ...): Unicode whitespace either way.
  std::string out;
  std::size_t pos = 0;
  bool pending_space = false;
  while (pos < text.size()) {
    const std::size_t start = pos;
    const char32_t c = utf8::next(text, pos);
    const bool space = c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F) || c == 0x85 || c == 0xA0 ||
                       c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
                       c == 0x205F || c == 0x3000;
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out.append(text, start, pos - start);
  }
  return out;
}

SgmSegments parse_wmt_sgm(const std::string& text) {
  SgmSegments out;
  std::string docid, origlang;
  for (const std::string& raw : lines_of(text)) {
    std::string_view line(raw);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.rfind("<doc", 0) == 0) {
      const std::string tag(line);
      docid = attribute(tag, "docid");
      origlang = attribute(tag, "origlang");
      continue;
    }
    if (line.rfind("<seg ", 0) != 0) continue;
    // re.sub(r"<seg.*?>(.*)</seg>.*?", r"\1", line): the opening tag up to its first '>', the
    // text up to the last "</seg>"; what follows that stays.
    const std::size_t open_end = line.find('>');
    const std::size_t close = line.rfind("</seg>");
    std::string segment;
    if (open_end == std::string_view::npos || close == std::string_view::npos || close < open_end) {
      segment = std::string(line);
    } else {
      segment = std::string(line.substr(open_end + 1, close - open_end - 1)) + std::string(line.substr(close + 6));
    }
    out.segments.push_back(clean_segment(segment));
    out.docids.push_back(docid);
    out.origlangs.push_back(origlang);
  }
  return out;
}

const std::vector<TestSetInfo>& test_set_registry() {
  static const std::vector<TestSetInfo> registry = [] {
    std::vector<TestSetInfo> out;
    for (const Row& r : rows()) {
      TestSetInfo info{r.name, r.description, r.url, r.md5, split_words(r.pairs)};
      if (r.format == Format::kDataset) info.pairs = dataset_pairs(r);
      out.push_back(std::move(info));
    }
    return out;
  }();
  return registry;
}

const TestSetInfo& find_test_set(const std::string& name) {
  row_of(name);  // the error listing valid names
  for (const auto& t : test_set_registry())
    if (t.name == name) return t;
  fail("internal: test set {} missing from the registry", name);
}

void require_test_set_pair(const TestSetInfo& set, const std::string& pair) {
  if (std::find(set.pairs.begin(), set.pairs.end(), pair) == set.pairs.end())
    fail<ConfigError>("test set {} has no language pair '{}'; it has: {}", set.name, pair, fmt::join(set.pairs, ", "));
}

TestSetText load_test_set_text(const std::string& name, const std::string& pair, const FetchOptions& options) {
  const Row& row = row_of(name);
  const TestSetInfo& info = find_test_set(name);
  require_test_set_pair(info, pair);
  const std::string src_lang = pair.substr(0, pair.find('-')), tgt_lang = pair.substr(pair.find('-') + 1);
  Progress& progress = options.progress ? *options.progress : Progress::global();

  if (row.format == Format::kDataset) {
    const auto [src, ref] = dataset_split_paths("multi30k", src_lang, tgt_lang, row.split);
    TestSetText t;
    t.source = read_lines(src);
    t.references = {read_lines(ref)};
    t.source_file = src;
    t.reference_files = {ref};
    return t;
  }

  // 1. The processed cache, checked against the record written with it.
  const auto cache = resolved_home(options) / "sacrebleu" / flat(name);
  const std::string base = flat(name) + "." + pair;
  const auto record_path = cache / (base + ".sha256");
  const char* kFields[] = {"src", "ref", "origlang", "docid"};
  auto from_cache = [&]() -> std::optional<TestSetText> {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(record_path, ec)) return std::nullopt;
    nlohmann::json record;
    try {
      record = nlohmann::json::parse(read_file(record_path));
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;
    }
    if (!record.is_object() || !record.contains("ref")) return std::nullopt;
    TestSetText t;
    for (const char* field : kFields) {
      if (!record.contains(field)) continue;
      const auto path = cache / (base + "." + field);
      if (!std::filesystem::is_regular_file(path, ec) || !record[field].is_string()) return std::nullopt;
      auto lines = read_lines(path);
      if (text_sha256(lines) != record[field].get<std::string>()) {
        progress.log(fmt::format("cached {} fails its checksum; processing the test set again", path.string()));
        return std::nullopt;
      }
      const std::string f = field;
      if (f == "src") {
        t.source = std::move(lines);
        t.source_file = path;
      } else if (f == "ref") {
        t.references = {std::move(lines)};
        t.reference_files = {path};
      } else if (f == "origlang") {
        t.origlang = std::move(lines);
      } else {
        t.docid = std::move(lines);
      }
    }
    return t;
  };
  if (auto cached = from_cache()) return std::move(*cached);

  auto store = [&](TestSetText t) {
    std::filesystem::create_directories(cache);
    nlohmann::json record = nlohmann::json::object();
    const std::vector<std::pair<const char*, const std::vector<std::string>*>> fields = {
        {"src", &t.source}, {"ref", &t.references[0]}, {"origlang", &t.origlang}, {"docid", &t.docid}};
    for (const auto& [field, lines] : fields) {
      if (lines->empty()) continue;
      write_lines_atomic(cache / (base + "." + field), *lines);
      record[field] = text_sha256(*lines);
    }
    write_file_atomic(record_path, record.dump(2) + "\n");  // last: the files above are complete
    auto cached = from_cache();
    if (!cached) fail("cannot re-read the processed test set {} {} in {}", name, pair, cache.string());
    return std::move(*cached);
  };

  // 2. A mirror: processed files, or the archive.
  const auto mirror = resolved_mirror(options);
  const std::string archive_name = std::filesystem::path(row.url).filename().string();
  std::vector<std::string> tried;
  if (!mirror.empty()) {
    const auto dir = mirror / (flat(name) + "-" + pair);
    auto find = [&](const std::string& stem) -> std::filesystem::path {
      for (const auto& candidate : {dir / (stem + ".gz"), dir / stem}) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(candidate, ec)) return candidate;
        tried.push_back(candidate.string());
      }
      return {};
    };
    const auto ref_file = find(std::string(row.prefix) + ".ref." + tgt_lang);
    if (!ref_file.empty()) {
      TestSetText t;
      t.references = {read_lines(ref_file)};
      const auto known = known_text_sha256().find(name + "/" + pair + "/ref");
      const std::string actual = text_sha256(t.references[0]);
      if (known != known_text_sha256().end() && known->second != actual)
        fail<DataError>("{}: the reference of {} {} fails its checksum (expected sha256 {} of the text, got {})",
                        ref_file.string(), name, pair, known->second, actual);
      if (known == known_text_sha256().end())
        progress.log(fmt::format("{}: no published checksum of this processed file; used as it is", ref_file.string()));
      const auto src_file = find(std::string(row.prefix) + ".src." + src_lang);
      if (!src_file.empty()) {
        t.source = read_lines(src_file);
        if (t.source.size() != t.references[0].size())
          fail<DataError>("{} has {} lines but {} has {}", src_file.string(), t.source.size(), ref_file.string(),
                          t.references[0].size());
      }
      return store(std::move(t));
    }
  }

  // 3. The archive: from the mirror, the cache, or the network; MD5-checked.
  std::filesystem::path archive;
  const auto mirrored = mirror.empty() ? std::filesystem::path() : mirror / flat(name) / archive_name;
  std::error_code ec;
  if (!mirrored.empty() && std::filesystem::is_regular_file(mirrored, ec)) {
    archive = mirrored;
  } else if (!mirror.empty()) {
    tried.push_back(mirrored.string());
    fail("test set {} ({}) is not in the mirror {} (tried {})", name, pair, mirror.string(), fmt::join(tried, ", "));
  } else {
    archive = cache / "raw" / archive_name;
    if (!std::filesystem::is_regular_file(archive, ec) || md5_file(archive) != row.md5) {
      std::filesystem::create_directories(archive.parent_path());
      const auto temporary = temp_path_for(archive);
      try {
        download_url(row.url, temporary, "download " + name, options);
      } catch (const Error& e) {
        std::filesystem::remove(temporary, ec);
        fail("cannot fetch test set {}: {}", name, e.what());
      }
      std::filesystem::rename(temporary, archive);
    }
  }
  const std::string md5 = md5_file(archive);
  if (md5 != row.md5) {
    if (archive != mirrored) std::filesystem::remove(archive, ec);
    fail<DataError>("{}: MD5 {} does not match sacreBLEU's {} for test set {}", archive.string(), md5, row.md5, name);
  }

  std::string source_member, ref_member;
  for (const auto& o : overrides()) {
    if (o.set == name && o.pair == pair) {
      source_member = o.source;
      ref_member = o.reference;
    }
  }
  TestSetText t;
  if (row.format == Format::kSgm) {
    if (source_member.empty()) {
      const bool english_last = name == "wmt14";
      const std::string other = src_lang == "en" ? tgt_lang : src_lang;
      const std::string code = english_last ? other + "en" : src_lang + tgt_lang;
      source_member = fmt::format("{}/{}-{}-src.{}.sgm", row.dir, row.prefix, code, src_lang);
      ref_member = fmt::format("{}/{}-{}-ref.{}.sgm", row.dir, row.prefix, code, tgt_lang);
    }
    auto members = read_tar_members(archive, {source_member, ref_member});
    for (const auto& m : {source_member, ref_member})
      if (!members.count(m)) fail<DataError>("{}: has no member {} (test set {}, {})", archive.string(), m, name, pair);
    const SgmSegments src = parse_wmt_sgm(members[source_member]);
    SgmSegments ref = parse_wmt_sgm(members[ref_member]);
    if (src.segments.size() != ref.segments.size())
      fail<DataError>("{}: {} has {} segments but {} has {}", archive.string(), source_member, src.segments.size(),
                      ref_member, ref.segments.size());
    t.source = src.segments;
    t.references = {std::move(ref.segments)};
    t.docid = src.docids;
    if (std::any_of(src.origlangs.begin(), src.origlangs.end(), [](const std::string& s) { return !s.empty(); }))
      t.origlang = src.origlangs;
  } else {
    if (source_member.empty()) {
      source_member = row.dir;
      source_member.replace(source_member.find("{pair}"), 6, pair);
    }
    auto members = read_tar_members(archive, {source_member});
    if (!members.count(source_member))
      fail<DataError>("{}: has no member {} (test set {}, {})", archive.string(), source_member, name, pair);
    const std::string translator = name == "wmt22" && (pair == "cs-en" || pair == "en-cs") ? "B" : "A";
    t = parse_wmt_xml(members[source_member], translator, archive.string() + ":" + source_member);
  }
  for (const auto& lines : {&t.source, &t.references[0]})
    for (std::size_t i = 0; i < lines->size(); ++i)
      if (!utf8::is_valid((*lines)[i]))
        fail<DataError>("{}: segment {} of test set {} {} is not UTF-8", archive.string(), i + 1, name, pair);
  return store(std::move(t));
}

}  // namespace mtbench
