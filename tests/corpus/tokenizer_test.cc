#include "corpus/tokenizer.h"

#include <chrono>
#include <iostream>

#include <gtest/gtest.h>

#include "base/text_file.h"
#include "corpus/nonbreaking_prefixes.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

std::string tok(std::string_view text, const std::string& lang = "en", bool aggressive = false, bool escape = false) {
  TokenizerOptions options;
  options.lang = lang;
  options.aggressive_hyphen = aggressive;
  options.escape = escape;
  return MosesTokenizer(options).tokenize_to_string(text);
}

// Expected strings are what tokenizer.perl -no-escape prints for the same input.
TEST(Tokenizer, PunctuationIsSplit) {
  EXPECT_EQ(tok("Hello, world!"), "Hello , world !");
  EXPECT_EQ(tok("This is a test."), "This is a test .");
  EXPECT_EQ(tok("(see page 5)."), "( see page 5 ) .");
  EXPECT_EQ(tok("He said \"hi\"."), "He said \" hi \" .");
  EXPECT_EQ(tok("It costs $5 or 20%?"), "It costs $ 5 or 20 % ?");
  EXPECT_EQ(tok("a/b & c#d"), "a / b & c # d");
  EXPECT_EQ(tok("Wait... what?!"), "Wait ... what ? !");
  EXPECT_EQ(tok("a..b"), "a .. b");
}

TEST(Tokenizer, CommasStayInsideNumbers) {
  EXPECT_EQ(tok("1,000.5 dollars"), "1,000.5 dollars");
  EXPECT_EQ(tok("5, 300"), "5 , 300");
  EXPECT_EQ(tok("A,B,C,D,E"), "A , B , C , D , E");
  EXPECT_EQ(tok("3.14 is pi"), "3.14 is pi");
  EXPECT_EQ(tok("Hello.World"), "Hello.World");
}

TEST(Tokenizer, EnglishContractionsSplitRight) {
  EXPECT_EQ(tok("don't"), "don 't");
  EXPECT_EQ(tok("I'm John's friend."), "I 'm John 's friend .");
  EXPECT_EQ(tok("the 1990's"), "the 1990 's");
  EXPECT_EQ(tok("the Jones' house"), "the Jones ' house");
  EXPECT_EQ(tok("'Hello'"), "' Hello '");
}

TEST(Tokenizer, FrenchContractionsSplitLeft) {
  EXPECT_EQ(tok("l'homme", "fr"), "l' homme");
  EXPECT_EQ(tok("Aujourd'hui, j'ai faim.", "fr"), "Aujourd' hui , j' ai faim .");
}

TEST(Tokenizer, SomaliKeepsGlottalStops) {
  EXPECT_EQ(tok("ka'a 'x'", "so"), "ka'a ' x '");
}

TEST(Tokenizer, OtherLanguagesSplitEveryApostrophe) {
  EXPECT_EQ(tok("Peter's Auto", "de"), "Peter ' s Auto");
  EXPECT_EQ(tok("don't", "cs"), "don ' t");
}

TEST(Tokenizer, NonbreakingPrefixesKeepTheirPeriod) {
  EXPECT_EQ(tok("Mr. Smith went to Washington."), "Mr. Smith went to Washington .");
  EXPECT_EQ(tok("Das ist z.B. gut.", "de"), "Das ist z.B. gut .");
  EXPECT_EQ(tok("The U.S. Army is big."), "The U.S. Army is big .");
  // Not a prefix, but the next word is lower-case: kept.
  EXPECT_EQ(tok("apples, pears, etc. and more"), "apples , pears , etc. and more");
  // The last word always loses its period, even a prefix.
  EXPECT_EQ(tok("I met Mr."), "I met Mr .");
  // An unknown word before an upper-case word: split.
  EXPECT_EQ(tok("I ran. Then I slept."), "I ran . Then I slept .");
}

TEST(Tokenizer, NumericOnlyPrefixesNeedANumber) {
  EXPECT_EQ(tok("See No. 5 here."), "See No. 5 here .");
  EXPECT_EQ(tok("He said No. It was late."), "He said No . It was late .");
  EXPECT_EQ(tok("Siehe Nr. 7 dort.", "de"), "Siehe Nr. 7 dort .");
  EXPECT_EQ(tok("Es ist Nr. Sieben.", "de"), "Es ist Nr . Sieben .");
  EXPECT_EQ(tok("Voir art. 3 ici.", "fr"), "Voir art. 3 ici .");
}

