// Tokenizers and Python string semantics. The expected tokenizations were produced by
// sacreBLEU 2.6.0's own regular expressions (Python `re` and `regex` modules) on inputs
// chosen to hit every rule: digits next to period/comma/dash, XML entities, <skipped>,
// Unicode punctuation and symbols, non-ASCII whitespace, CJK ranges (including the
// U+2001..U+2A6D range that sacreBLEU's zh table covers by accident).

#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/tokenizers.h"

namespace mtbench::eval {
namespace {

struct TokenizerCase {
  const char* input;
  const char* t13a;
  const char* intl;
  const char* zh;
  const char* chars;
};

const TokenizerCase kCases[] = {
    {"Hello, world!", "Hello , world !", "Hello , world !", "Hello , world !", "H e l l o , w o r l d !"},
    {"It's 3.5 km-long (approx.) — really?", "It's 3.5 km-long ( approx . ) — really ?",
     "It ' s 3.5 km - long ( approx . ) — really ?", "It's 3.5 km-long ( approx . ) — really ?",
     "I t ' s 3 . 5 k m - l o n g ( a p p r o x . ) — r e a l l y ?"},
    {"1,000.50 dollars; 5-6 items.", "1,000.50 dollars ; 5 - 6 items .", "1,000.50 dollars ; 5-6 items .",
     "1,000.50 dollars ; 5 - 6 items .", "1 , 0 0 0 . 5 0 d o l l a r s ; 5 - 6 i t e m s ."},
    {"a&amp;b &quot;q&quot; &lt;tag&gt;", "a & b \" q \" < tag >", "a & amp ; b & quot ; q & quot ; & lt ; tag & gt ;",
     "a & amp ; b & quot ; q & quot ; & lt ; tag & gt ;",
     "a & a m p ; b & q u o t ; q & q u o t ; & l t ; t a g & g t ;"},
    {"Preis: 12,50 €/kg… «Zitat» „deutsch“", "Preis : 12,50 € / kg… «Zitat» „deutsch“",
     "Preis : 12,50 € / kg … « Zitat » „ deutsch “", "Preis : 12,50 € / kg … «Zitat» „ deutsch “",
     "P r e i s : 1 2 , 5 0 € / k g … « Z i t a t » „ d e u t s c h “"},
    {"end of line.\u00a0next\u2009thin", "end of line . next thin", "end of line . next thin",
     "end of line . next thin", "e n d o f l i n e . n e x t t h i n"},
    {"E=mc² ½ ³⁄₄ ①", "E = mc² ½ ³⁄₄ ①", "E = mc² ½ ³ ⁄ ₄ ①", "E = mc² ½ ³ ⁄ ₄ ①", "E = m c ² ½ ³ ⁄ ₄ ①"},
    {"U.S.A. e.g. etc...", "U . S . A . e . g . etc . . .", "U . S . A . e . g . etc . . .",
     "U . S . A . e . g . etc . . .", "U . S . A . e . g . e t c . . ."},
    {"x<skipped>y -\nz", "xy z", "x < skipped > y - z", "x < skipped > y - z", "x < s k i p p e d > y - z"},
    {"中文，测试。Hello（世界）", "中文，测试。Hello（世界）", "中文 ， 测试 。 Hello （ 世界 ）",
     "中 文 ， 测 试 。 Hello （ 世 界 ）", "中 文 ， 测 试 。 H e l l o （ 世 界 ）"},
    {"価格は１，０００円です。", "価格は１，０００円です。", "価格は１，０００円です 。",
     "価 格 は １ ， ０ ０ ０ 円 です 。", "価 格 は １ ， ０ ０ ０ 円 で す 。"},
    {"tab\there  multiple   spaces ", "tab here multiple spaces", "tab here multiple spaces",
     "tab here multiple spaces", "t a b h e r e m u l t i p l e s p a c e s"},
    {"2019.", "2019 .", "2019.", "2019.", "2 0 1 9 ."},
    {"Ünïcödé—dash–en ‘single’ “double”", "Ünïcödé—dash–en ‘single’ “double”",
     "Ünïcödé — dash – en ‘ single ’ “ double ”", "Ünïcödé — dash – en ‘ single ’ “ double ”",
     "Ü n ï c ö d é — d a s h – e n ‘ s i n g l e ’ “ d o u b l e ”"},
    {"#hash @at $dollar 100% ^caret ~tilde `back` |pipe|",
     "# hash @ at $ dollar 100 % ^ caret ~ tilde ` back ` | pipe |",
     "# hash @ at $ dollar 100 % ^ caret ~ tilde ` back ` | pipe |",
     "# hash @ at $ dollar 100 % ^ caret ~ tilde ` back ` | pipe |",
     "# h a s h @ a t $ d o l l a r 1 0 0 % ^ c a r e t ~ t i l d e ` b a c k ` | p i p e |"},
    {"a.b,c 1.b a.1 -1- 2-3", "a . b , c 1 . b a . 1 -1 - 2 - 3", "a . b , c 1 . b a . 1 - 1 - 2-3",
     "a . b , c 1 . b a . 1 -1 - 2 - 3", "a . b , c 1 . b a . 1 - 1 - 2 - 3"}};

TEST(Tokenizers, MatchSacreBleuRegexes) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(tokenize_13a(c.input), c.t13a);
    EXPECT_EQ(tokenize_intl(c.input), c.intl);
    EXPECT_EQ(tokenize_zh(c.input), c.zh);
    EXPECT_EQ(tokenize_char(c.input), c.chars);
  }
}

