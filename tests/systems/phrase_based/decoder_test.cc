#include "systems/phrase_based/decoder.h"

#include <cmath>
#include <functional>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::phrase_based {
namespace {

// A hand-made bigram LM: log10 p(w | prev) from a table, -2 otherwise. The state is the
// previous word.
class BigramLm : public lm::Model {
 public:
  explicit BigramLm(std::map<std::pair<std::string, std::string>, float> bigrams) : bigrams_(std::move(bigrams)) {
    for (const char* w : {"<unk>", "<s>", "</s>"}) index_word(w);
    for (const auto& [k, v] : bigrams_) {
      index_word(k.first);
      index_word(k.second);
    }
  }
  int order() const override { return 2; }
  lm::WordIndex index(std::string_view word) const override {
    auto it = ids_.find(std::string(word));
    return it == ids_.end() ? 0 : it->second;
  }
  lm::WordIndex unk() const override { return 0; }
  lm::State begin_sentence_state() const override { return state(1); }
  lm::State null_context_state() const override { return lm::State{}; }
  float score(const lm::State& in, lm::WordIndex word, lm::State* out) const override {
    *out = state(word);
    if (in.length == 0) return -1.5f;
    auto it = bigrams_.find({words_[in.words[0]], words_[word]});
    return it == bigrams_.end() ? -2.0f : it->second;
  }
  // Introspection.
  std::size_t vocab_size() const override { return words_.size(); }
  const std::string& word(lm::WordIndex index) const override { return words_[index]; }
  std::uint64_t ngram_count(int order) const override { return order == 1 ? words_.size() : bigrams_.size(); }
  float sentence_log10(const std::vector<std::string>& words) const {
    lm::State s = begin_sentence_state(), next;
    float total = 0;
    for (const auto& w : words) {
      total += score(s, index(w), &next);
      s = next;
    }
    return total + score(s, index("</s>"), &next);
  }

 private:
  void index_word(const std::string& w) {
    if (ids_.emplace(w, static_cast<lm::WordIndex>(words_.size())).second) words_.push_back(w);
  }
  static lm::State state(lm::WordIndex w) {
    lm::State s;
    s.words[0] = w;
    s.length = 1;
    return s;
  }
  std::map<std::pair<std::string, std::string>, float> bigrams_;
  std::map<std::string, lm::WordIndex> ids_;
  std::vector<std::string> words_;
};

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string w;
  for (char c : s) {
    if (c == ' ') {
      if (!w.empty()) out.push_back(w);
      w.clear();
    } else
      w += c;
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& w : v) s += (s.empty() ? "" : " ") + w;
  return s;
}

TEST(Decoder, MonotoneTranslationWithPhrases) {
  PhraseTable table;
  table.add(split("das Haus"), split("the house"), {-0.1f, -0.1f, -0.1f, -0.1f});
  table.add(split("das"), split("the"), {-0.5f, -0.5f, -0.5f, -0.5f});
  table.add(split("Haus"), split("house"), {-0.5f, -0.5f, -0.5f, -0.5f});
  table.add(split("ist"), split("is"), {-0.1f, -0.1f, -0.1f, -0.1f});
  table.add(split("klein"), split("small"), {-0.1f, -0.1f, -0.1f, -0.1f});
  BigramLm lm({{{"<s>", "the"}, -0.2f},
               {{"the", "house"}, -0.3f},
               {{"house", "is"}, -0.3f},
               {{"is", "small"}, -0.3f},
               {{"small", "</s>"}, -0.1f}});
  Decoder decoder(table, &lm);
  auto result = decoder.decode(split("das Haus ist klein"), default_weights());
  EXPECT_EQ(join(result.best.target), "the house is small");
  ASSERT_EQ(result.best.steps.size(), 3u);
  EXPECT_EQ(result.best.steps[0].source_begin, 0);
  EXPECT_EQ(result.best.steps[0].source_end, 2);
  EXPECT_NEAR(result.best.features[kLm], lm.sentence_log10(result.best.target) * std::log(10.0), 1e-4);
  EXPECT_FLOAT_EQ(result.best.features[kWordPenalty], -4);
  EXPECT_FLOAT_EQ(result.best.features[kPhrasePenalty], 3);
  EXPECT_NEAR(result.best.score, dot(default_weights(), result.best.features), 1e-4);
  EXPECT_TRUE(result.unknown_words.empty());
}

