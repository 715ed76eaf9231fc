#include "base/utf8.h"

#include <gtest/gtest.h>

namespace mtbench {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(utf8::is_valid(""));
  EXPECT_TRUE(utf8::is_valid("plain ASCII"));
  EXPECT_TRUE(utf8::is_valid("Grüße, 象, \xF0\x9F\x98\x80"));  // 2, 3 and 4 bytes
  EXPECT_TRUE(utf8::is_valid("\xF4\x8F\xBF\xBF"));             // U+10FFFF
  EXPECT_TRUE(utf8::is_valid("\xED\x9F\xBF\xEE\x80\x80"));     // U+D7FF, U+E000 around the surrogates
}

TEST(Utf8, RejectsMalformedSequencesAndReportsTheirOffset) {
  struct Case {
    std::string text;
    std::size_t offset;
  };
  const std::vector<Case> cases = {
      {"ab\xFF", 2},            // invalid byte
      {"a\x80", 1},             // stray continuation byte
      {"\xC0\xAF", 0},          // overlong '/'
      {"xy\xE0\x80\xAF", 2},    // overlong 3-byte
      {"\xF0\x80\x80\xAF", 0},  // overlong 4-byte
      {"\xED\xA0\x80", 0},      // surrogate U+D800
      {"\xF4\x90\x80\x80", 0},  // beyond U+10FFFF
      {"ok \xE4\xB8", 3},       // truncated at the end
      {"\xC3(", 0},             // continuation byte missing
  };
  for (const auto& c : cases) {
    std::size_t offset = 999;
    EXPECT_FALSE(utf8::is_valid(c.text, &offset)) << c.text;
    EXPECT_EQ(offset, c.offset) << c.text;
  }
}

TEST(Utf8, EncodeDecodeRoundTripAtBoundaries) {
  const std::u32string points = {0x0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x10FFFF};
  const std::string encoded = utf8::encode(points);
  EXPECT_TRUE(utf8::is_valid(encoded));
  EXPECT_EQ(encoded.size(), 1u + 1 + 2 + 2 + 3 + 3 + 3 + 3 + 3 + 4 + 4);
  EXPECT_EQ(utf8::decode(encoded), points);
}

TEST(Utf8, NextReplacesInvalidBytesOneAtATime) {
  const std::string text = "a\xFF\xC3\xA9";
  std::size_t pos = 0;
  EXPECT_EQ(utf8::next(text, pos), U'a');
  EXPECT_EQ(utf8::next(text, pos), char32_t{0xFFFD});
  EXPECT_EQ(pos, 2u);
  EXPECT_EQ(utf8::next(text, pos), U'é');
  EXPECT_EQ(pos, text.size());
  EXPECT_EQ(utf8::decode("\xE4\xB8"), (std::u32string{0xFFFD, 0xFFFD}));
}

TEST(Utf8, CharactersSplitsCodePoints) {
  EXPECT_EQ(utf8::characters("aé象"), (std::vector<std::string>{"a", "é", "象"}));
  EXPECT_TRUE(utf8::characters("").empty());
  std::string out;
  utf8::append(out, U'€');
  EXPECT_EQ(out, "€");
}

}  // namespace
}  // namespace mtbench
