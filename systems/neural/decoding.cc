#include "systems/neural/decoding.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "base/error.h"

namespace mtbench::neural {
namespace {

// Maximum target length of each sentence from the source mask.
std::vector<std::int64_t> max_lengths(const torch::Tensor& source_mask, const DecodeOptions& options) {
  const auto lengths = source_mask.sum(1).to(torch::kCPU).to(torch::kInt64);
  const auto* p = lengths.data_ptr<std::int64_t>();
  std::vector<std::int64_t> out(static_cast<std::size_t>(lengths.size(0)));
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = std::max<std::int64_t>(
        1, static_cast<std::int64_t>(options.max_length_a * static_cast<double>(p[i]) + options.max_length_b));
  return out;
}

void check_options(const DecodeOptions& options) {
  if (options.beam_size < 1) fail<ConfigError>("beam size must be >= 1, got {}", options.beam_size);
  if (options.nbest < 1 || options.nbest > options.beam_size)
    fail<ConfigError>("nbest must be in 1..beam size ({}), got {}", options.beam_size, options.nbest);
}

// Padding and <s> are never produced: their log-probabilities become -inf.
torch::Tensor forbid_specials(const torch::Tensor& log_probs, const SpecialIds& ids) {
  auto out = log_probs.clone();
  out.select(1, ids.pad).fill_(-std::numeric_limits<float>::infinity());
  out.select(1, ids.bos).fill_(-std::numeric_limits<float>::infinity());
  return out;
}

}  // namespace

double length_normalizer(double length, double alpha) {
  if (alpha == 0) return 1.0;
  return std::pow((5.0 + length) / 6.0, alpha);
}

std::vector<Hypothesis> greedy_decode(EncoderDecoder& model, const torch::Tensor& source,
                                      const torch::Tensor& source_mask, const DecodeOptions& options,
                                      const SpecialIds& ids) {
  torch::NoGradGuard no_grad;
  const auto batch = source.size(0);
  const auto limits = max_lengths(source_mask, options);
  const auto longest = *std::max_element(limits.begin(), limits.end());
  const auto device = source.device();
  const auto limit_t = torch::tensor(limits, torch::kInt64).to(device);

  DecoderState state = model.start(source, source_mask);
  auto previous = torch::full({batch}, ids.bos, torch::TensorOptions().dtype(torch::kInt64).device(device));
  auto finished = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kBool).device(device));
  auto log_prob = torch::zeros({batch}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
  std::vector<torch::Tensor> tokens, attention;
  for (std::int64_t t = 0; t < longest; ++t) {
    StepOutput out = model.step(previous, state);
    auto [best, index] = forbid_specials(out.log_probs, ids).max(1);  // [batch]
    index = torch::where(finished, torch::full_like(index, ids.pad), index);
    log_prob += torch::where(finished, torch::zeros_like(best), best).to(torch::kFloat64);
    tokens.push_back(index);
    if (options.attention && out.attention.defined()) attention.push_back(out.attention);
    finished = finished | (index == ids.eos) | (limit_t <= t + 1);
    previous = torch::where(index == ids.pad, torch::full_like(index, ids.eos), index);
    // Checking for the end costs a host synchronisation: only every 8 steps.
    if (t % 8 == 7 && finished.all().item<bool>()) break;
  }
  const auto all_tokens = torch::stack(tokens, 1).to(torch::kCPU);  // [batch, steps]
  const auto all_lp = log_prob.to(torch::kCPU);
  torch::Tensor all_attention;
  if (!attention.empty()) all_attention = torch::stack(attention, 1).to(torch::kCPU).to(torch::kFloat32);
  std::vector<Hypothesis> result(static_cast<std::size_t>(batch));
  const auto acc = all_tokens.accessor<std::int64_t, 2>();
  for (std::int64_t b = 0; b < batch; ++b) {
    Hypothesis& h = result[static_cast<std::size_t>(b)];
    std::int64_t rows = 0;
    bool eos = false;
    for (std::int64_t t = 0; t < all_tokens.size(1); ++t) {
      const auto tok = acc[b][t];
      if (tok == ids.pad) break;
      ++rows;
      if (tok == ids.eos) {
        eos = true;
        break;
      }
      h.tokens.push_back(tok);
    }
    h.log_prob = all_lp[b].item<double>();
    h.score =
        h.log_prob / length_normalizer(static_cast<double>(h.tokens.size() + (eos ? 1 : 0)), options.length_penalty);
    if (all_attention.defined()) {
      auto a = all_attention[b].slice(0, 0, rows).contiguous();
      h.attention.assign(a.data_ptr<float>(), a.data_ptr<float>() + a.numel());
      h.attention_columns = all_attention.size(2);
    }
  }
  return result;
}