TEST(Decoder, LanguageModelReordersWithinTheDistortionLimit) {
  PhraseTable table;
  table.add({"a"}, {"X"}, {0, 0, 0, 0});
  table.add({"b"}, {"Y"}, {0, 0, 0, 0});
  BigramLm lm({{{"<s>", "Y"}, -0.1f}, {{"Y", "X"}, -0.1f}, {{"X", "</s>"}, -0.1f}});
  DecoderOptions options;
  options.lexicalized_reordering = false;
  Decoder decoder(table, &lm, options);
  EXPECT_EQ(join(decoder.decode({"a", "b"}, default_weights()).best.target), "Y X");
  decoder.options().distortion_limit = 0;
  EXPECT_EQ(join(decoder.decode({"a", "b"}, default_weights()).best.target), "X Y");
  // A heavy distortion weight also keeps the order.
  auto w = default_weights();
  w[kDistortion] = 5;
  decoder.options().distortion_limit = 6;
  auto r = decoder.decode({"a", "b"}, w);
  EXPECT_EQ(join(r.best.target), "X Y");
  EXPECT_FLOAT_EQ(r.best.features[kDistortion], 0);
}

TEST(Decoder, UnknownWordsArePassedThrough) {
  PhraseTable table;
  table.add({"Haus"}, {"house"}, {0, 0, 0, 0});
  Decoder decoder(table, nullptr);
  auto r = decoder.decode({"Haus", "Xylofon"}, default_weights());
  EXPECT_EQ(join(r.best.target), "house Xylofon");
  EXPECT_EQ(r.unknown_words, std::vector<std::string>{"Xylofon"});
  EXPECT_FLOAT_EQ(r.best.features[kUnknown], 1);
  EXPECT_TRUE(r.best.steps[1].unknown);
  EXPECT_TRUE(decoder.decode({}, default_weights()).best.target.empty());
  EXPECT_THROW(decoder.decode({"Haus"}, {1.0, 2.0}), ConfigError);
}

// Exhaustive search over every segmentation and order (no pruning, no recombination) with
// the features computed independently here; the decoder's best must have the same score.
struct Exhaustive {
  const PhraseTable& table;
  const BigramLm& lm;
  const std::vector<double>& w;
  std::vector<std::string> src;
  int limit;
  double best = -1e300;
  std::string best_text;
  void run(std::vector<bool>& cov, int covered, int last_begin, int last_end, const PhraseEntry* last,
           std::vector<std::string>& out, FeatureVector f) {
    const int n = static_cast<int>(src.size());
    if (covered == n) {
      f[kLm] = static_cast<float>(lm.sentence_log10(out) * std::log(10.0));
      const int o = last_end == n ? 0 : 2;
      f[kLrNextMono + o] += last->reordering[3 + o];
      const double s = dot(w, f);
      if (s > best) {
        best = s;
        best_text = join(out);
      }
      return;
    }
    int gap = 0;
    while (cov[gap]) ++gap;
    for (int b = 0; b < n; ++b)
      for (int e = b + 1; e <= n; ++e) {
        bool free = true;
        for (int i = b; i < e; ++i) free = free && !cov[i];
        if (!free) break;
        if (std::abs(b - last_end) > limit) continue;
        if (b != gap && e - gap > limit) continue;
        std::vector<WordId> ids;
        for (int i = b; i < e; ++i) ids.push_back(table.source_vocab().find(src[i]));
        std::vector<PhraseEntry> entries;
        if (!table.find(ids.data(), e - b, &entries)) continue;
        for (const auto& entry : entries) {
          FeatureVector g = f;
          g[kDistortion] -= std::abs(b - last_end);
          const int o = b == last_end ? 0 : (e == last_begin ? 1 : 2);
          g[kLrPrevMono + o] += entry.reordering[o];
          if (last) g[kLrNextMono + o] += last->reordering[3 + o];
          g[kWordPenalty] -= entry.target.size();
          g[kPhrasePenalty] += 1;
          for (int k = 0; k < 4; ++k) g[kTmPfe + k] += entry.scores[k];
          for (int i = b; i < e; ++i) cov[i] = true;
          const auto size = out.size();
          for (WordId t : entry.target) out.push_back(table.target_vocab().word(t));
          run(cov, covered + e - b, b, e, &entry, out, g);
          out.resize(size);
          for (int i = b; i < e; ++i) cov[i] = false;
        }
      }
  }
};

