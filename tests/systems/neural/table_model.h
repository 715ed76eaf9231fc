#pragma once
// A handcrafted EncoderDecoder for the decoding tests: fixed next-token distributions by
// (length, last token), so the best sequences are known by hand.

#include <utility>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/encoder_decoder.h"

namespace mtbench::neural::testing {

// A model with fixed next-token distributions by (length, last token); vocabulary (one column
// per token): 0 unk, 1 bos, 2 eos, 3 pad, 4 A, 5 B (more columns: more tokens). Rows: 0 = first
// step, 1 = after A, 2 = after B, 3 = later.
class TableModel : public EncoderDecoder {
 public:
  explicit TableModel(std::vector<std::vector<double>> rows) {
    table_ = torch::log(torch::tensor(flatten(rows), torch::kFloat32).view({4, -1}));
  }
  DecoderState start(const torch::Tensor& source, const torch::Tensor& mask) override {
    DecoderState s;
    s.tensors = {torch::zeros({source.size(0)}, torch::kInt64), torch::full({source.size(0)}, 1, torch::kInt64)};
    s.source_mask = mask;
    return s;
  }
  StepOutput step(const torch::Tensor& previous, DecoderState& state) override {
    auto& length = state.tensors[0];
    auto row = torch::where(
        length == 0, torch::zeros_like(previous),
        torch::where(length > 1, torch::full_like(previous, 3),
                     torch::where(previous == 4, torch::ones_like(previous), torch::full_like(previous, 2))));
    length = length + 1;
    auto attention = state.source_mask.to(torch::kFloat32);
    return {table_.index_select(0, row), attention / attention.sum(1, true)};
  }
  torch::Tensor forward(const torch::Tensor&, const torch::Tensor&, const torch::Tensor&) override { return {}; }
  torch::nn::Module& module() override { return module_; }

 private:
  static std::vector<float> flatten(const std::vector<std::vector<double>>& rows) {
    std::vector<float> out;
    for (const auto& r : rows)
      for (double v : r) out.push_back(static_cast<float>(v));
    return out;
  }
  torch::Tensor table_;
  torch::nn::Module module_;
};

// A probability that is as good as zero, for the tables' unused tokens.
inline constexpr double kTiny = 1e-6;

// A batch of `n` two-token sources ("A A"), all of them real tokens.
inline std::pair<torch::Tensor, torch::Tensor> source_batch(int n) {
  return {torch::full({n, 2}, 4, torch::kInt64), torch::ones({n, 2}, torch::kBool)};
}

}  // namespace mtbench::neural::testing