std::vector<std::vector<Hypothesis>> beam_search(EncoderDecoder& model, const torch::Tensor& source,
                                                 const torch::Tensor& source_mask, const DecodeOptions& options,
                                                 const SpecialIds& ids) {
  check_options(options);
  torch::NoGradGuard no_grad;
  const auto batch = source.size(0);
  const std::int64_t k = options.beam_size;
  const auto device = source.device();
  const auto limits = max_lengths(source_mask, options);
  const double alpha = options.length_penalty;
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();

  DecoderState state = model.start(source, source_mask);
  state.select(torch::arange(batch, torch::TensorOptions().dtype(torch::kInt64).device(device)).repeat_interleave(k));
  std::vector<std::int64_t> active(static_cast<std::size_t>(batch));  // sentence of each k-row block
  for (std::int64_t b = 0; b < batch; ++b) active[static_cast<std::size_t>(b)] = b;
  std::vector<std::vector<std::int64_t>> row_tokens(static_cast<std::size_t>(batch * k));
  std::vector<float> init(static_cast<std::size_t>(batch * k), kNegInf);
  for (std::int64_t b = 0; b < batch; ++b) init[static_cast<std::size_t>(b * k)] = 0;  // one live beam at first
  auto beam_scores = torch::tensor(init).to(device);
  auto previous = torch::full({batch * k}, ids.bos, torch::TensorOptions().dtype(torch::kInt64).device(device));
  torch::Tensor attention_history;  // [rows, t, src_len] when options.attention
  std::vector<std::vector<Hypothesis>> finished(static_cast<std::size_t>(batch));

  for (std::int64_t t = 0; !active.empty(); ++t) {
    StepOutput out = model.step(previous, state);
    const auto vocab = out.log_probs.size(1);
    const auto n_active = static_cast<std::int64_t>(active.size());
    auto candidates = (beam_scores.unsqueeze(1) + forbid_specials(out.log_probs.to(torch::kFloat32), ids))
                          .view({n_active, k * vocab});
    const auto width = std::min<std::int64_t>(2 * k, k * vocab);
    auto [top_values, top_index] = candidates.topk(width, 1);
    // The only device-to-host transfer of the step: [n_active, 2k] scores and indices.
    const auto values_cpu = top_values.to(torch::kCPU);
    const auto index_cpu = top_index.to(torch::kCPU);
    const auto vals = values_cpu.accessor<float, 2>();
    const auto idx = index_cpu.accessor<std::int64_t, 2>();
    torch::Tensor step_attention;
    if (options.attention && out.attention.defined()) step_attention = out.attention.to(torch::kFloat32);

    auto finalize = [&](std::int64_t sentence, std::int64_t row, std::vector<std::int64_t> toks, double lp, bool eos) {
      Hypothesis h;
      h.tokens = std::move(toks);
      h.log_prob = lp;
      h.score = lp / length_normalizer(static_cast<double>(h.tokens.size() + (eos ? 1 : 0)), alpha);
      if (step_attention.defined()) {
        auto rows = step_attention[row].unsqueeze(0);
        if (attention_history.defined()) rows = torch::cat({attention_history[row], rows}, 0);
        rows = rows.to(torch::kCPU).contiguous();
        h.attention.assign(rows.data_ptr<float>(), rows.data_ptr<float>() + rows.numel());
        h.attention_columns = rows.size(1);
      }
      finished[static_cast<std::size_t>(sentence)].push_back(std::move(h));
    };

    std::vector<std::int64_t> next_active, next_rows, next_tokens;
    std::vector<float> next_scores;
    std::vector<std::vector<std::int64_t>> next_row_tokens;
    for (std::int64_t a = 0; a < n_active; ++a) {
      const auto sentence = active[static_cast<std::size_t>(a)];
      const auto limit = limits[static_cast<std::size_t>(sentence)];
      std::vector<std::pair<std::int64_t, std::int64_t>> live;  // (row, token)
      std::vector<float> live_scores;
      for (std::int64_t j = 0; j < width && static_cast<std::int64_t>(live.size()) < k; ++j) {
        const float v = vals[a][j];
        if (v == kNegInf) break;
        const auto row = a * k + idx[a][j] / vocab;
        const auto token = idx[a][j] % vocab;
        const auto& prefix = row_tokens[static_cast<std::size_t>(row)];
        if (token == ids.eos) {
          if (j < k) finalize(sentence, row, prefix, v, true);
          continue;
        }
        if (t + 1 >= limit) {  // maximum length reached: finished without </s>
          auto toks = prefix;
          toks.push_back(token);
          finalize(sentence, row, std::move(toks), v, false);
          live.emplace_back(row, token);  // counts towards k so that at most k are finished here
          live_scores.push_back(kNegInf);
          continue;
        }
        live.emplace_back(row, token);
        live_scores.push_back(v);
      }
      auto& done = finished[static_cast<std::size_t>(sentence)];
      bool stop = t + 1 >= limit || live.empty() || live_scores.front() == kNegInf;
      if (!stop && static_cast<std::int64_t>(done.size()) >= k) {
        std::vector<double> scores;
        for (const auto& h : done) scores.push_back(h.score);
        std::nth_element(scores.begin(), scores.begin() + (k - 1), scores.end(), std::greater<>());
        const double kth = scores[static_cast<std::size_t>(k - 1)];
        const double best_live = live_scores.front();
        const auto current_len =
            static_cast<double>(row_tokens[static_cast<std::size_t>(live.front().first)].size() + 1);
        const double bound = best_live / std::max(length_normalizer(current_len, alpha),
                                                  length_normalizer(static_cast<double>(limit), alpha));
        stop = bound <= kth;
      }
      if (stop) continue;
      next_active.push_back(sentence);
      for (std::int64_t r = 0; r < k; ++r) {
        const auto i = static_cast<std::size_t>(std::min<std::int64_t>(r, static_cast<std::int64_t>(live.size()) - 1));
        const auto [row, token] = live[i];
        next_rows.push_back(row);
        next_tokens.push_back(token);
        next_scores.push_back(r < static_cast<std::int64_t>(live.size()) ? live_scores[i] : kNegInf);
        auto toks = row_tokens[static_cast<std::size_t>(row)];
        toks.push_back(token);
        next_row_tokens.push_back(std::move(toks));
      }
    }
    if (next_active.empty()) break;
    const auto index = torch::tensor(next_rows, torch::kInt64).to(device);
    state.select(index);
    if (step_attention.defined()) {
      auto step_rows = step_attention.index_select(0, index).unsqueeze(1);
      attention_history = attention_history.defined()
                              ? torch::cat({attention_history.index_select(0, index), step_rows}, 1)
                              : step_rows;
    }
    previous = torch::tensor(next_tokens, torch::kInt64).to(device);
    beam_scores = torch::tensor(next_scores).to(device);
    active = std::move(next_active);
    row_tokens = std::move(next_row_tokens);
  }

  std::vector<std::vector<Hypothesis>> result(static_cast<std::size_t>(batch));
  for (std::int64_t b = 0; b < batch; ++b) {
    auto& done = finished[static_cast<std::size_t>(b)];
    std::stable_sort(done.begin(), done.end(),
                     [](const Hypothesis& x, const Hypothesis& y) { return x.score > y.score; });
    if (static_cast<int>(done.size()) > options.nbest) done.resize(static_cast<std::size_t>(options.nbest));
    result[static_cast<std::size_t>(b)] = std::move(done);
  }
  return result;
}

}  // namespace mtbench::neural
