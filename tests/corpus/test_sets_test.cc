// sacreBLEU's test sets: the registry and its errors, SGML and WMT XML processing as sacreBLEU
// does it, the mirror's processed files (wmt17 en-de reference in ../shared) with the cache
// and its checks, and an archive failing sacreBLEU's MD5.

#include "corpus/test_sets.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;

using ::testing::HasSubstr;

TEST(TestSets, RegistryHasTheWmtNewsSetsAndMulti30k) {
  for (const char* name : {"wmt14", "wmt15", "wmt16", "wmt17", "wmt18", "wmt19", "wmt20", "wmt21", "wmt22",
                           "multi30k/2016", "multi30k/2017", "multi30k/2018", "mscoco17"})
    EXPECT_NO_THROW(find_test_set(name)) << name;
  const TestSetInfo& wmt17 = find_test_set("wmt17");
  EXPECT_EQ(wmt17.md5, "86a1724c276004aa25455ae2a04cef26");
  EXPECT_EQ(wmt17.pairs.size(), 14u);
  EXPECT_NO_THROW(require_test_set_pair(wmt17, "en-de"));
  EXPECT_THAT(error_of([&] { require_test_set_pair(wmt17, "de-fr"); }), HasSubstr("it has: cs-en, de-en"));
  EXPECT_THAT(error_of([] { find_test_set("wmt99"); }), HasSubstr("valid: wmt22, wmt21"));
  const TestSetInfo& m30k = find_test_set("multi30k/2018");
  EXPECT_NE(std::find(m30k.pairs.begin(), m30k.pairs.end(), "cs-en"), m30k.pairs.end());
}

TEST(TestSets, SgmProcessingFollowsSacrebleu) {
  const std::string sgm =
      "<srcset setid=\"newstest2017\" srclang=\"any\">\n"
      "<doc sysid=\"ref\" docid=\"bbc.1\" genre=\"news\" origlang=\"en\">\n"
      "<p>\n"
      "<seg id=\"1\">  Hello ,   world  </seg>\n"
      "<seg id=\"2\">A &amp; B</seg>\n"
      "</p>\n"
      "</doc>\n"
      "<doc sysid=\"ref\" docid=\"dw.2\" origlang=\"de\">\n"
      "<seg id=\"1\">x</seg> tail\n"
      "</doc>\n";
  const SgmSegments s = parse_wmt_sgm(sgm);
  EXPECT_EQ(s.segments, (std::vector<std::string>{"Hello , world", "A &amp; B", "x tail"}));
  EXPECT_EQ(s.docids, (std::vector<std::string>{"bbc.1", "bbc.1", "dw.2"}));
  EXPECT_EQ(s.origlangs, (std::vector<std::string>{"en", "en", "de"}));
  EXPECT_EQ(clean_segment("\u00a0 a \t b\u2009\u2009c \n"), "a b c");
}

TEST(TestSets, WmtXmlTakesTheNamedReferenceAndSkipsDocumentsWithoutIt) {
  const std::string xml =
      "<?xml version='1.0' encoding='utf-8'?>\n<dataset id=\"newstest2021\">\n"
      "<collection id=\"general\">\n"
      "<doc id=\"d1\" origlang=\"en\"><src lang=\"en\"><p><seg id=\"1\">A &lt;b&gt; &#228;</seg>"
      "<seg id=\"2\">two</seg></p></src>"
      "<ref lang=\"de\" translator=\"B\"><p><seg id=\"1\">bB</seg><seg id=\"2\">zweiB</seg></p></ref>"
      "<ref lang=\"de\" translator=\"A\"><p><seg id=\"1\">ein</seg><seg id=\"2\">zwei</seg></p></ref></doc>\n"
      "<doc id=\"d2\" origlang=\"de\"><src lang=\"en\"><p><seg id=\"1\">lonely</seg></p></src></doc>\n"
      "</collection></dataset>\n";
  const TestSetText t = parse_wmt_xml(xml, "A", "test.xml");
  EXPECT_EQ(t.source, (std::vector<std::string>{"A <b> \u00e4", "two"}));
  EXPECT_EQ(t.references[0], (std::vector<std::string>{"ein", "zwei"}));
  EXPECT_EQ(t.docid, (std::vector<std::string>{"d1", "d1"}));
  EXPECT_EQ(t.origlang, (std::vector<std::string>{"en", "en"}));
  EXPECT_EQ(parse_wmt_xml(xml, "B", "test.xml").references[0][1], "zweiB");
  EXPECT_THAT(error_of([&] { parse_wmt_xml(xml, "C", "test.xml"); }), HasSubstr("no document with reference 'C'"));
  EXPECT_THAT(error_of([] { parse_wmt_xml("<doc id=\"x\"><src><seg id=\"1\">a", "A", "t.xml"); }),
              HasSubstr("t.xml: unterminated"));
}

class TestSetFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.home = dir_ / "home";
    options_.progress = &quiet_;
  }
  testing::ScratchDir dir_;
  FetchOptions options_;
  Progress quiet_{ProgressMode::kQuiet};
};

TEST_F(TestSetFetch, MirrorReferenceIsCheckedCachedAndNeverTrustedWhenEdited) {
  MTBENCH_REQUIRE_SHARED(ref, "corpora/wmt17-en-de/newstest2017.ref.de.gz");
  options_.mirror = testing::shared_dir() / "corpora";
  const TestSetText t = load_test_set_text("wmt17", "en-de", options_);
  ASSERT_EQ(t.references.size(), 1u);
  EXPECT_EQ(t.references[0], read_lines(ref));
  EXPECT_TRUE(t.source.empty());  // the shared mirror holds no source side
  const auto cached = dir_ / "home" / "sacrebleu" / "wmt17" / "wmt17.en-de.ref";
  EXPECT_EQ(t.reference_files.at(0), cached);
  // An edited cache file is not trusted: processed again from the mirror.
  write_lines_atomic(cached, {"tampered"});
  EXPECT_EQ(load_test_set_text("wmt17", "en-de", options_).references[0].size(), 3004u);
  // A processed mirror file whose text differs from the published one is refused.
  const auto fake = dir_ / "mirror" / "wmt17-en-de";
  std::filesystem::create_directories(fake);
  write_lines_atomic(fake / "newstest2017.ref.de", {"not the reference"});
  FetchOptions other = options_;
  other.home = dir_ / "home2";
  other.mirror = dir_ / "mirror";
  EXPECT_THAT(error_of([&] { load_test_set_text("wmt17", "en-de", other); }), HasSubstr("fails its checksum"));
}

TEST_F(TestSetFetch, ArchiveFailingSacrebleusMd5IsRefusedAndMissingFilesNamed) {
  options_.mirror = dir_ / "mirror";
  std::filesystem::create_directories(dir_ / "mirror" / "wmt18");
  write_file_atomic(dir_ / "mirror" / "wmt18" / "test.tgz", "not an archive");
  EXPECT_THAT(error_of([&] { load_test_set_text("wmt18", "en-de", options_); }),
              HasSubstr("does not match sacreBLEU's f996c245ecffea23d0006fa4c34e9064"));
  const std::string missing = error_of([&] { load_test_set_text("wmt19", "de-en", options_); });
  EXPECT_THAT(missing, HasSubstr("is not in the mirror"));
  EXPECT_THAT(missing, HasSubstr("wmt19-de-en/newstest2019.ref.en"));
  EXPECT_THAT(missing, HasSubstr("wmt19/test.tgz"));
}

}  // namespace
}  // namespace mtbench