TEST(Tokenizer, PrefixListsFollowMosesFormat) {
  const auto set = NonbreakingPrefixes::parse("# comment\nMr\n\nNo #NUMERIC_ONLY#\r\n  Dr  \n");
  EXPECT_EQ(set.size(), 3u);
  EXPECT_EQ(set.kind("Mr"), PrefixKind::kAlways);
  EXPECT_EQ(set.kind("Dr"), PrefixKind::kAlways);
  EXPECT_EQ(set.kind("No"), PrefixKind::kNumericOnly);
  EXPECT_EQ(set.kind("comment"), PrefixKind::kNone);
  EXPECT_EQ(nonbreaking_prefixes("de").kind("bzw"), PrefixKind::kAlways);
  EXPECT_EQ(nonbreaking_prefixes("xx").kind("Mr"), PrefixKind::kAlways);  // English fallback
}

TEST(Tokenizer, AggressiveHyphens) {
  EXPECT_EQ(tok("a well-known e-mail"), "a well-known e-mail");
  EXPECT_EQ(tok("a well-known e-mail", "en", true), "a well @-@ known e @-@ mail");
  EXPECT_EQ(tok("x-y-z - and -5", "en", true), "x @-@ y @-@ z - and -5");
}

TEST(Tokenizer, EscapingLikeTokenizerPerlDefault) {
  EXPECT_EQ(tok("a & b | <c> [d] \"e\"", "en", false, true),
            "a &amp; b &#124; &lt; c &gt; &#91; d &#93; &quot; e &quot;");
  EXPECT_EQ(tok("don't", "en", false, true), "don &apos;t");
}

TEST(Tokenizer, UrlsAndEmailsAreProtected) {
  EXPECT_EQ(tok("See http://example.com/a,b?c=1."), "See http://example.com/a,b?c=1 .");
  EXPECT_EQ(tok("(www.example.org)"), "( www.example.org )");
  EXPECT_EQ(tok("Mail john.doe@example.com, please."), "Mail john.doe@example.com , please .");
  EXPECT_EQ(tok("see https://en.wikipedia.org/wiki/A_(B) now"), "see https://en.wikipedia.org/wiki/A_(B) now");
  TokenizerOptions off;
  off.protect_urls = false;
  EXPECT_EQ(MosesTokenizer(off).tokenize_to_string("http://a.com"), "http : / / a.com");
}

TEST(Tokenizer, WhitespaceAndControlCharacters) {
  EXPECT_EQ(tok("  a\tb \r\n c\x01"
                "d  "),
            "a b cd");
  EXPECT_EQ(tok("a\xc2\xa0"
                "b"),
            "a b");  // NBSP is whitespace to Perl's \s
  EXPECT_EQ(tok(""), "");
  EXPECT_TRUE(MosesTokenizer().tokenize("   ").empty());
  EXPECT_EQ(split_whitespace(" a \t b  c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(join_tokens({"a", "b"}), "a b");
}

TEST(Tokenizer, UnicodeLettersAndDigits) {
  EXPECT_EQ(tok("Grüße, Ærøskøbing!", "de"), "Grüße , Ærøskøbing !");
  EXPECT_EQ(tok("Příliš žluťoučký kůň.", "cs"), "Příliš žluťoučký kůň .");
  EXPECT_EQ(tok("“Hi” — «oui»", "fr"), "“ Hi ” — « oui »");
  EXPECT_EQ(tok("٣,٤ and ½,x"), "٣,٤ and ½ , x");  // Arabic-Indic digits are numbers (\p{IsN})
}

// Throughput on the Multi30k training set (29,000 lines); the brief is "well under 1 s".
TEST(Tokenizer, SpeedOnMultiThirtyKTrain) {
  MTBENCH_REQUIRE_SHARED(path, "corpora/multi30k/train.en.gz");
  const auto lines = read_lines(path);
  const MosesTokenizer tokenizer;
  const auto start = std::chrono::steady_clock::now();
  std::size_t tokens = 0;
  for (const auto& line : lines) tokens += tokenizer.tokenize(line).size();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "tokenized " << lines.size() << " lines (" << tokens << " tokens) in " << seconds
            << " s = " << static_cast<double>(lines.size()) / seconds << " lines/s\n";
  EXPECT_EQ(lines.size(), 29000u);
  EXPECT_LT(seconds, 3.0 * testing::kSpeedLimitFactor);  // generous for a loaded CI machine; typically ~0.1 s
}

}  // namespace
}  // namespace mtbench
