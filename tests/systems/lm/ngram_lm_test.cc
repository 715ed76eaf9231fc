// Tests of the n-gram language model (systems/lm/ngram_lm.h): golden values from
// KenLM (lmplz's ARPA and `query -v summary` perplexities on Multi30k English), hand-derived
// modified Kneser-Ney numbers on tiny corpora, probabilities summing to one, the minimal
// decoder state against a brute-force ARPA scorer, and error cases.

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/lm/ngram_lm.h"
#include "tests/test_util.h"

namespace mtbench::lm {
namespace {

// One ARPA entry as parsed independently of Model (for entry-by-entry comparisons).
struct ArpaValue {
  double prob = 0;     // log10 probability
  double backoff = 0;  // log10 backoff (0 when absent)
};
using ArpaMap = std::unordered_map<std::string, ArpaValue>;  // "w1 w2 w3" -> values

ArpaMap parse_arpa_entries(const std::string& text) {
  ArpaMap entries;
  std::istringstream in(text);
  std::string line;
  int order = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line == "\\data\\" || line.rfind("ngram ", 0) == 0 || line == "\\end\\") continue;
    if (line[0] == '\\') {
      order = line[1] - '0';
      continue;
    }
    std::istringstream fields(line);
    ArpaValue value;
    fields >> value.prob;
    std::string ngram, word;
    for (int i = 0; i < order; ++i) {
      fields >> word;
      ngram += (i ? " " : "") + word;
    }
    if (!(fields >> value.backoff)) value.backoff = 0;
    entries[ngram] = value;
  }
  return entries;
}

// Reference scorer straight from the ARPA definition (recursive backoff, no state):
// p(w | h) = p(h w) if listed, else bo(h) + p(w | h minus its first word).
double brute_force_score(const ArpaMap& arpa, std::vector<std::string> context, const std::string& word) {
  std::string ngram;
  for (const auto& c : context) ngram += c + " ";
  ngram += word;
  if (auto it = arpa.find(ngram); it != arpa.end()) return it->second.prob;
  if (context.empty()) return arpa.at("<unk>").prob;
  std::string ctx;
  for (std::size_t i = 0; i < context.size(); ++i) ctx += (i ? " " : "") + context[i];
  double backoff = 0;
  if (auto it = arpa.find(ctx); it != arpa.end()) backoff = it->second.backoff;
  context.erase(context.begin());
  return backoff + brute_force_score(arpa, context, word);
}

const std::vector<std::string>& multi30k_train() {
  static const std::vector<std::string> lines =
      read_lines(testing::shared_file("testdata/kenlm/multi30k.train.lc.tok.en.gz"));
  return lines;
}
const std::vector<std::string>& multi30k_test() {
  static const std::vector<std::string> lines =
      read_lines(testing::shared_file("testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz"));
  return lines;
}

// Order-3 model on the Multi30k training text, estimated once for the tests that need it.
const std::string& multi30k_o3_arpa() {
  static const std::string arpa = [] {
    EstimateOptions options;
    options.order = 3;
    return estimate_arpa_text(multi30k_train(), options);
  }();
  return arpa;
}

double log10_prob(const ArpaMap& arpa, const std::string& ngram) {
  return arpa.at(ngram).prob;
}

// --- hand-derived values -----------------------------------------------------------------