TEST(Tokenizers, FactoryNamesAndSignatures) {
  for (const std::string& name : bleu_tokenizer_names()) {
    auto tokenizer = make_bleu_tokenizer(name);
    EXPECT_EQ(tokenizer->signature(), name);
  }
  EXPECT_EQ(make_bleu_tokenizer("none")->tokenize("a ,b  c"), "a ,b  c");
  EXPECT_EQ(make_bleu_tokenizer("13a")->tokenize("a ,b"), "a , b");
  EXPECT_THROW(make_bleu_tokenizer("13b"), ConfigError);
  EXPECT_THROW(make_bleu_tokenizer("ja-mecab"), ConfigError);
}

TEST(PythonStrings, SplitUsesPythonWhitespace) {
  // U+00A0, U+2009, U+3000 and U+001F split in Python; U+200B (zero width space) does not.
  const auto tokens = python_split(
      " a\u00a0b\u2009c\u3000d\x1f"
      "e\u200bf\t\n");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0], "a");
  EXPECT_EQ(tokens[3], "d");
  EXPECT_EQ(tokens[4], "e\u200bf");
  EXPECT_TRUE(python_split("").empty());
  EXPECT_TRUE(python_split(" \u3000 ").empty());
  EXPECT_EQ(python_split_join("  x   y "), "x y");
}

TEST(PythonStrings, StripAndLower) {
  EXPECT_EQ(python_rstrip("ab \u00a0\t"), "ab");
  EXPECT_EQ(python_rstrip("ab\u200b"), "ab\u200b");
  EXPECT_EQ(python_strip("\u3000 ab c \n"), "ab c");
  EXPECT_EQ(python_lower("ÄÖÜ ABC İ"), "äöü abc i\u0307");
  EXPECT_EQ(python_lower("ΟΔΟΣ ΟΔΟΣ."), "οδος οδος.");  // final sigma, as Python
  EXPECT_EQ(python_lower("plain ascii 123"), "plain ascii 123");
}

TEST(Tokenizers, RegexPassesScanWithoutOverlap) {
  // Python's re.sub resumes after each match: in "a.,b" the first pass splits "a." only
  // (the comma was consumed as the next match's start candidate), the second pass ",b".
  // Expected value from Python's re.
  EXPECT_EQ(split_period_comma_dash("a.,b"), "a  .   , b");
  EXPECT_EQ(split_ascii_symbols("(x)"), " ( x ) ");
}

}  // namespace
}  // namespace mtbench::eval
