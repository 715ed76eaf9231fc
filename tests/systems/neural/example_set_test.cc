// ExampleSet and its token file: flat storage round-trips through the file (same pairs, same
// hash), a file of another key is stale, damaged files are DataErrors naming the file, and
// the batching sees a mapped set exactly as the in-memory one.
#ifdef MTBENCH_HAVE_TORCH
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/neural/batching.h"
#include "systems/neural/example_set.h"
#include "tests/test_util.h"

namespace mtbench::neural {
namespace {

using ::testing::HasSubstr;

std::vector<Example> some_pairs() {
  std::vector<Example> pairs;
  for (int i = 0; i < 300; ++i) {
    Example e;
    for (int j = 0; j < 1 + i % 9; ++j) e.source.push_back(4 + (i * 7 + j) % 50);
    for (int j = 0; j < 1 + (i * 5) % 11; ++j) e.target.push_back(4 + (i * 3 + j) % 60);
    pairs.push_back(e);
  }
  return pairs;
}

TEST(ExampleSet, TokenFileRoundTripAndStaleKeys) {
  testing::ScratchDir dir;
  const auto pairs = some_pairs();
  ExampleSet set(pairs);
  set.set_skipped(7);
  ASSERT_EQ(set.size(), pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(set.source(i).to_vector(), pairs[i].source);
    EXPECT_EQ(set.target(i).to_vector(), pairs[i].target);
  }
  set.write(dir / "sub" / "tokens.bin", "key-1");
  EXPECT_FALSE(ExampleSet::open(dir / "missing.bin", "key-1", 100).has_value());
  EXPECT_FALSE(ExampleSet::open(dir / "sub" / "tokens.bin", "key-2", 100).has_value());  // stale
  auto mapped = ExampleSet::open(dir / "sub" / "tokens.bin", "key-1", 100);
  ASSERT_TRUE(mapped.has_value());
  EXPECT_TRUE(mapped->mapped());
  EXPECT_EQ(mapped->size(), pairs.size());
  EXPECT_EQ(mapped->skipped(), 7u);
  EXPECT_EQ(mapped->tokens(), set.tokens());
  EXPECT_EQ(mapped->hash(), set.hash());
  ExampleSet moved = std::move(*mapped);  // the map moves with it
  mapped.reset();
  moved.release_pages();
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    EXPECT_EQ(moved.source(i).to_vector(), pairs[i].source);
    EXPECT_EQ(moved.target(i).to_vector(), pairs[i].target);
  }
  // Batches and padded tensors are the same from the map as from memory.
  BatchingOptions batching;
  batching.max_tokens = 64;
  EXPECT_EQ(make_batches(moved, batching, 3, 1), make_batches(set, batching, 3, 1));
  const auto a = collate(moved, {0, 5, 17}, SpecialIds{}, torch::kCPU);
  const auto b = collate(set, {0, 5, 17}, SpecialIds{}, torch::kCPU);
  EXPECT_TRUE(torch::equal(a.source, b.source));
  EXPECT_TRUE(torch::equal(a.target_out, b.target_out));
  // append() joins shares in order.
  ExampleSet joined;
  joined.append(ExampleSet(std::vector<Example>(pairs.begin(), pairs.begin() + 100)));
  joined.append(ExampleSet(std::vector<Example>(pairs.begin() + 100, pairs.end())));
  EXPECT_EQ(joined.hash(), set.hash());
}

TEST(ExampleSet, DamagedTokenFilesAreDataErrors) {
  testing::ScratchDir dir;
  ExampleSet(some_pairs()).write(dir / "good.bin", "k");
  const std::string good = read_file(dir / "good.bin");
  auto expect_damaged = [&](const std::string& bytes, const std::string& what, std::int64_t limit = 100) {
    write_file_atomic(dir / "bad.bin", bytes);
    try {
      ExampleSet::open(dir / "bad.bin", "k", limit);
      ADD_FAILURE() << "no error for " << what;
    } catch (const DataError& e) {
      EXPECT_THAT(e.what(), HasSubstr("bad.bin")) << what;
    }
  };
  expect_damaged(good.substr(0, good.size() - 4), "cut");
  expect_damaged(good.substr(0, 50), "shorter than a header");
  expect_damaged("XXXXXXXX" + good.substr(8), "magic");
  std::string backwards = good;
  const std::uint64_t big = 1000;
  const std::uint64_t tokens = ExampleSet(some_pairs()).tokens();
  const std::uint64_t offsets = (96 + tokens * 4 + 7) / 8 * 8;  // after the tokens and padding
  std::memcpy(&backwards[offsets + 8 * 3], &big, 8);            // an offset past its successors
  expect_damaged(backwards, "offsets");
  expect_damaged(good, "ids beyond the vocabulary", 10);
  std::string huge = good;
  const std::uint64_t pairs = 1ULL << 60;
  std::memcpy(&huge[8], &pairs, 8);
  expect_damaged(huge, "impossible pair count");
}

TEST(ExampleSet, ChunkedWriterGivesTheSameFile) {
  testing::ScratchDir dir;
  const auto pairs = some_pairs();
  ExampleSet whole(pairs);
  whole.set_skipped(3);
  whole.write(dir / "whole.bin", "k");
  {
    TokenFileWriter writer(dir / "chunks.bin");
    for (std::size_t begin = 0; begin < pairs.size(); begin += 37)
      writer.add(ExampleSet(
          std::vector<Example>(pairs.begin() + static_cast<std::ptrdiff_t>(begin),
                               pairs.begin() + static_cast<std::ptrdiff_t>(std::min(pairs.size(), begin + 37)))));
    EXPECT_FALSE(std::filesystem::exists(dir / "chunks.bin"));  // nothing before commit
    writer.commit("k", 3);
  }
  EXPECT_EQ(read_file(dir / "chunks.bin"), read_file(dir / "whole.bin"));
  {
    TokenFileWriter abandoned(dir / "abandoned.bin");
    abandoned.add(whole);
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "abandoned.bin"));
}

TEST(ExampleSet, IdsBeyondInt32AreRefused) {
  ExampleSet set;
  EXPECT_THROW(set.push_back({5, 1LL << 40}, {6}), DataError);
  EXPECT_THROW(set.push_back({-1}, {6}), DataError);
}

}  // namespace
}  // namespace mtbench::neural
#endif