// Order 2 on 8 sentences chosen so that every count-of-count n1..n4 is non-zero:
//   a b c d | b c d | c d | d | a c | a d | b d | c d
// Bigram (full order, raw) counts: <s> a 3, <s> b 2, <s> c 2, <s> d 1, a b 1, a c 1, a d 1,
//   b c 2, b d 1, c d 4, c </s> 1, d </s> 7   -> n1 = 6, n2 = 3, n3 = 1, n4 = 1
//   Y = 6 / (6 + 2*3) = 0.5; D1 = 1 - 2*0.5*3/6 = 0.5; D2 = 2 - 3*0.5*1/3 = 1.5;
//   D3+ = 3 - 4*0.5*1/1 = 1.
// Unigram adjusted counts = distinct left neighbours: a {<s>} 1, b {<s>,a} 2, c {<s>,a,b} 3,
//   d {<s>,a,b,c} 4, </s> {c,d} 2 (+ <unk>, <s> with 0) -> n1 = 1, n2 = 2, n3 = 1, n4 = 1
//   Y = 1/5 = 0.2; D1 = 1 - 2*0.2*2/1 = 0.2; D2 = 2 - 3*0.2*1/2 = 1.7; D3+ = 3 - 4*0.2 = 2.2.
// Unigrams: total 12, gamma = (0.2*1 + 1.7*2 + 2.2*2)/12 = 2/3, uniform = 1/6 (7 types - <s>):
//   p(a) = 0.8/12 + 1/9 = 0.177778, p(b) = p(</s>) = 0.3/12 + 1/9 = 0.136111,
//   p(c) = 0.8/12 + 1/9 = 0.177778, p(d) = 1.8/12 + 1/9 = 0.261111, p(<unk>) = 1/9.
// Context <s>: counts 3,2,2,1 (total 8), gamma = (0.5*1 + 1.5*2 + 1*1)/8 = 0.5625:
//   p(a|<s>) = 2/8 + 0.5625*0.177778 = 0.35, p(d|<s>) = 0.5/8 + 0.5625*0.261111 = 0.209375.
// Context c: c d 4, c </s> 1 (total 5), gamma = (0.5*1 + 1*1)/5 = 0.3:
//   p(d|c) = 3/5 + 0.3*0.261111 = 0.678333, p(</s>|c) = 0.5/5 + 0.3*0.136111 = 0.140833.
const std::vector<std::string> kHandCorpus = {"a b c d", "b c d", "c d", "d", "a c", "a d", "b d", "c d"};

TEST(NgramLmHand, DiscountsFromCountsOfCounts) {
  EstimateOptions options;
  options.order = 2;
  EstimateStats stats;
  estimate_arpa_text(kHandCorpus, options, &stats);
  ASSERT_EQ(stats.counts.size(), 2u);
  EXPECT_EQ(stats.counts[0], 7u);   // <unk> <s> </s> a b c d
  EXPECT_EQ(stats.counts[1], 12u);  // the 12 bigram types listed above
  EXPECT_EQ(stats.tokens, 18u);     // words, without <s> and </s>
  EXPECT_NEAR(stats.discounts[0][1], 0.2, 1e-6);
  EXPECT_NEAR(stats.discounts[0][2], 1.7, 1e-6);
  EXPECT_NEAR(stats.discounts[0][3], 2.2, 1e-6);
  EXPECT_NEAR(stats.discounts[1][1], 0.5, 1e-6);
  EXPECT_NEAR(stats.discounts[1][2], 1.5, 1e-6);
  EXPECT_NEAR(stats.discounts[1][3], 1.0, 1e-6);
}

TEST(NgramLmHand, ProbabilitiesAndBackoffs) {
  EstimateOptions options;
  options.order = 2;
  const ArpaMap arpa = parse_arpa_entries(estimate_arpa_text(kHandCorpus, options));
  EXPECT_EQ(arpa.size(), 19u);
  EXPECT_NEAR(log10_prob(arpa, "a"), std::log10(0.8 / 12 + 1.0 / 9), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "b"), std::log10(0.3 / 12 + 1.0 / 9), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "</s>"), std::log10(0.3 / 12 + 1.0 / 9), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "d"), std::log10(1.8 / 12 + 1.0 / 9), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<unk>"), std::log10(1.0 / 9), 1e-6);
  EXPECT_EQ(log10_prob(arpa, "<s>"), 0.0);  // lmplz: <s> has probability 1
  EXPECT_NEAR(log10_prob(arpa, "<s> a"), std::log10(0.35), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<s> d"), std::log10(0.209375), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "c d"), std::log10(0.6 + 0.3 * (1.8 / 12 + 1.0 / 9)), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "c </s>"), std::log10(0.1 + 0.3 * (0.3 / 12 + 1.0 / 9)), 1e-6);
  EXPECT_NEAR(arpa.at("<s>").backoff, std::log10(0.5625), 1e-6);
  EXPECT_NEAR(arpa.at("c").backoff, std::log10(0.3), 1e-6);
  EXPECT_EQ(arpa.at("</s>").backoff, 0.0);  // never a context
  EXPECT_EQ(arpa.at("<unk>").backoff, 0.0);
}

