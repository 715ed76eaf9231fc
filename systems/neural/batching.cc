#include "systems/neural/batching.h"

#include <algorithm>
#include <numeric>
#include <random>

#include "base/error.h"

namespace mtbench::neural {

std::vector<std::vector<std::size_t>> make_batches(const ExampleSet& examples, const BatchingOptions& options,
                                                   std::uint64_t seed, std::int64_t epoch) {
  if (options.max_tokens < 1 || options.max_sentences < 1)
    fail<ConfigError>("batching: max_tokens ({}) and max_sentences ({}) must be >= 1", options.max_tokens,
                      options.max_sentences);
  std::vector<std::size_t> order(examples.size());
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed * 1000003ULL + static_cast<std::uint64_t>(epoch) * 7919ULL + 17ULL);
  auto len = [&](std::size_t i) { return std::max(examples.source_length(i), examples.target_length(i) + 1); };
  if (options.shuffle) std::shuffle(order.begin(), order.end(), rng);
  // Pools: roughly pool_batches batches of an average length each, sorted by length inside.
  std::size_t pool = examples.size();
  if (options.shuffle && !examples.empty()) {
    double mean = 0;
    for (std::size_t i = 0; i < examples.size(); ++i) mean += static_cast<double>(len(i));
    mean /= static_cast<double>(examples.size());
    const double per_batch = std::min<double>(options.max_sentences, options.max_tokens / std::max(1.0, mean));
    pool = std::max<std::size_t>(1, static_cast<std::size_t>(per_batch * options.pool_batches));
  }
  for (std::size_t start = 0; start < order.size(); start += pool) {
    const auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), start + pool));
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start), end, [&](std::size_t a, std::size_t b) {
      if (examples.source_length(a) != examples.source_length(b))
        return examples.source_length(a) < examples.source_length(b);
      return examples.target_length(a) < examples.target_length(b);
    });
  }
  std::vector<std::vector<std::size_t>> batches;
  std::vector<std::size_t> current;
  std::size_t current_max = 0;
  for (std::size_t i : order) {
    const std::size_t m = std::max(current_max, len(i));
    if (!current.empty() && ((current.size() + 1) * m > static_cast<std::size_t>(options.max_tokens) ||
                             current.size() + 1 > static_cast<std::size_t>(options.max_sentences))) {
      batches.push_back(std::move(current));
      current.clear();
      current_max = 0;
    }
    current.push_back(i);
    current_max = std::max(current_max, len(i));
  }
  if (!current.empty()) batches.push_back(std::move(current));
  if (options.shuffle) std::shuffle(batches.begin(), batches.end(), rng);
  return batches;
}

Batch collate(const ExampleSet& examples, const std::vector<std::size_t>& indices, const SpecialIds& ids,
              const torch::Device& device) {
  const auto n = static_cast<std::int64_t>(indices.size());
  std::size_t src_len = 1, tgt_len = 1;
  for (auto i : indices) {
    src_len = std::max(src_len, examples.source_length(i));
    tgt_len = std::max(tgt_len, examples.target_length(i) + 1);
  }
  auto src = torch::full({n, static_cast<std::int64_t>(src_len)}, ids.pad, torch::kInt64);
  auto tin = torch::full({n, static_cast<std::int64_t>(tgt_len)}, ids.pad, torch::kInt64);
  auto tout = torch::full({n, static_cast<std::int64_t>(tgt_len)}, ids.pad, torch::kInt64);
  auto s = src.accessor<std::int64_t, 2>();
  auto ti = tin.accessor<std::int64_t, 2>();
  auto to = tout.accessor<std::int64_t, 2>();
  Batch b;
  for (std::int64_t r = 0; r < n; ++r) {
    const std::size_t i = indices[static_cast<std::size_t>(r)];
    const TokenSpan source = examples.source(i);
    const TokenSpan target = examples.target(i);
    for (std::size_t j = 0; j < source.size(); ++j) s[r][static_cast<std::int64_t>(j)] = source[j];
    ti[r][0] = ids.bos;
    for (std::size_t j = 0; j < target.size(); ++j) {
      ti[r][static_cast<std::int64_t>(j + 1)] = target[j];
      to[r][static_cast<std::int64_t>(j)] = target[j];
    }
    to[r][static_cast<std::int64_t>(target.size())] = ids.eos;
    b.source_tokens += static_cast<std::int64_t>(source.size());
    b.target_tokens += static_cast<std::int64_t>(target.size() + 1);
  }
  b.source_mask = (src != ids.pad).to(device);
  // An empty source still has one (pad) position; keep it attendable so softmax is defined.
  b.source_mask.select(1, 0).fill_(true);
  b.source = src.to(device);
  b.target_in = tin.to(device);
  b.target_out = tout.to(device);
  return b;
}

std::pair<torch::Tensor, torch::Tensor> pad_sources(const std::vector<const std::vector<std::int64_t>*>& sources,
                                                    const SpecialIds& ids, const torch::Device& device) {
  std::size_t len = 1;
  for (const auto* s : sources) len = std::max(len, s->size());
  auto src =
      torch::full({static_cast<std::int64_t>(sources.size()), static_cast<std::int64_t>(len)}, ids.pad, torch::kInt64);
  auto a = src.accessor<std::int64_t, 2>();
  auto lengths = torch::zeros({static_cast<std::int64_t>(sources.size())}, torch::kInt64);
  for (std::size_t r = 0; r < sources.size(); ++r) {
    for (std::size_t j = 0; j < sources[r]->size(); ++j)
      a[static_cast<std::int64_t>(r)][static_cast<std::int64_t>(j)] = (*sources[r])[j];
    lengths[static_cast<std::int64_t>(r)] = static_cast<std::int64_t>(std::max<std::size_t>(1, sources[r]->size()));
  }
  return {src.to(device), padding_mask(lengths, static_cast<std::int64_t>(len)).to(device)};
}

torch::Tensor padding_mask(const torch::Tensor& lengths, std::int64_t max_len) {
  auto positions = torch::arange(max_len, lengths.options()).unsqueeze(0);  // [1, max_len]
  return positions < lengths.unsqueeze(1);                                  // [batch, max_len]
}

std::vector<std::size_t> shard_batch(const ExampleSet& examples, const std::vector<std::size_t>& indices, int rank,
                                     int world) {
  if (world <= 1) return indices;
  std::int64_t total = 0;
  for (std::size_t i : indices) total += static_cast<std::int64_t>(examples.target_length(i) + 1);
  // Rank r takes the examples starting in [r * total / world, (r + 1) * total / world).
  const auto lo = static_cast<std::int64_t>(rank) * total / world;
  const auto hi = static_cast<std::int64_t>(rank + 1) * total / world;
  std::vector<std::size_t> share;
  std::int64_t start = 0;
  for (std::size_t i : indices) {
    if (start >= lo && start < hi) share.push_back(i);
    start += static_cast<std::int64_t>(examples.target_length(i) + 1);
  }
  return share;
}

}  // namespace mtbench::neural