// A random phrase table over `src` (every span up to `max_len` words, `per_span` entries of
// 1..`max_target` random words of `tgt`, random scores) and random bigrams for an LM over `tgt`.
std::map<std::pair<std::string, std::string>, float> random_small_model(std::mt19937& rng,
                                                                        const std::vector<std::string>& src,
                                                                        const std::vector<std::string>& tgt,
                                                                        int max_len, int per_span, int max_target,
                                                                        PhraseTable& table) {
  std::uniform_real_distribution<float> u(-3.0f, -0.01f);
  const int n = static_cast<int>(src.size());
  for (int b = 0; b < n; ++b)
    for (int len = 1; len <= max_len && b + len <= n; ++len)
      for (int k = 0; k < per_span; ++k) {
        std::vector<std::string> s(src.begin() + b, src.begin() + b + len), t;
        for (int j = 0; j < 1 + static_cast<int>(rng() % max_target); ++j) t.push_back(tgt[rng() % tgt.size()]);
        std::array<float, 6> reo;
        for (auto& r : reo) r = u(rng);
        table.add(s, t, {u(rng), u(rng), u(rng), u(rng)}, reo);
      }
  std::map<std::pair<std::string, std::string>, float> bigrams;
  for (const auto& a : tgt)
    for (const auto& b : tgt) bigrams[{a, b}] = u(rng);
  for (const auto& a : tgt) {
    bigrams[{"<s>", a}] = u(rng);
    bigrams[{a, "</s>"}] = u(rng);
  }
  return bigrams;
}

TEST(Decoder, FindsTheBestPathOfRandomSmallModels) {
  std::mt19937 rng(7);
  const std::vector<std::string> src = {"s0", "s1", "s2", "s3", "s4"};
  const std::vector<std::string> tgt = {"t0", "t1", "t2", "t3", "t4", "t5"};
  for (int trial = 0; trial < 12; ++trial) {
    PhraseTable table;
    BigramLm lm(random_small_model(rng, src, tgt, 2, 2, 2, table));
    DecoderOptions options;
    options.stack_size = 100000;
    options.beam_threshold = 1e-300;
    options.distortion_limit = 3;
    options.table_limit = 0;
    options.nbest = 10;
    Decoder decoder(table, &lm, options);
    const auto w = default_weights();
    auto result = decoder.decode(src, w);
    Exhaustive ex{table, lm, w, src, 3, -1e300, ""};
    std::vector<bool> cov(5, false);
    std::vector<std::string> out;
    ex.run(cov, 0, -1, 0, nullptr, out, FeatureVector{});
    EXPECT_NEAR(result.best.score, ex.best, 1e-3) << "trial " << trial;
    EXPECT_EQ(join(result.best.target), ex.best_text) << "trial " << trial;
    // n-best: distinct outputs, best first, scores consistent with features, descending.
    ASSERT_FALSE(result.nbest.empty());
    EXPECT_EQ(join(result.nbest[0].target), join(result.best.target));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < result.nbest.size(); ++i) {
      EXPECT_TRUE(seen.insert(join(result.nbest[i].target)).second);
      EXPECT_NEAR(result.nbest[i].score, dot(w, result.nbest[i].features), 1e-3);
      // The LM feature (memoized per phrase and state while searching) is the output's LM score.
      EXPECT_NEAR(result.nbest[i].features[kLm], lm.sentence_log10(result.nbest[i].target) * std::log(10.0), 1e-3);
      if (i) {
        EXPECT_LE(result.nbest[i].score, result.nbest[i - 1].score + 1e-6);
      }
    }
    EXPECT_GT(result.nbest.size(), 1u);
  }
}