// lmplz --interpolate_unigrams 0 (SRILM's choice): the unigram interpolation mass 2/3 goes
// to <unk> and the other unigrams keep their discounted estimates, e.g. p(a) = 0.8/12.
TEST(NgramLmHand, UninterpolatedUnigramsGiveTheMassToUnk) {
  EstimateOptions options;
  options.order = 2;
  options.interpolate_unigrams = false;
  const ArpaMap arpa = parse_arpa_entries(estimate_arpa_text(kHandCorpus, options));
  EXPECT_NEAR(log10_prob(arpa, "<unk>"), std::log10(2.0 / 3), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "a"), std::log10(0.8 / 12), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "d"), std::log10(1.8 / 12), 1e-6);
  double sum = 0;
  for (const char* w : {"<unk>", "</s>", "a", "b", "c", "d"}) sum += std::pow(10.0, log10_prob(arpa, w));
  EXPECT_NEAR(sum, 1.0, 1e-5);
}

// Extra vocabulary words are zero-count unigrams like <unk>: the uniform distribution now
// covers 7 words, so p(zebra) = p(<unk>) = (2/3) / 7 and p(a) = 0.8/12 + (2/3)/7.
TEST(NgramLmHand, ExtraVocabularyWordsAreZerotons) {
  EstimateOptions options;
  options.order = 2;
  options.extra_vocab = {"zebra", "a"};  // "a" is already known: no change for it
  EstimateStats stats;
  const ArpaMap arpa = parse_arpa_entries(estimate_arpa_text(kHandCorpus, options, &stats));
  EXPECT_EQ(stats.counts[0], 8u);
  EXPECT_NEAR(log10_prob(arpa, "zebra"), std::log10(2.0 / 21), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<unk>"), std::log10(2.0 / 21), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "a"), std::log10(0.8 / 12 + 2.0 / 21), 1e-6);
}

// With lmplz's fallback discounts 0.5, 1, 1.5 (here every count-of-count cannot be had):
//   <s> a b </s> | <s> a b </s> | <s> b a </s>
// Unigram continuation counts a 2, b 2, </s> 2 (total 6): gamma = 1*3/6 = 0.5, uniform 1/4:
//   p(a) = 1/6 + 0.125 = 0.291667, p(<unk>) = 0.125.
// Context <s>: <s> a 2, <s> b 1 (total 3): gamma = (0.5 + 1)/3 = 0.5,
//   p(a|<s>) = 1/3 + 0.5*0.291667 = 0.479167, p(b|<s>) = 0.5/3 + 0.145833 = 0.3125.
TEST(NgramLmHand, DiscountFallback) {
  const std::vector<std::string> corpus = {"a b", "a b", "b a"};
  EstimateOptions options;
  options.order = 2;
  EXPECT_THROW(estimate_arpa_text(corpus, options), Error);  // n1 = 0 for unigrams
  options.discount_fallback = true;
  const ArpaMap arpa = parse_arpa_entries(estimate_arpa_text(corpus, options));
  EXPECT_NEAR(log10_prob(arpa, "a"), std::log10(1.0 / 6 + 0.125), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<unk>"), std::log10(0.125), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<s> a"), std::log10(1.0 / 3 + 0.5 * (1.0 / 6 + 0.125)), 1e-6);
  EXPECT_NEAR(log10_prob(arpa, "<s> b"), std::log10(0.3125), 1e-6);
  EXPECT_NEAR(arpa.at("<s>").backoff, std::log10(0.5), 1e-6);

  // Queries: p(b | <s> a) uses the bigram "a b"; p(</s> | <s>) backs off from <s>.
  const auto model = Model::parse_arpa(estimate_arpa_text(corpus, options), "hand");
  State s = model->begin_sentence_state(), next;
  EXPECT_NEAR(model->score(s, model->index("</s>"), &next), std::log10(0.5) + log10_prob(arpa, "</s>"), 1e-6);
  EXPECT_EQ(next.length, 0);  // </s> is never a context
  model->score(s, model->index("a"), &next);
  EXPECT_NEAR(model->score(next, model->index("b"), &s), log10_prob(arpa, "a b"), 1e-6);
  // An unknown word scores as <unk>.
  EXPECT_EQ(model->index("zebra"), model->unk());
  EXPECT_NEAR(model->score(model->null_context_state(), model->index("zebra"), &next), std::log10(0.125), 1e-6);
}

