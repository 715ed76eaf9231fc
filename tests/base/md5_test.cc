// MD5 against the test suite of RFC 1321 (appendix A.5) and a file read in chunks.

#include "base/md5.h"

#include <gtest/gtest.h>

#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

std::string md5_of(const std::string& text) {
  Md5 md5;
  md5.update(text);
  return md5.hex_digest();
}

TEST(Md5, Rfc1321TestSuite) {
  EXPECT_EQ(md5_of(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(md5_of("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(md5_of("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(md5_of("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(md5_of("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(md5_of("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, FileEqualsIncrementalUpdates) {
  testing::ScratchDir dir;
  std::string text;
  for (int i = 0; i < 100000; ++i) text += static_cast<char>('a' + i % 26);
  write_file_atomic(dir / "f", text);
  Md5 pieces;
  for (std::size_t i = 0; i < text.size(); i += 777) pieces.update(std::string_view(text).substr(i, 777));
  EXPECT_EQ(md5_file(dir / "f"), pieces.hex_digest());
  EXPECT_EQ(md5_file(dir / "f"), md5_of(text));
}

}  // namespace
}  // namespace mtbench
