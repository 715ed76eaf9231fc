#include "corpus/normalize.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench {
namespace {

TEST(UnicodeNormalize, ComposesAndDecomposes) {
  const std::string decomposed = "e\xCC\x81t\xC3\xA9";  // e + U+0301 COMBINING ACUTE, then é
  EXPECT_EQ(unicode_normalize(decomposed, UnicodeForm::kNFC), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(unicode_normalize("\xC3\xA9", UnicodeForm::kNFD), "e\xCC\x81");
  EXPECT_EQ(unicode_normalize(decomposed, UnicodeForm::kNone), decomposed);
  // NFC is idempotent and leaves normalized text byte-identical.
  EXPECT_EQ(unicode_normalize("Grüße", UnicodeForm::kNFC), "Grüße");
}

TEST(UnicodeNormalize, CompatibilityFormsFoldPresentationVariants) {
  EXPECT_EQ(unicode_normalize("\xEF\xAC\x81le", UnicodeForm::kNFKC), "file");     // ﬁ ligature
  EXPECT_EQ(unicode_normalize("Ｈｅｌｌｏ１２", UnicodeForm::kNFKC), "Hello12");  // full-width
  EXPECT_EQ(unicode_normalize("x²", UnicodeForm::kNFKC), "x2");
  EXPECT_EQ(unicode_normalize("x²", UnicodeForm::kNFC), "x²");
  EXPECT_EQ(unicode_normalize("\xEF\xAC\x81", UnicodeForm::kNFKD), "fi");
}

TEST(UnicodeNormalize, InvalidUtf8IsADataError) {
  EXPECT_THROW(unicode_normalize("ab\xFF", UnicodeForm::kNFC), DataError);
}

TEST(UnicodeNormalize, FormNames) {
  EXPECT_EQ(parse_unicode_form("NFKC"), UnicodeForm::kNFKC);
  EXPECT_EQ(parse_unicode_form("none"), UnicodeForm::kNone);
  for (auto form : {UnicodeForm::kNone, UnicodeForm::kNFC, UnicodeForm::kNFD, UnicodeForm::kNFKC, UnicodeForm::kNFKD}) {
    EXPECT_EQ(parse_unicode_form(unicode_form_name(form)), form);
  }
  try {
    parse_unicode_form("nfx");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("'nfx'"), std::string::npos);
  }
}

std::string punct(std::string_view text, const std::string& lang = "en") {
  PunctuationOptions options;
  options.lang = lang;
  return normalize_punctuation(text, options);
}

// Expected values follow normalize-punctuation.perl rule by rule.
TEST(NormalizePunctuation, QuotesDashesAndEllipsis) {
  EXPECT_EQ(punct("it’s ‘x’ – y — z…"), "it's 'x\" - y - z...");
  EXPECT_EQ(punct("„Ja“, sagte er.", "de"), "\"Ja\", sagte er.");
  EXPECT_EQ(punct("l’homme", "fr"), "l'homme");
  EXPECT_EQ(punct("« Bonjour » dit-il", "fr"), "\"Bonjour\" dit-il");
  EXPECT_EQ(punct("a``b''c"), "a \" b \" c");  // ` -> ' then '' -> " with spaces
  PunctuationOptions penn;
  penn.penn = true;
  EXPECT_EQ(normalize_punctuation("a``b", penn), "a``b");
}

TEST(NormalizePunctuation, SpacesAroundBracketsAndBeforePunctuation) {
  EXPECT_EQ(punct("a ( b ) , c"), "a (b), c");
  EXPECT_EQ(punct("x : y ; z 50 %"), "x: y; z 50%");
  EXPECT_EQ(punct("one  two"), "one two");
  EXPECT_EQ(punct("a\r"), "a");
}

TEST(NormalizePunctuation, CommaAndPeriodAroundQuotesDependOnLanguage) {
  EXPECT_EQ(punct("He said “Hello”, and left."), "He said \"Hello,\" and left.");
  EXPECT_EQ(punct("Er sagte „Hallo.“", "de"), "Er sagte \"Hallo\".");
  EXPECT_EQ(punct("Er sagte \"Hallo,\" und ging.", "de"), "Er sagte \"Hallo\", und ging.");
  EXPECT_EQ(punct("Řekl \"Ahoj.\"", "cs"), "Řekl \"Ahoj.\"");  // Czech: left alone
  EXPECT_EQ(punct("a.\"<b>", "de"), "a.\"<b>");                // not before markup
}

TEST(NormalizePunctuation, NonBreakingSpaces) {
  EXPECT_EQ(punct("Quoi\xC2\xA0? 1\xC2\xA0"
                  "000 \xE2\x82\xAC",
                  "fr"),
            "Quoi? 1,000 \xE2\x82\xAC");
  EXPECT_EQ(punct("1\xC2\xA0"
                  "000\xC2\xA0"
                  "000",
                  "en"),
            "1.000.000");
  EXPECT_EQ(punct("1\xC2\xA0"
                  "2\xC2\xA0"
                  "3",
                  "en"),
            "1.2\xC2\xA0"
            "3");  // Perl's matches do not overlap
  EXPECT_EQ(punct("5\xC2\xA0%"), "5%");
}

}  // namespace
}  // namespace mtbench