// --- golden values from KenLM --------------------------------------------------------------

TEST(NgramLmGolden, Order3ArpaMatchesLmplzEntryByEntry) {
  MTBENCH_REQUIRE_SHARED(golden_path, "testdata/kenlm/multi30k.train.lc.tok.en.o3.arpa.gz");
  const ArpaMap golden = parse_arpa_entries(read_file(golden_path));
  const ArpaMap ours = parse_arpa_entries(multi30k_o3_arpa());
  ASSERT_EQ(ours.size(), golden.size());
  ASSERT_EQ(golden.size(), 10213u + 80002u + 174840u);
  std::size_t mismatches = 0;
  for (const auto& [ngram, value] : golden) {
    auto it = ours.find(ngram);
    if (it == ours.end()) {
      ADD_FAILURE() << "missing n-gram: " << ngram;
      if (++mismatches > 10) break;
      continue;
    }
    if (std::abs(it->second.prob - value.prob) > 1e-4 || std::abs(it->second.backoff - value.backoff) > 1e-4) {
      ADD_FAILURE() << ngram << ": ours " << it->second.prob << " " << it->second.backoff << ", lmplz " << value.prob
                    << " " << value.backoff;
      if (++mismatches > 10) break;
    }
  }
  // The same header and the same order of entries as lmplz writes them.
  const std::string golden_text = read_file(golden_path);
  EXPECT_EQ(multi30k_o3_arpa().substr(0, 200), golden_text.substr(0, 200));
}

TEST(NgramLmGolden, PerplexityMatchesKenlmForOrders2To5) {
  MTBENCH_REQUIRE_SHARED(train, "testdata/kenlm/multi30k.train.lc.tok.en.gz");
  MTBENCH_REQUIRE_SHARED(test, "testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz");
  // perplexity.json of the shared test data (KenLM lmplz -o N + query -v summary).
  const std::map<int, std::pair<double, double>> kenlm = {
      {2, {46.08215935854934, 41.88037366394985}},
      {3, {37.02981308386244, 33.58442040414709}},
      {4, {35.75728437728675, 32.40711995047854}},
      {5, {35.79952554964231, 32.44499590685108}},
  };
  for (const auto& [order, ppl] : kenlm) {
    EstimateOptions options;
    options.order = order;
    const auto model =
        Model::parse_arpa(order == 3 ? multi30k_o3_arpa() : estimate_arpa_text(multi30k_train(), options),
                          "order " + std::to_string(order));
    EXPECT_EQ(model->order(), order);
    const PerplexityReport report = evaluate(*model, multi30k_test());
    EXPECT_EQ(report.oovs, 144u) << "order " << order;
    EXPECT_EQ(report.tokens, 13968u) << "order " << order;
    // Required: within 0.1%; in fact the values agree to ~1e-9 relative.
    EXPECT_NEAR(report.perplexity_including_oovs / ppl.first, 1.0, 1e-6) << "order " << order;
    EXPECT_NEAR(report.perplexity_excluding_oovs / ppl.second, 1.0, 1e-6) << "order " << order;
  }
}

TEST(NgramLmGolden, QueryOfLmplzArpaPrintsKenlmSummary) {
  MTBENCH_REQUIRE_SHARED(golden_path, "testdata/kenlm/multi30k.train.lc.tok.en.o3.arpa.gz");
  MTBENCH_REQUIRE_SHARED(test, "testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz");
  const auto model = Model::load_arpa(golden_path);
  EXPECT_EQ(model->ngram_count(3), 174840u);
  EXPECT_EQ(model->word(model->index("two")), "two");
  const PerplexityReport report = evaluate(*model, multi30k_test());
  EXPECT_EQ(format_perplexity_report(report),
            "Perplexity including OOVs:\t37.0298\nPerplexity excluding OOVs:\t33.5844\nOOVs:\t144\nTokens:\t13968\n");
}

