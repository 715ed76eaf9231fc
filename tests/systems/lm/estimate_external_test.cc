// The disk-backed Kneser-Ney estimator (estimate_arpa_external) against the in-memory one:
// byte-identical ARPA under budgets small enough to force many sorted runs, for every order
// and option; its sorter against a map; errors name file and line; nothing left on disk.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "base/error.h"
#include "base/text_file.h"
#include "systems/lm/ngram_lm.h"
#include "systems/lm/ngram_sort.h"
#include "tests/test_util.h"

namespace mtbench::lm {
namespace {

using ::testing::HasSubstr;

// A deterministic text with a Zipf-like vocabulary: frequent words repeat (counts-of-counts of
// every size), rare ones give singletons.
std::vector<std::string> zipf_text(std::size_t sentences, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> lines;
  for (std::size_t s = 0; s < sentences; ++s) {
    const int length = static_cast<int>(rng() % 12);  // some empty lines too
    std::string line;
    for (int i = 0; i < length; ++i) {
      const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      const auto word = static_cast<std::uint32_t>(std::pow(2000.0, u * u));  // 1 .. 2000, skewed
      line += (i ? " " : "") + ("w" + std::to_string(word));
    }
    lines.push_back(line);
  }
  return lines;
}

std::string external_arpa(const std::filesystem::path& text, const EstimateOptions& options, std::size_t memory,
                          const testing::ScratchDir& dir, EstimateStats* stats = nullptr) {
  ExternalEstimateOptions external;
  external.memory = memory;
  external.temp_dir = dir / "tmp";
  std::filesystem::create_directories(external.temp_dir);
  estimate_arpa_external(text, options, external, dir / "external.arpa", stats);
  // The private directory of sorted files is gone.
  EXPECT_TRUE(std::filesystem::is_empty(external.temp_dir));
  return read_file(dir / "external.arpa");
}

TEST(EstimateExternal, SameArpaAsInMemoryForEveryOrderUnderATinyBudget) {
  MTBENCH_REQUIRE_SHARED(train, "testdata/kenlm/multi30k.train.lc.tok.en.gz");
  testing::ScratchDir dir;
  const std::vector<std::string> sentences = read_lines(train);
  for (int order = 2; order <= 6; ++order) {
    SCOPED_TRACE(order);
    EstimateOptions options;
    options.order = order;
    EstimateStats in_memory_stats, external_stats;
    const std::string in_memory = estimate_arpa_text(sentences, options, &in_memory_stats);
    // 1 MiB holds 26k records: the 250k n-grams of each order go through ten runs and more.
    EXPECT_EQ(external_arpa(train, options, std::size_t{1} << 20, dir, &external_stats), in_memory);
    EXPECT_EQ(external_stats.counts, in_memory_stats.counts);
    EXPECT_EQ(external_stats.discounts, in_memory_stats.discounts);
    EXPECT_EQ(external_stats.tokens, in_memory_stats.tokens);
  }
}

TEST(EstimateExternal, SameArpaWithEveryOption) {
  testing::ScratchDir dir;
  const std::vector<std::string> sentences = zipf_text(20000, 7);
  write_lines_atomic(dir / "text.txt", sentences);
  struct Case {
    int order;
    bool interpolate_unigrams;
    bool fallback;
    std::vector<std::string> extra;
  };
  for (const Case& c : {Case{3, false, false, {}}, Case{4, true, false, {"zz-extra", "w1", "yy-extra"}},
                        Case{2, true, true, {}}, Case{5, false, true, {"only-here"}}}) {
    SCOPED_TRACE(c.order);
    EstimateOptions options;
    options.order = c.order;
    options.interpolate_unigrams = c.interpolate_unigrams;
    options.discount_fallback = c.fallback;
    options.extra_vocab = c.extra;
    EXPECT_EQ(external_arpa(dir / "text.txt", options, std::size_t{1} << 20, dir),
              estimate_arpa_text(sentences, options));
  }
  // A budget larger than the data (one run per sort) gives the same too.
  EstimateOptions options;
  options.order = 4;
  EXPECT_EQ(external_arpa(dir / "text.txt", options, std::size_t{256} << 20, dir),
            estimate_arpa_text(sentences, options));
}

TEST(EstimateExternal, GzipInputAndTinyCorpusWithFallback) {
  testing::ScratchDir dir;
  const std::vector<std::string> sentences = {"a b c d", "b c d", "c d", "d", "a c", "a d", "b d", "c d"};
  write_lines_atomic(dir / "plain.txt", sentences);
  ASSERT_EQ(
      std::system(("gzip -c '" + (dir / "plain.txt").string() + "' > '" + (dir / "text.gz").string() + "'").c_str()),
      0);
  EstimateOptions options;
  options.order = 3;
  options.discount_fallback = true;
  EXPECT_EQ(external_arpa(dir / "text.gz", options, std::size_t{1} << 20, dir), estimate_arpa_text(sentences, options));
}

TEST(EstimateExternal, ErrorsNameFileAndLineAndLeaveNothingBehind) {
  testing::ScratchDir dir;
  std::filesystem::create_directories(dir / "tmp");
  ExternalEstimateOptions external;
  external.temp_dir = dir / "tmp";
  EstimateOptions options;
  options.order = 3;
  write_lines_atomic(dir / "special.txt", {"a b", "c <s> d"});
  try {
    estimate_arpa_external(dir / "special.txt", options, external, dir / "out.arpa");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_THAT(e.what(), HasSubstr("special.txt, line 2"));
    EXPECT_THAT(e.what(), HasSubstr("<s>"));
  }
  write_file_atomic(dir / "empty.txt", "");
  EXPECT_THROW(estimate_arpa_external(dir / "empty.txt", options, external, dir / "out.arpa"), DataError);
  write_lines_atomic(dir / "ok.txt", {"a b c"});
  options.order = 7;
  EXPECT_THROW(estimate_arpa_external(dir / "ok.txt", options, external, dir / "out.arpa"), ConfigError);
  options.order = 3;
  external.memory = 1000;
  EXPECT_THROW(estimate_arpa_external(dir / "ok.txt", options, external, dir / "out.arpa"), ConfigError);
  external.memory = std::size_t{1} << 20;
  // Too little data for discounts: an Error, and still no sorted files left.
  EXPECT_THROW(estimate_arpa_external(dir / "ok.txt", options, external, dir / "out.arpa"), Error);
  EXPECT_THROW(estimate_arpa_external(dir / "missing.txt", options, external, dir / "out.arpa"), Error);
  EXPECT_TRUE(std::filesystem::is_empty(dir / "tmp"));
  EXPECT_FALSE(std::filesystem::exists(dir / "out.arpa"));
  // A temporary directory that cannot be created (a file is in the way).
  write_file_atomic(dir / "file", "x");
  external.temp_dir = dir / "file" / "sub";
  options.discount_fallback = true;
  EXPECT_THROW(estimate_arpa_external(dir / "ok.txt", options, external, dir / "out.arpa"), Error);
}

// --- the sorter ----------------------------------------------------------------------------

TEST(NgramSorter, MergesRunsIntoSortedOrderWithCountsSummed) {
  testing::ScratchDir dir;
  std::mt19937 rng(3);
  for (auto key : {detail::NgramOrder::kSuffix, detail::NgramOrder::kPrefix}) {
    const int order = 3;
    // 64 records per run, 5000 records: about 80 runs.
    detail::NgramSorter sorter(order, key, false, true, 64 * sizeof(detail::NgramRecord), dir / "runs");
    std::map<std::vector<WordIndex>, std::uint64_t> expected;
    for (int i = 0; i < 5000; ++i) {
      detail::NgramRecord r;
      for (int w = 0; w < order; ++w) r.words[w] = rng() % 6;
      r.count = 1 + rng() % 3;
      std::vector<WordIndex> k(r.words, r.words + order);
      if (key == detail::NgramOrder::kSuffix) std::reverse(k.begin(), k.end());
      expected[k] += r.count;
      sorter.add(r);
    }
    EXPECT_GT(sorter.runs(), 50u);
    EXPECT_EQ(sorter.finish(dir / "sorted"), expected.size());
    detail::NgramReader reader(dir / "sorted", order, false);
    detail::NgramRecord r;
    auto it = expected.begin();
    while (reader.next(r)) {
      ASSERT_NE(it, expected.end());
      std::vector<WordIndex> k(r.words, r.words + order);
      if (key == detail::NgramOrder::kSuffix) std::reverse(k.begin(), k.end());
      EXPECT_EQ(k, it->first);
      EXPECT_EQ(r.count, it->second);
      ++it;
    }
    EXPECT_EQ(it, expected.end());
    // Only the output is left: the runs are removed.
    std::size_t files = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir.path())) ++files;
    EXPECT_EQ(files, 1u);
    std::filesystem::remove(dir / "sorted");
  }
}

TEST(NgramSorter, TruncatedFileIsAnError) {
  testing::ScratchDir dir;
  {
    detail::NgramWriter writer(dir / "f", 2, true);
    detail::NgramRecord r;
    writer.write(r);
    writer.write(r);
    writer.close();
  }
  std::filesystem::resize_file(dir / "f", 2 * (2 * 4 + 12) - 3);
  detail::NgramReader reader(dir / "f", 2, true);
  detail::NgramRecord r;
  EXPECT_TRUE(reader.next(r));
  try {
    reader.next(r);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("middle of a record"));
  }
}

}  // namespace
}  // namespace mtbench::lm
