// The tar reader against archives made by GNU tar: plain and gzip, ustar prefixes and GNU long
// names, members not asked for skipped, truncated archives refused.

#include "base/tar_gz.h"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

class TarReader : public ::testing::Test {
 protected:
  void SetUp() override {
    long_dir_ = std::string(60, 'd') + "/" + std::string(70, 'e');
    std::filesystem::create_directories(dir_ / "src" / "test");
    std::filesystem::create_directories(dir_ / "src" / long_dir_);
    write_file_atomic(dir_ / "src" / "test" / "a.sgm", "<seg id=\"1\">Hallo</seg>\n");
    write_file_atomic(dir_ / "src" / "test" / "b.txt", std::string(5000, 'x'));
    write_file_atomic(dir_ / "src" / long_dir_ / "long-name-member.xml", "long\n");
    const std::string cd = "cd '" + (dir_ / "src").string() + "' && ";
    ASSERT_EQ(std::system((cd + "tar czf ../a.tgz test " + long_dir_.substr(0, 60)).c_str()), 0);
    ASSERT_EQ(std::system((cd + "tar --format=gnu -cf ../a.tar ./test " + long_dir_.substr(0, 60)).c_str()), 0);
  }
  testing::ScratchDir dir_;
  std::string long_dir_;
};

TEST_F(TarReader, ReadsWantedMembersOfGzipAndPlainArchives) {
  for (const char* name : {"a.tgz", "a.tar"}) {
    SCOPED_TRACE(name);
    const auto members =
        read_tar_members(dir_ / name, {"test/a.sgm", long_dir_ + "/long-name-member.xml", "test/missing"});
    ASSERT_EQ(members.size(), 2u);
    EXPECT_EQ(members.at("test/a.sgm"), "<seg id=\"1\">Hallo</seg>\n");
    EXPECT_EQ(members.at(long_dir_ + "/long-name-member.xml"), "long\n");
  }
}

TEST_F(TarReader, TruncatedArchiveAndOversizedMemberAreErrors) {
  const std::string bytes = read_file(dir_ / "a.tar");
  write_file_atomic(dir_ / "cut.tar", bytes.substr(0, 700));
  EXPECT_THROW(read_tar_members(dir_ / "cut.tar", {"test/b.txt"}), DataError);
  EXPECT_THROW(read_tar_members(dir_ / "a.tar", {"test/b.txt"}, 100), DataError);
  EXPECT_THROW(read_tar_members(dir_ / "none.tar", {"x"}), Error);
}

}  // namespace
}  // namespace mtbench