TEST(NgramLmGolden, SentenceTotalsAddUpToThePerplexity) {
  MTBENCH_REQUIRE_SHARED(test, "testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz");
  const auto model = Model::parse_arpa(multi30k_o3_arpa(), "o3");
  std::vector<SentenceScore> scores;
  const PerplexityReport report = evaluate(*model, multi30k_test(), &scores);
  ASSERT_EQ(scores.size(), multi30k_test().size());
  double total = 0;
  std::uint64_t oovs = 0;
  for (const auto& s : scores) {
    EXPECT_LT(s.log10_prob, 0.0f);
    total += s.log10_prob;
    oovs += s.oovs;
  }
  EXPECT_EQ(oovs, report.oovs);
  EXPECT_NEAR(std::pow(10.0, -total / static_cast<double>(report.tokens)), report.perplexity_including_oovs, 1e-9);
}

// --- invariants ------------------------------------------------------------------------------

TEST(NgramLmInvariants, ProbabilitiesSumToOnePerContext) {
  MTBENCH_REQUIRE_SHARED(train, "testdata/kenlm/multi30k.train.lc.tok.en.gz");
  const auto model = Model::parse_arpa(multi30k_o3_arpa(), "o3");
  const WordIndex bos = model->index("<s>");
  std::vector<State> contexts = {model->null_context_state(), model->begin_sentence_state()};
  for (const std::string prefix : {"a man", "two young", "the dog is", "zebra xylophone", "a"}) {
    State s = model->begin_sentence_state(), next;
    std::istringstream words(prefix);
    std::string w;
    while (words >> w) {
      model->score(s, model->index(w), &next);
      s = next;
    }
    contexts.push_back(s);
  }
  State unused;
  for (const State& context : contexts) {
    double sum = 0;
    for (WordIndex w = 0; w < model->vocab_size(); ++w)
      if (w != bos) sum += std::pow(10.0, model->score(context, w, &unused));
    EXPECT_NEAR(sum, 1.0, 1e-4) << "context length " << int(context.length);
  }
}

TEST(NgramLmInvariants, StatefulScoresEqualBruteForceBackoff) {
  MTBENCH_REQUIRE_SHARED(test, "testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz");
  // Order 4 on the first 3000 training sentences: many backoffs on the test text.
  EstimateOptions options;
  options.order = 4;
  const std::vector<std::string> train(multi30k_train().begin(), multi30k_train().begin() + 3000);
  const std::string text = estimate_arpa_text(train, options);
  const ArpaMap arpa = parse_arpa_entries(text);
  const auto model = Model::parse_arpa(text, "o4");
  std::size_t compared = 0;
  for (std::size_t i = 0; i < 100; ++i) {
    std::istringstream in(multi30k_test()[i]);
    std::vector<std::string> words, history = {"<s>"};
    std::string w;
    while (in >> w) words.push_back(arpa.count(w) ? w : "<unk>");
    words.push_back("</s>");
    State state = model->begin_sentence_state(), next;
    for (const auto& word : words) {
      std::vector<std::string> context(history.end() - std::min<std::size_t>(3, history.size()), history.end());
      const double expected = brute_force_score(arpa, context, word);
      ASSERT_NEAR(model->score(state, model->index(word), &next), expected, 1e-5)
          << "sentence " << i << " word " << word;
      EXPECT_LE(next.length, 3);
      state = next;
      history.push_back(word);
      ++compared;
    }
  }
  EXPECT_GT(compared, 1000u);
}

