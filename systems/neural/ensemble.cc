#include "systems/neural/ensemble.h"

#include <limits>
#include <utility>

#include "base/error.h"

namespace mtbench::neural {
namespace {

std::string shape_text(const torch::Tensor& t) {
  std::string out = "[";
  for (std::int64_t d = 0; d < t.dim(); ++d) out += (d ? ", " : "") + std::to_string(t.size(d));
  return out + "]";
}

}  // namespace

torch::Tensor log_mean_exp(const torch::Tensor& stacked) {
  if (stacked.size(0) == 1) return stacked[0];
  auto peak = std::get<0>(stacked.max(0));
  // Where every member gives -inf, x - max would be nan: shift by 0 there (exp(-inf) = 0, log 0 = -inf).
  peak = torch::where(torch::isinf(peak), torch::zeros_like(peak), peak);
  return peak + torch::log(torch::exp(stacked - peak.unsqueeze(0)).mean(0));
}

EnsembleModel::EnsembleModel(std::vector<EncoderDecoder*> members) : members_(std::move(members)) {
  if (members_.empty()) fail("an ensemble needs at least one model");
  for (std::size_t i = 0; i < members_.size(); ++i)
    if (!members_[i]) fail("ensemble member {} is null", i + 1);
  for (auto* m : members_) m->module().eval();
}

DecoderState EnsembleModel::start(const torch::Tensor& source, const torch::Tensor& source_mask) {
  DecoderState state;
  state.source_mask = source_mask;
  state_sizes_.clear();
  for (auto* m : members_) {
    DecoderState own = m->start(source, source_mask);
    state_sizes_.push_back(own.tensors.size());
    for (auto& t : own.tensors) state.tensors.push_back(std::move(t));
  }
  return state;
}

StepOutput EnsembleModel::step(const torch::Tensor& previous, DecoderState& state) {
  std::size_t total = 0;
  for (std::size_t n : state_sizes_) total += n;
  if (state_sizes_.size() != members_.size() || state.tensors.size() != total)
    fail("ensemble: a decoder state of {} tensors that this ensemble's start() did not make ({} expected)",
         state.tensors.size(), total);
  std::vector<torch::Tensor> log_probs;
  torch::Tensor attention;
  std::size_t attending = 0, offset = 0;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    const auto begin = state.tensors.begin() + static_cast<std::ptrdiff_t>(offset);
    const auto end = begin + static_cast<std::ptrdiff_t>(state_sizes_[i]);
    DecoderState own;
    own.source_mask = state.source_mask;
    own.tensors.assign(std::make_move_iterator(begin), std::make_move_iterator(end));
    StepOutput out = members_[i]->step(previous, own);
    if (own.tensors.size() != state_sizes_[i])
      fail("ensemble member {}: its decoder state went from {} to {} tensors in one step", i + 1, state_sizes_[i],
           own.tensors.size());
    std::move(own.tensors.begin(), own.tensors.end(), begin);
    // [batch, vocab], the same for every member (the caller checked their vocabularies).
    if (!log_probs.empty() && !out.log_probs.sizes().equals(log_probs.front().sizes()))
      fail("ensemble member {}: next-token log-probabilities {}, member 1's {} (other vocabularies?)", i + 1,
           shape_text(out.log_probs), shape_text(log_probs.front()));
    log_probs.push_back(out.log_probs);
    if (out.attention.defined()) {
      attention = attending == 0 ? out.attention.to(torch::kFloat32) : attention + out.attention.to(torch::kFloat32);
      ++attending;
    }
    offset += state_sizes_[i];
  }
  StepOutput result;
  result.log_probs = log_mean_exp(torch::stack(log_probs, 0));  // [batch, vocab]
  if (attending > 0) result.attention = attending == 1 ? attention : attention / static_cast<double>(attending);
  return result;
}

torch::Tensor EnsembleModel::forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                                     const torch::Tensor& target_in) {
  std::vector<torch::Tensor> log_probs;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    auto lp = torch::log_softmax(members_[i]->forward(source, source_mask, target_in), -1);  // [batch, tgt, vocab]
    if (!log_probs.empty() && !lp.sizes().equals(log_probs.front().sizes()))
      fail("ensemble member {}: output {}, member 1's {} (other vocabularies?)", i + 1, shape_text(lp),
           shape_text(log_probs.front()));
    log_probs.push_back(lp);
  }
  return log_mean_exp(torch::stack(log_probs, 0));
}

torch::nn::Module& EnsembleModel::module() {
  return members_.front()->module();
}

}  // namespace mtbench::neural
