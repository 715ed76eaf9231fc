// TER: the cases of sacreBLEU 2.6.0's test_ter.py and test_tokenizer_ter.py with their
// expected values; the fast shift search checked against a plain transcription of
// sacreBLEU's lib_ter.py on random inputs; signatures, empty segments and errors.

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "base/error.h"
#include "eval/ter.h"
#include "eval/ter_shift.h"
#include "tests/test_util.h"

namespace mtbench::eval {
namespace {

using Lines = std::vector<std::string>;
using Words = std::vector<std::uint32_t>;

// ---- A slow, literal transcription of lib_ter.py (no caching, pruning or bit tricks). ----
namespace reference {

constexpr long kInf = 10000000000000000L;

std::pair<long, std::string> beam_edit_distance(const Words& h, const Words& r) {
  const int nh = static_cast<int>(h.size()), nr = static_cast<int>(r.size());
  std::vector<std::vector<std::pair<long, char>>> dist(
      static_cast<std::size_t>(nh) + 1,
      std::vector<std::pair<long, char>>(static_cast<std::size_t>(nr) + 1, {kInf, 'x'}));
  for (int j = 0; j <= nr; ++j) dist[0][static_cast<std::size_t>(j)] = {j, 'i'};
  const double ratio = nh ? static_cast<double>(nr) / nh : 1.0;
  const int beam = 25 < ratio / 2 ? static_cast<int>(std::ceil(ratio / 2 + 25)) : 25;
  for (int i = 1; i <= nh; ++i) {
    const int diag = static_cast<int>(std::floor(i * ratio));
    const int lo = std::max(0, diag - beam);
    int hi = std::min(nr + 1, diag + beam);
    if (i == nh) hi = nr + 1;
    auto& row = dist[static_cast<std::size_t>(i)];
    const auto& prev = dist[static_cast<std::size_t>(i) - 1];
    for (int j = lo; j < hi; ++j) {
      const auto J = static_cast<std::size_t>(j);
      if (j == 0) {
        row[0] = {prev[0].first + 1, 'd'};
        continue;
      }
      const bool same = h[static_cast<std::size_t>(i) - 1] == r[J - 1];
      const std::pair<long, char> ops[] = {{prev[J - 1].first + (same ? 0 : 1), same ? ' ' : 's'},
                                           {prev[J].first + 1, 'd'},
                                           {row[J - 1].first + 1, 'i'}};
      for (const auto& op : ops)
        if (row[J].first > op.first) row[J] = op;
    }
  }
  std::string trace;
  int i = nh, j = nr;
  while (i > 0 || j > 0) {
    const char op = dist[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)].second;
    trace.insert(trace.begin(), op);
    if (op == ' ' || op == 's') {
      --i;
      --j;
    } else if (op == 'i') {
      --j;
    } else {
      --i;
    }
  }
  return {dist[static_cast<std::size_t>(nh)][static_cast<std::size_t>(nr)].first, trace};
}

Words perform_shift(const Words& w, int start, int length, int target) {
  auto slice = [&](int a, int b) {
    a = std::min(a, static_cast<int>(w.size()));
    b = std::min(b, static_cast<int>(w.size()));
    return Words(w.begin() + a, w.begin() + std::max(a, b));
  };
  Words out;
  auto add = [&](const Words& part) { out.insert(out.end(), part.begin(), part.end()); };
  if (target < start) {
    add(slice(0, target)), add(slice(start, start + length)), add(slice(target, start)),
        add(slice(start + length, 1 << 30));
  } else if (target > start + length) {
    add(slice(0, start)), add(slice(start + length, target)), add(slice(start, start + length)),
        add(slice(target, 1 << 30));
  } else {
    add(slice(0, start)), add(slice(start + length, length + target)), add(slice(start, start + length)),
        add(slice(length + target, 1 << 30));
  }
  return out;
}

long ter(Words h, const Words& r) {
  if (r.empty()) return static_cast<long>(h.size());
  int shifts = 0, checked = 0;
  while (true) {
    const auto [pre, inv_trace] = beam_edit_distance(h, r);
    std::vector<int> align(r.size(), -1), hyp_err, ref_err;
    int ph = -1, pr = -1;
    for (char op : inv_trace) {  // flipped: 'd' consumes a hypothesis word
      if (op == ' ' || op == 's') {
        align[static_cast<std::size_t>(++pr)] = ++ph;
        hyp_err.push_back(op == 's');
        ref_err.push_back(op == 's');
      } else if (op == 'd') {
        ++ph;
        hyp_err.push_back(1);
      } else {
        align[static_cast<std::size_t>(++pr)] = ph;
        ref_err.push_back(1);
      }
    }
    bool found = false;
    std::tuple<long, int, int, int> best;
    Words best_words;
    const int nh = static_cast<int>(h.size()), nr = static_cast<int>(r.size());
    bool stop = false;
    for (int sh = 0; sh < nh && !stop; ++sh) {
      for (int sr = 0; sr < nr && !stop; ++sr) {
        if (std::abs(sr - sh) > 50) continue;
        int len = 0;
        while (h[static_cast<std::size_t>(sh + len)] == r[static_cast<std::size_t>(sr + len)] && len < 10) {
          ++len;
          int herr = 0, rerr = 0;
          for (int k = sh; k < sh + len; ++k) herr += hyp_err[static_cast<std::size_t>(k)];
          for (int k = sr; k < sr + len; ++k) rerr += ref_err[static_cast<std::size_t>(k)];
          const int a = align[static_cast<std::size_t>(sr)];
          if (herr > 0 && rerr > 0 && !(sh <= a && a < sh + len)) {
            int prev_idx = -1;
            for (int off = -1; off < len; ++off) {
              const int idx = sr + off == -1 ? 0 : align[static_cast<std::size_t>(sr + off)] + 1;
              if (idx == prev_idx) continue;
              prev_idx = idx;
              Words shifted = perform_shift(h, sh, len, idx);
              const std::tuple<long, int, int, int> cand{pre - beam_edit_distance(shifted, r).first, len, -sh, -idx};
              ++checked;
              if (!found || cand > best) {
                found = true;
                best = cand;
                best_words = shifted;
              }
            }
            if (checked >= 1000) stop = true;
          }
          if (sh + len == nh || sr + len == nr) break;
        }
      }
    }
    if (checked >= 1000 || !found || std::get<0>(best) <= 0) return shifts + pre;
    ++shifts;
    h = best_words;
  }
}

}  // namespace reference

double corpus_ter(const Lines& hyps, const Lines& refs, TerOptions o = {}) {
  Ter ter(o);
  ter.set_references({refs});
  return ter.corpus_score(hyps).score;
}

TEST(Ter, CasesOfSacreBleu) {
  EXPECT_NEAR(corpus_ter({"aaaa bbbb cccc dddd"}, {"aaaa bbbb cccc dddd"}), 0.0, 1e-3);
  EXPECT_NEAR(corpus_ter({"dddd eeee ffff"}, {"aaaa bbbb cccc"}), 100.0, 1e-3);
  EXPECT_NEAR(corpus_ter({""}, {"a"}), 100.0, 1e-3);
  EXPECT_NEAR(corpus_ter({"d e f g h a b c"}, {"a b c d e f g h"}), 100.0 / 8, 1e-3);  // one shift
  const Lines hyps = {
      "wählen Sie \" Bild neu berechnen , \" um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit "
      "das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .",
      "wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds "
      "die Option \" Alle Aufgaben aktualisieren . \"",
      "klicken Sie auf der Registerkarte \" Optionen \" auf die Schaltfläche \" Benutzerdefiniert \" und geben Sie "
      "Werte für \" Fehlerkorrektur-Level \" und \" Y / X-Verhältnis \" ein .",
      "Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .",
      "wählen Sie im Dialogfeld \" Neu aus Vorlage \" eine Vorlage aus und klicken Sie auf \" Neu . \"",
  };
  const Lines refs = {
      "wählen Sie \" Bild neu berechnen , \" um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit "
      "die Darstellung des Bildes in einer anderen Größe beibehalten wird .",
      "wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds "
      "die Option \" Alle Aufgaben aktualisieren . \"",
      "klicken Sie auf der Registerkarte \" Optionen \" auf die Schaltfläche \" Benutzerdefiniert \" und geben Sie für "
      "\" Fehlerkorrektur-Level \" und \" Y / X-Verhältnis \" niedrigere Werte ein .",
      "Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .",
      "wählen Sie im Dialogfeld \" Neu aus Vorlage \" eine Vorlage aus und klicken Sie auf \" Neu . \"",
  };
  EXPECT_NEAR(corpus_ter(hyps, refs), 13.6, 1e-3);  // realistic example from WMT dev data
}

TEST(Ter, TokenizerCasesOfSacreBleu) {
  TerOptions plain;
  EXPECT_EQ(tercom_tokenize("a b c d", plain), "a b c d");
  EXPECT_EQ(tercom_tokenize("", plain), "");
  EXPECT_EQ(tercom_tokenize("a b c d.", plain), "a b c d.");
  EXPECT_EQ(tercom_tokenize("A B C D.", plain), "a b c d.");
  TerOptions no_punct;
  no_punct.no_punct = true;
  EXPECT_EQ(tercom_tokenize("a b c d.", no_punct), "a b c d");
  EXPECT_EQ(tercom_tokenize("A ; B ) C : D.", no_punct), "a b c d");
  TerOptions norm;
  norm.normalized = true;
  EXPECT_EQ(tercom_tokenize("a b (c) d.", norm), "a b ( c ) d .");
  EXPECT_EQ(tercom_tokenize("Jim's car.", norm), "jim 's car .");
  EXPECT_EQ(tercom_tokenize("4.2", norm), "4.2");
  TerOptions asian = norm;
  asian.asian_support = true;
  EXPECT_EQ(tercom_tokenize("美众院公布对特", asian), "美 众 院 公 布 对 特");
  EXPECT_EQ(tercom_tokenize("りの拳銃を持", asian), "りの 拳 銃 を 持");
  TerOptions cased;
  cased.case_sensitive = true;
  EXPECT_EQ(tercom_tokenize(" A  b\u00a0C ", cased), "A b C");
}

TEST(Ter, ShiftSearchEqualsLiteralSacreBleuOnRandomInputs) {
  std::mt19937 rng(12345);
  TerScratch scratch;
  int compared = 0;
  // A quarter of the trials under the sanitizer, where the literal port at -O0 took 136 s:
  // still every path below (a tenth long, a seventh of very different lengths).
  const int trials = testing::kUnderSanitizer ? 100 : 400;
  for (int trial = 0; trial < trials; ++trial) {
    // Small vocabularies give many repeated words and many shift candidates; lengths cover
    // the full-band, banded, beyond-the-band and > 64-word (no bit-parallel) paths.
    const int vocab = 2 + static_cast<int>(rng() % 12);
    int nr = static_cast<int>(rng() % (trial % 10 == 0 ? 90 : 40));
    int nh = std::max(0, nr + static_cast<int>(rng() % 15) - 7);
    if (trial % 7 == 3) {  // very different lengths: distances beyond the band's reach
      nr = 30 + static_cast<int>(rng() % 34);
      nh = static_cast<int>(rng() % 10);
      if (trial % 2) std::swap(nr, nh);
    }
    Words ref, hyp;
    for (int k = 0; k < nr; ++k) ref.push_back(1 + rng() % static_cast<unsigned>(vocab));
    for (int k = 0; k < nh; ++k) {
      // Mostly reference words in a scrambled order, some unknown (id 0).
      const unsigned roll = rng() % 10;
      hyp.push_back(roll == 0 ? 0
                              : (nr > 0 && roll < 7 ? ref[rng() % static_cast<unsigned>(nr)]
                                                    : 1 + rng() % static_cast<unsigned>(vocab)));
    }
    const TerReference prepared(ref);
    ASSERT_EQ(ter_edits(hyp, prepared, scratch), reference::ter(hyp, ref)) << "trial " << trial;
    ++compared;
  }
  EXPECT_EQ(compared, trials);
}

TEST(Ter, BeamEditDistanceIsLevenshteinForShortSentences) {
  EXPECT_EQ(ter_beam_edit_distance({1, 2, 3}, {1, 2, 3}), 0);
  EXPECT_EQ(ter_beam_edit_distance({1, 2, 3}, {3, 2, 1}), 2);
  EXPECT_EQ(ter_beam_edit_distance({}, {1, 2}), 2);
  EXPECT_EQ(ter_beam_edit_distance({1, 2}, {}), 2);
}

TEST(Ter, EmptySegmentsAndScores) {
  Ter ter;
  ter.set_references({{"", "a b", "."}});
  TerOptions no_punct;
  no_punct.no_punct = true;
  const StatsMatrix stats = ter.segment_stats({"x y", "", ""});
  EXPECT_EQ(stats.row(0)[0], 2);  // empty reference: every hypothesis word is an edit
  EXPECT_EQ(stats.row(0)[1], 0);
  EXPECT_EQ(ter.sentence_score_from_stats(stats.row(0)).score, 100.0);
  EXPECT_EQ(ter.sentence_score_from_stats(stats.row(1)).score, 100.0);  // 2 deletions / 2
  const double both_empty[] = {0, 0};
  EXPECT_EQ(ter.sentence_score_from_stats(both_empty).score, 0.0);
  EXPECT_FALSE(ter.higher_is_better());
}

TEST(Ter, MultipleReferencesUseFewestEditsAndAverageLength) {
  Ter ter;
  ter.set_references({{"a b c d"}, {"a b"}});
  const StatsMatrix stats = ter.segment_stats({"a b"});
  EXPECT_EQ(stats.row(0)[0], 0);    // matches the second reference
  EXPECT_EQ(stats.row(0)[1], 3.0);  // (4 + 2) / 2
  EXPECT_EQ(ter.signature(), "nrefs:2|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0");
}

TEST(Ter, SignaturesAndCase) {
  TerOptions o;
  o.case_sensitive = true;
  o.normalized = true;
  o.no_punct = true;
  o.asian_support = true;
  EXPECT_EQ(Ter(o).signature(), "nrefs:1|case:mixed|tok:tercom|norm:yes|punct:no|asian:yes|version:2.6.0");
  EXPECT_NEAR(corpus_ter({"The Cat"}, {"the cat"}), 0.0, 1e-9);
  TerOptions cs;
  cs.case_sensitive = true;
  EXPECT_NEAR(corpus_ter({"The Cat"}, {"the cat"}, cs), 100.0, 1e-9);
  EXPECT_EQ(Ter().name(), "TER");
}

TEST(Ter, Errors) {
  Ter ter;
  EXPECT_THROW(ter.segment_stats({"a"}), Error);
  ter.set_references({{"a", "b", "c"}});
  EXPECT_THROW(ter.segment_stats({"a"}), Error);
}

}  // namespace
}  // namespace mtbench::eval