TEST(NgramLmInvariants, MinimalStateRecombinesEquivalentHistories) {
  EstimateOptions options;
  options.order = 3;
  options.discount_fallback = true;
  const auto model =
      Model::parse_arpa(estimate_arpa_text({"the cat sat", "a cat sat", "the dog ran", "a dog sat"}, options), "tiny");
  auto state_after = [&](const std::vector<std::string>& words) {
    State s = model->begin_sentence_state(), next;
    for (const auto& w : words) {
      model->score(s, model->index(w), &next);
      s = next;
    }
    return s;
  };
  // Both bigrams "the cat" and "a cat" are contexts (of "the cat sat", "a cat sat"), so the
  // states keep the first word and differ.
  const State a = state_after({"the", "cat"}), b = state_after({"a", "cat"});
  EXPECT_EQ(a.length, 2);
  EXPECT_FALSE(a == b);
  // After an unknown word, "<unk> cat" and "dog cat" are not in the model: only "cat" matters,
  // so the two histories recombine (KenLM's minimal state).
  const State c = state_after({"the", "zebra", "cat"}), d = state_after({"a", "dog", "cat"});
  EXPECT_EQ(c.length, 1);
  EXPECT_TRUE(c == d);
  EXPECT_EQ(c.hash(), d.hash());
  // After </s> nothing can follow, so no context is kept.
  EXPECT_EQ(state_after({"the", "cat", "sat", "</s>"}).length, 0);
  // Unknown words leave no context.
  EXPECT_EQ(state_after({"the", "zebra"}).length, 0);
}

// --- errors ----------------------------------------------------------------------------------

TEST(NgramLmErrors, OrderOutOfRangeAndEmptyInput) {
  EstimateOptions options;
  options.order = 1;
  EXPECT_THROW(estimate_arpa_text(kHandCorpus, options), ConfigError);
  options.order = 7;
  EXPECT_THROW(estimate_arpa_text(kHandCorpus, options), ConfigError);
  options.order = 3;
  EXPECT_THROW(estimate_arpa_text({}, options), DataError);
  try {
    estimate_arpa_text({"a b", "a </s> b"}, options);
    FAIL() << "special word accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TEST(NgramLmErrors, MalformedArpaNamesFileAndLine) {
  const std::string good =
      "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n-1\ta\t-0.2\n\n"
      "\\2-grams:\n-0.1\t<s> a\n\n\\end\\\n";
  EXPECT_NO_THROW(Model::parse_arpa(good, "good.arpa"));
  auto message_of = [](const std::string& text) -> std::string {
    try {
      Model::parse_arpa(text, "bad.arpa");
    } catch (const DataError& e) {
      return e.what();
    }
    return "no error";
  };
  std::string bad = good;
  bad.replace(bad.find("-0.5\t</s>"), 4, "x0.5");
  EXPECT_NE(message_of(bad).find("bad.arpa line 7"), std::string::npos) << message_of(bad);
  bad = good;
  bad.replace(bad.find("<s> a"), 5, "<s> b");
  EXPECT_NE(message_of(bad).find("line 11"), std::string::npos) << message_of(bad);
  EXPECT_NE(message_of(good.substr(0, good.find("\\2-grams"))).find("line"), std::string::npos);
  EXPECT_NE(message_of("no header\n").find("\\data\\"), std::string::npos);
  EXPECT_NE(message_of("\\data\\\nngram 1=x\n").find("line 2"), std::string::npos);
  // A model without <unk> gets one with log10 probability -100, as KenLM does.
  const auto model = Model::parse_arpa(good, "good.arpa");
  EXPECT_FLOAT_EQ(model->score(model->null_context_state(), model->index("zebra"), nullptr), -100.0f);
}

TEST(NgramLmFiles, EstimateWritesArpaThatLoadsBack) {
  testing::ScratchDir dir;
  EstimateOptions options;
  options.order = 2;
  estimate_arpa(kHandCorpus, options, dir / "hand.arpa");
  const auto model = Model::load_arpa(dir / "hand.arpa");
  EXPECT_EQ(model->order(), 2);
  EXPECT_EQ(model->vocab_size(), 7u);
  EXPECT_EQ(model->ngram_count(2), 12u);
  EXPECT_THROW(Model::load_arpa(dir / "missing.arpa"), Error);
}

// Found by tests/fuzz/arpa_fuzz.cc: a header announcing 3e18 unigrams sized the tables
// (std::length_error, or bad_alloc) before anything was read.
TEST(ArpaReader, ImpossibleCountsInTheHeaderAreRejected) {
  const std::string text = "\\data\\\nngram 1=3333333333333333334\n\n\\1-grams:\n-1.0\t<s>\n\n\\end\\\n";
  try {
    Model::parse_arpa(text, "huge.arpa");
    ADD_FAILURE() << "accepted";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("more than a file of"), std::string::npos) << e.what();
  }
}

