#pragma once
// An ensemble of encoder-decoders decoded as one model: at every step the members' next-token
// distributions are averaged (a mixture, p(y) = 1/N sum_i p_i(y)), so greedy decoding and beam
// search run over the ensemble unchanged. Ensembles of independently trained models have been
// part of strong NMT systems since Sutskever et al. (2014, five LSTMs) and most WMT winners.
//
// Deliberate choice: the mean of probabilities (as fairseq's EnsembleModel), not the mean of
// log-probabilities (Marian, Nematus): the result is itself a distribution, so hypothesis
// scores stay log-probabilities and the length penalty means what it means for one model. An
// ensemble of a model with itself decodes exactly as the model alone (tested).
//
// The members must share their vocabularies (the caller checks); each keeps its own
// incremental state, concatenated in one DecoderState so beam search reorders all of them with
// its one index_select per tensor.

#include <cstddef>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/encoder_decoder.h"

namespace mtbench::neural {

// log(1/N sum_i exp(x_i)) over dim 0 of `stacked` [N, ...], exact when the N rows are equal
// (max + log(mean(exp(x - max))); -inf where every member gives -inf).
torch::Tensor log_mean_exp(const torch::Tensor& stacked);

class EnsembleModel : public EncoderDecoder {
 public:
  // `members` (not owned, at least one) stay alive while this is used.
  explicit EnsembleModel(std::vector<EncoderDecoder*> members);

  DecoderState start(const torch::Tensor& source, const torch::Tensor& source_mask) override;
  // log_probs: the mixture [batch, vocab]; attention: the members' mean where they give one.
  StepOutput step(const torch::Tensor& previous, DecoderState& state) override;
  // The mixture's log-probabilities [batch, tgt_len, vocab] (valid logits: softmax gives the mixture).
  torch::Tensor forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                        const torch::Tensor& target_in) override;
  // The first member's module (decode_sorted switches it to eval; every member already is).
  torch::nn::Module& module() override;

  std::size_t size() const { return members_.size(); }

 private:
  std::vector<EncoderDecoder*> members_;
  std::vector<std::size_t> state_sizes_;  // state tensors of each member, from start()
};

}  // namespace mtbench::neural
