#include "systems/transformer/transformer_explanation.h"

#include <cmath>

#include "base/error.h"
#include "systems/transformer/attention.h"

namespace mtbench::transformer {
namespace {

float compact(float w) {
  return std::round(w * 1000.0f) / 1000.0f;
}

std::vector<std::string> numbered(std::int64_t n) {
  std::vector<std::string> out;
  for (std::int64_t i = 0; i < n; ++i) out.push_back(std::to_string(i));
  return out;
}

}  // namespace

Explanation transformer_explanation(const RecordedAttention& r, std::int64_t max_values) {
  const auto n = static_cast<std::int64_t>(r.source_pieces.size());
  const auto produced = static_cast<std::int64_t>(r.target_pieces.size());
  const std::int64_t steps = produced + (r.ended ? 1 : 0);
  if (r.columns != r.layers * r.heads * (r.source_columns + r.self_columns) || n > r.source_columns ||
      static_cast<std::int64_t>(r.decoder_rows.size()) < steps * r.columns || steps > r.self_columns)
    fail("transformer explanation: inconsistent recording ({} source pieces, {} steps, {} columns, {} recorded values)",
         n, steps, r.columns, r.decoder_rows.size());
  Explanation e;
  e.source_tokens = r.source_pieces;
  e.target_tokens = r.target_pieces;
  // Row labels: cross-attention rows are the tokens being predicted; decoder self-attention
  // queries and keys are the decoder's inputs (<s> then the tokens produced so far).
  std::vector<std::string> outputs = r.target_pieces, inputs = {"<s>"};
  if (r.ended) outputs.push_back("</s>");
  for (std::int64_t i = 0; i + 1 < steps; ++i) inputs.push_back(r.target_pieces[static_cast<std::size_t>(i)]);

  const auto cross_cell = [&](std::int64_t step, std::int64_t layer, std::int64_t head, std::int64_t col) {
    return r
        .decoder_rows[static_cast<std::size_t>(step * r.columns + (layer * r.heads + head) * r.source_columns + col)];
  };
  const auto self_cell = [&](std::int64_t step, std::int64_t layer, std::int64_t head, std::int64_t col) {
    return r.decoder_rows[static_cast<std::size_t>(step * r.columns + r.layers * r.heads * r.source_columns +
                                                   (layer * r.heads + head) * r.self_columns + col)];
  };
  const std::int64_t encoder_layers = r.encoder.defined() ? r.encoder.size(0) : 0;
  auto encoder = r.encoder.defined() ? r.encoder.to(torch::kCPU).to(torch::kFloat32).contiguous() : torch::Tensor();

  std::int64_t budget = max_values;
  auto add = [&](const std::string& kind, std::int64_t layer, const std::vector<std::string>& rows,
                 const std::vector<std::string>& cols, auto cell) {
    const auto cost = r.heads * static_cast<std::int64_t>(rows.size() * cols.size());
    if (cost > budget) return false;
    budget -= cost;
    for (std::int64_t h = 0; h < r.heads; ++h) {
      AttentionMatrix m;
      m.kind = kind;
      m.layer = static_cast<int>(layer);
      m.head = static_cast<int>(h);
      m.row_tokens = rows;
      m.col_tokens = cols;
      m.weights.reserve(rows.size() * cols.size());
      for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < cols.size(); ++j)
          m.weights.push_back(compact(cell(static_cast<std::int64_t>(i), h, static_cast<std::int64_t>(j))));
      e.attention.push_back(std::move(m));
    }
    return true;
  };
  // Top layers first, the three kinds interleaved, until the budget runs out.
  const std::int64_t deepest = std::max(encoder_layers, r.layers);
  for (std::int64_t depth = 0; depth < deepest; ++depth) {
    if (depth < r.layers) {
      const auto l = r.layers - 1 - depth;
      add("cross", l, outputs, r.source_pieces,
          [&](std::int64_t i, std::int64_t h, std::int64_t j) { return cross_cell(i, l, h, j); });
      add("decoder-self", l, inputs, inputs,
          [&](std::int64_t i, std::int64_t h, std::int64_t j) { return self_cell(i, l, h, j); });
    }
    if (depth < encoder_layers) {
      const auto l = encoder_layers - 1 - depth;
      const auto a = encoder.accessor<float, 4>();
      add("encoder-self", l, r.source_pieces, r.source_pieces,
          [&](std::int64_t i, std::int64_t h, std::int64_t j) { return a[l][h][i][j]; });
    }
  }
  if (r.positions.defined()) {
    auto pe = r.positions.to(torch::kCPU).to(torch::kFloat32).contiguous();
    AttentionMatrix m;
    m.kind = "positional-encoding";
    m.row_tokens = numbered(pe.size(0));
    m.col_tokens = numbered(pe.size(1));
    const float* p = pe.data_ptr<float>();
    for (std::int64_t i = 0; i < pe.numel(); ++i) m.weights.push_back(compact(p[i]));
    e.attention.push_back(std::move(m));
  }
  if (r.encoder_queries.defined() && r.encoder_keys.defined()) {
    if (r.encoder_queries.dim() != 4 || r.encoder_keys.sizes() != r.encoder_queries.sizes() ||
        r.encoder_queries.size(2) < n)
      fail("transformer explanation: queries {} and keys {} do not cover {} source pieces", shape_of(r.encoder_queries),
           shape_of(r.encoder_keys), n);
    for (const auto& [kind, tensor] :
         {std::pair{"encoder-query", &r.encoder_queries}, std::pair{"encoder-key", &r.encoder_keys}}) {
      const auto t = tensor->to(torch::kCPU).to(torch::kFloat32).contiguous();
      const auto a = t.accessor<float, 4>();
      for (std::int64_t l = 0; l < t.size(0); ++l)
        for (std::int64_t h = 0; h < t.size(1); ++h) {
          AttentionMatrix m;
          m.kind = kind;
          m.layer = static_cast<int>(l);
          m.head = static_cast<int>(h);
          m.row_tokens = r.source_pieces;
          m.col_tokens = numbered(t.size(3));
          m.weights.reserve(static_cast<std::size_t>(n * t.size(3)));
          for (std::int64_t i = 0; i < n; ++i)
            for (std::int64_t d = 0; d < t.size(3); ++d) m.weights.push_back(compact(a[l][h][i][d]));
          e.attention.push_back(std::move(m));
        }
    }
  }
  e.scores.emplace_back("attention_values_dropped_by_size_bound", 0);
  std::int64_t full = r.heads * (r.layers * (steps * n + steps * steps)) +
                      (encoder_layers > 0 ? encoder.size(1) : 0) * encoder_layers * n * n;
  e.scores.back().second = static_cast<double>(full - (max_values - budget));
  return e;
}

}  // namespace mtbench::transformer