// NaN and +inf are no log-probabilities: an ARPA file with them is refused (it used to print
// "Perplexity including OOVs: -nan"); -inf (log10 of 0) stays accepted.
TEST(ArpaReader, RejectsNaNAndPositiveInfinity) {
  const std::string head = "\\data\\\nngram 1=3\n\n\\1-grams:\n";
  const std::string tail = "\n\\end\\\n";
  const std::string good = head + "-1.0\t<s>\t-0.5\n-0.5\t</s>\n-inf\tHund\n" + tail;
  EXPECT_NO_THROW(Model::parse_arpa(good, "good.arpa"));
  for (const std::string bad : {"nan", "-nan", "inf", "NaN"}) {
    SCOPED_TRACE(bad);
    const std::string text = head + "-1.0\t<s>\t-0.5\n-0.5\t</s>\n" + bad + "\tHund\n" + tail;
    try {
      Model::parse_arpa(text, "bad.arpa");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.arpa"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace mtbench::lm

namespace mtbench::lm {
namespace {

// The binary format answers every query exactly as the ARPA it was written from: the KenLM
// golden perplexity of the Multi30k trigram model, and every sentence's total.
TEST(NgramLmBinary, SameScoresAsTheArpaItCameFrom) {
  MTBENCH_REQUIRE_SHARED(test, "testdata/kenlm/multi30k.test_2016_flickr.lc.tok.en.gz");
  testing::ScratchDir dir;
  const auto arpa = Model::parse_arpa(multi30k_o3_arpa(), "o3");
  Model::write_binary(*arpa, dir / "lm.bin");
  const auto binary = Model::load(dir / "lm.bin");
  EXPECT_EQ(binary->order(), 3);
  EXPECT_EQ(binary->vocab_size(), arpa->vocab_size());
  for (int k = 1; k <= 3; ++k) EXPECT_EQ(binary->ngram_count(k), arpa->ngram_count(k));
  std::vector<SentenceScore> a, b;
  const auto ra = evaluate(*arpa, multi30k_test(), &a);
  const auto rb = evaluate(*binary, multi30k_test(), &b);
  EXPECT_EQ(format_perplexity_report(rb), format_perplexity_report(ra));
  EXPECT_EQ(format_perplexity_report(rb),
            "Perplexity including OOVs:\t37.0298\nPerplexity excluding OOVs:\t33.5844\nOOVs:\t144\nTokens:\t13968\n");
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].log10_prob, b[i].log10_prob) << "sentence " << i;
  // A binary model writes the same bytes again; load() still reads ARPA files.
  Model::write_binary(*binary, dir / "again.bin");
  EXPECT_EQ(read_file(dir / "again.bin"), read_file(dir / "lm.bin"));
  write_file_atomic(dir / "o3.arpa", multi30k_o3_arpa());
  EXPECT_EQ(Model::load(dir / "o3.arpa")->ngram_count(3), arpa->ngram_count(3));
}

TEST(NgramLmBinary, CorruptFilesAreDataErrors) {
  testing::ScratchDir dir;
  EstimateOptions options;
  options.order = 3;
  options.discount_fallback = true;
  const auto model = Model::parse_arpa(estimate_arpa_text(kHandCorpus, options), "hand");
  Model::write_binary(*model, dir / "lm.bin");
  const std::string good = read_file(dir / "lm.bin");
  for (std::size_t cut : {std::size_t{8}, std::size_t{100}, good.size() / 2, good.size() - 1}) {
    write_file_atomic(dir / "cut.bin", good.substr(0, cut));
    EXPECT_THROW(Model::load(dir / "cut.bin"), DataError) << "cut at " << cut;
  }
  write_file_atomic(dir / "long.bin", good + std::string(16, '\0'));
  EXPECT_THROW(Model::load(dir / "long.bin"), DataError);
  // Any flipped byte: an error or a model whose queries still terminate (the tables are probed
  // a bounded number of times even without an empty slot).
  int errors = 0;
  for (std::size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0xff);
    write_file_atomic(dir / "bad.bin", bad);
    try {
      const auto m = Model::load(dir / "bad.bin");
      evaluate(*m, kHandCorpus);
    } catch (const DataError&) {
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
}

}  // namespace
}  // namespace mtbench::lm
