#pragma once
// sacreBLEU's test sets for `mtbench score -t SET -l PAIR` and compare configs: the WMT news
// test sets of 2014-2022 (the archives and MD5 sums sacreBLEU uses, SGML or WMT XML inside)
// and the Multi30k test sets (served from the multi30k dataset, SHA-256-checked).
//
// Where the text comes from, in order:
//   1. the cache, $MTBENCH_HOME/sacrebleu/<SET>/<SET>.<PAIR>.{src,ref,origlang,docid}
//      (sacreBLEU's processed layout), with a .sha256 record written with it and checked;
//   2. the offline mirror (MTBENCH_DATA_MIRROR=DIR): processed files
//      DIR/<SET>-<PAIR>/<PREFIX>.{src.<SRC>,ref.<TGT>}[.gz] (e.g.
//      wmt17-en-de/newstest2017.ref.de.gz; checked against the SHA-256 of the text where
//      mtbench knows it), or the original archive DIR/<SET>/<ARCHIVE> (MD5-checked);
//   3. the network: the archive from its public address, MD5-checked, then extracted.
// Processing follows sacreBLEU: <seg> lines of the SGML (outer whitespace stripped, inner
// runs of whitespace collapsed to one space), or the segments of the WMT XML for the default
// translator of the reference.

#include <filesystem>
#include <string>
#include <vector>

#include "corpus/download.h"

namespace mtbench {

// One registered test set.
struct TestSetInfo {
  std::string name;                // "wmt17", "multi30k/2016"
  std::string description;         // one line
  std::string url;                 // archive address (empty: served from a dataset)
  std::string md5;                 // MD5 of the archive (sacreBLEU's)
  std::vector<std::string> pairs;  // language pairs, e.g. "en-de"
};

// Every registered test set, in sacreBLEU's listing order (newest first).
const std::vector<TestSetInfo>& test_set_registry();
// The test set `name`; ConfigError listing the valid names otherwise.
const TestSetInfo& find_test_set(const std::string& name);
// Checks that `pair` exists in `set`; ConfigError listing its pairs otherwise.
void require_test_set_pair(const TestSetInfo& set, const std::string& pair);

// The processed text of a test set for one pair.
struct TestSetText {
  std::vector<std::string> source;                     // source segments (empty when unavailable)
  std::vector<std::vector<std::string>> references;    // reference streams
  std::vector<std::string> origlang;                   // original language per segment (may be empty)
  std::vector<std::string> docid;                      // document id per segment (may be empty)
  std::filesystem::path source_file;                   // where the processed source is
  std::vector<std::filesystem::path> reference_files;  // where the processed references are
};

// Fetches (cache, mirror, network) and processes the test set's text for `pair`. Throws
// ConfigError for an unknown set or pair and Error naming the set, pair and origin when the
// files cannot be had or fail their checksum.
TestSetText load_test_set_text(const std::string& set, const std::string& pair, const FetchOptions& options = {});

// Parses WMT's SGML ("fake SGML"): the text of every <seg> line and, per segment, the docid
// and origlang attributes of its <doc>. Exposed for tests.
struct SgmSegments {
  std::vector<std::string> segments, docids, origlangs;
};
SgmSegments parse_wmt_sgm(const std::string& text);

// The WMT XML of 2021 and later (sacreBLEU's _unwrap_wmt21_or_later): per <doc>, the <src>
// segments and those of the <ref> by `translator` ("A"), entities decoded, with docid and
// origlang; a document without that reference is left out, as sacreBLEU leaves it out.
// DataError naming `origin` on malformed input. Exposed for tests.
TestSetText parse_wmt_xml(const std::string& xml, const std::string& translator, const std::string& origin);

// sacreBLEU's Dataset._clean: outer whitespace stripped, inner runs collapsed to one space.
std::string clean_segment(const std::string& text);

}  // namespace mtbench