// Without n-best lists the decoder drops an expansion below its stack's floor (the worst
// survivor of the last histogram pruning) before storing it; with them it keeps every
// expansion (as arcs) and prunes later. Small stacks on 9-word inputs prune all the time, and
// both searches must find the same best translation with the same score.
TEST(Decoder, StackFloorKeepsTheSurvivorsOfHistogramPruning) {
  std::mt19937 rng(11);
  std::vector<std::string> src, tgt;
  for (int i = 0; i < 9; ++i) src.push_back("s" + std::to_string(i));
  for (int i = 0; i < 8; ++i) tgt.push_back("t" + std::to_string(i));
  int pruned_differently = 0;
  for (int trial = 0; trial < 20; ++trial) {
    PhraseTable table;
    BigramLm lm(random_small_model(rng, src, tgt, 3, 3, 3, table));
    DecoderOptions options;
    options.stack_size = 2 + trial % 4;
    options.beam_threshold = 1e-300;
    options.distortion_limit = 4;
    Decoder floor_decoder(table, &lm, options);
    options.nbest = 5;
    Decoder arcs_decoder(table, &lm, options);
    const auto w = default_weights();
    const auto with_floor = floor_decoder.decode(src, w);
    const auto with_arcs = arcs_decoder.decode(src, w);
    ASSERT_FALSE(with_floor.best.target.empty()) << "trial " << trial;
    EXPECT_DOUBLE_EQ(with_floor.best.score, with_arcs.best.score) << "trial " << trial;
    EXPECT_EQ(join(with_floor.best.target), join(with_arcs.best.target)) << "trial " << trial;
    // The stacks are small enough that pruning decides: a wide stack finds better.
    options.nbest = 0;
    options.stack_size = 5000;
    if (Decoder(table, &lm, options).decode(src, w).best.score > with_floor.best.score + 1e-9) ++pruned_differently;
  }
  EXPECT_GT(pruned_differently, 0);
}

TEST(Decoder, ThreadsGiveTheSameResults) {
  PhraseTable table;
  table.add({"a"}, {"x"}, {-1, -1, -1, -1});
  table.add({"b"}, {"y"}, {-1, -1, -1, -1});
  table.add({"a", "b"}, {"z"}, {-0.1f, -0.1f, -0.1f, -0.1f});
  std::vector<std::vector<std::string>> inputs;
  for (int i = 0; i < 50; ++i)
    inputs.push_back(i % 2 ? std::vector<std::string>{"a", "b", "a"} : std::vector<std::string>{"b", "a", "c"});
  DecoderOptions options;
  options.threads = 1;
  Decoder one(table, nullptr, options);
  options.threads = 2;
  Decoder two(table, nullptr, options);
  auto r1 = one.decode_all(inputs, default_weights());
  auto r2 = two.decode_all(inputs, default_weights());
  ASSERT_EQ(r1.size(), inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ(r1[i].best.target, r2[i].best.target);
  EXPECT_EQ(join(r1[1].best.target), "z x");
}

// Each thread reuses its search memory (hypotheses, LM memo) from sentence to sentence, and
// across decoders: with a language model, every sentence of a two-thread batch decodes as it
// does on its own after other sentences in another order, and its LM feature is the LM's
// score of its output (a stale memo entry would show in either).
TEST(Decoder, ReusedSearchMemoryGivesTheSameResults) {
  PhraseTable table;
  table.add({"a"}, {"x"}, {-1, -1, -1, -1});
  table.add({"a"}, {"y"}, {-1.2f, -1, -1, -1});
  table.add({"b"}, {"y"}, {-1, -1, -1, -1});
  table.add({"b"}, {"x", "y"}, {-1.1f, -1, -1, -1});
  table.add({"a", "b"}, {"z"}, {-0.5f, -0.5f, -0.5f, -0.5f});
  table.add({"c"}, {"w"}, {-0.3f, -0.3f, -0.3f, -0.3f});
  std::map<std::pair<std::string, std::string>, float> bigrams;
  const std::vector<std::string> words = {"<s>", "x", "y", "z", "w", "</s>"};
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-2.0f, -0.1f);
  for (const auto& a : words)
    for (const auto& b : words)
      if (a != "</s>" && b != "<s>") bigrams[{a, b}] = u(rng);
  BigramLm lm(bigrams);
  std::vector<std::vector<std::string>> inputs;
  const std::vector<std::string> vocab = {"a", "b", "c"};
  for (int i = 0; i < 40; ++i) {
    std::vector<std::string> s(3 + i % 6);
    for (auto& w : s) w = vocab[rng() % vocab.size()];
    inputs.push_back(s);
  }
  DecoderOptions options;
  options.stack_size = 5;  // pruning and recombination both at work
  options.threads = 2;
  Decoder two(table, &lm, options);
  const auto w = default_weights();
  const auto batch = two.decode_all(inputs, w);
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    options.threads = 1;
    const DecodeResult alone = Decoder(table, &lm, options).decode(inputs[i], w);
    EXPECT_EQ(batch[i].best.target, alone.best.target) << "sentence " << i;
    EXPECT_DOUBLE_EQ(batch[i].best.score, alone.best.score) << "sentence " << i;
    EXPECT_NEAR(batch[i].best.features[kLm], lm.sentence_log10(batch[i].best.target) * std::log(10.0), 1e-3);
  }
}

}  // namespace
}  // namespace mtbench::phrase_based
