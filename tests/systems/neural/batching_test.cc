// Token-count batching with length bucketing, padding and masks (systems/neural/batching.h).
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/batching.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "base/error.h"

namespace mtbench::neural {
namespace {

std::vector<Example> random_examples(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    Example e;
    e.source.assign(1 + rng() % 30, 4 + rng() % 50);
    e.target.assign(1 + rng() % 30, 4 + rng() % 50);
    out.push_back(e);
  }
  return out;
}

TEST(NeuralBatching, EveryExampleOnceWithinTheTokenBudget) {
  const auto examples = random_examples(1000, 1);
  BatchingOptions o;
  o.max_tokens = 300;
  o.max_sentences = 40;
  const auto batches = make_batches(examples, o, 7, 0);
  std::multiset<std::size_t> seen;
  for (const auto& b : batches) {
    ASSERT_FALSE(b.empty());
    EXPECT_LE(b.size(), 40u);
    std::size_t longest = 0;
    for (auto i : b) longest = std::max({longest, examples[i].source.size(), examples[i].target.size() + 1});
    EXPECT_LE(b.size() * longest, 300u);
    seen.insert(b.begin(), b.end());
  }
  ASSERT_EQ(seen.size(), examples.size());
  for (std::size_t i = 0; i < examples.size(); ++i) EXPECT_EQ(seen.count(i), 1u);
}

TEST(NeuralBatching, OrderDependsOnlyOnSeedAndEpoch) {
  const auto examples = random_examples(500, 2);
  BatchingOptions o;
  o.max_tokens = 200;
  EXPECT_EQ(make_batches(examples, o, 3, 5), make_batches(examples, o, 3, 5));
  EXPECT_NE(make_batches(examples, o, 3, 5), make_batches(examples, o, 3, 6));
  EXPECT_NE(make_batches(examples, o, 4, 5), make_batches(examples, o, 3, 5));
}

TEST(NeuralBatching, BucketingKeepsPaddingLow) {
  const auto examples = random_examples(2000, 3);
  BatchingOptions o;
  o.max_tokens = 400;
  std::size_t real = 0, padded = 0;
  for (const auto& b : make_batches(examples, o, 1, 0)) {
    std::size_t longest = 0;
    for (auto i : b) {
      longest = std::max(longest, examples[i].source.size());
      real += examples[i].source.size();
    }
    padded += longest * b.size();
  }
  // Random batches of lengths 1..30 would be about half padding.
  EXPECT_GT(static_cast<double>(real) / static_cast<double>(padded), 0.8);
}

TEST(NeuralBatching, CollateAddsBosEosAndPads) {
  std::vector<Example> ex = {{{5, 6, 7}, {8, 9}}, {{10}, {11, 12, 13}}};
  const SpecialIds ids;
  const Batch b = collate(ex, {0, 1}, ids, torch::kCPU);
  EXPECT_EQ(b.source.sizes(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(b.target_in.sizes(), (std::vector<std::int64_t>{2, 4}));
  EXPECT_TRUE(torch::equal(b.source, torch::tensor({5, 6, 7, 10, 3, 3}).view({2, 3})));
  EXPECT_TRUE(torch::equal(b.source_mask, torch::tensor({true, true, true, true, false, false}).view({2, 3})));
  EXPECT_TRUE(torch::equal(b.target_in, torch::tensor({1, 8, 9, 3, 1, 11, 12, 13}).view({2, 4})));
  EXPECT_TRUE(torch::equal(b.target_out, torch::tensor({8, 9, 2, 3, 11, 12, 13, 2}).view({2, 4})));
  EXPECT_EQ(b.source_tokens, 4);
  EXPECT_EQ(b.target_tokens, 7);
}

TEST(NeuralBatching, PaddingMaskAndBadOptions) {
  EXPECT_TRUE(torch::equal(padding_mask(torch::tensor({2, 0, 3}), 3),
                           torch::tensor({true, true, false, false, false, false, true, true, true}).view({3, 3})));
  BatchingOptions o;
  o.max_tokens = 0;
  EXPECT_THROW(make_batches(random_examples(3, 1), o, 1, 0), ConfigError);
}

}  // namespace
TEST(Batching, ShardsPartitionEveryBatchInOrderBalancedByTargetTokens) {
  std::vector<Example> examples;
  for (int i = 0; i < 37; ++i)
    examples.push_back({std::vector<std::int64_t>(3, 5), std::vector<std::int64_t>(1 + (i * 7) % 11, 6)});
  std::vector<std::size_t> batch;
  for (std::size_t i = 0; i < examples.size(); i += 2) batch.push_back(i);
  std::int64_t total = 0;
  for (std::size_t i : batch) total += static_cast<std::int64_t>(examples[i].target.size() + 1);
  for (int world : {1, 2, 3, 4, 7}) {
    std::vector<std::size_t> joined;
    for (int rank = 0; rank < world; ++rank) {
      const auto share = shard_batch(examples, batch, rank, world);
      EXPECT_EQ(share, shard_batch(examples, batch, rank, world));  // deterministic
      std::int64_t tokens = 0;
      for (std::size_t i : share) tokens += static_cast<std::int64_t>(examples[i].target.size() + 1);
      // Within one example (at most 12 tokens) of an equal share.
      EXPECT_LE(std::abs(tokens - total / world), 12) << world << " " << rank;
      joined.insert(joined.end(), share.begin(), share.end());
    }
    EXPECT_EQ(joined, batch) << world;  // a partition, in the batch's order
  }
  // More ranks than examples: some shares are empty, none is lost.
  const std::vector<std::size_t> two = {0, 1};
  std::size_t seen = 0;
  for (int rank = 0; rank < 4; ++rank) seen += shard_batch(examples, two, rank, 4).size();
  EXPECT_EQ(seen, 2u);
}

}  // namespace mtbench::neural
#endif
