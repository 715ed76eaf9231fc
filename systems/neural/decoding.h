#pragma once
// Batched greedy decoding and beam search over an EncoderDecoder.
//
// Beam search follows the usual NMT formulation (Sutskever et al. 2014; Wu et al. 2016 for the
// length penalty): at each step the 2k best extensions of the k live hypotheses are ranked; an
// extension ending in </s> among the first k is moved to the finished list, the best k others
// stay live. A sentence stops only when no live hypothesis can still beat the k-th finished
// one: with a length penalty the bound is the live log-probability normalized by the largest
// allowed length (log-probabilities only fall, the normalizer only grows), so an early short
// hypothesis does not end the search. Hypotheses reaching the maximum length are finished.

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "systems/neural/decode_options.h"

#include "systems/neural/encoder_decoder.h"
#include "systems/neural/vocabulary.h"

namespace mtbench::neural {

// One decoded hypothesis.
struct Hypothesis {
  std::vector<std::int64_t> tokens;    // target ids, without bos/eos
  double log_prob = 0;                 // sum of token log-probabilities (including </s> when produced)
  double score = 0;                    // log_prob / length penalty (what beam search ranks)
  std::vector<float> attention;        // row-major [steps, attention_columns] if requested (steps =
                                       // tokens.size() + 1 when </s> was produced)
  std::int64_t attention_columns = 0;  // the batch's padded source length (columns of attention)
};

// Length normalizer of GNMT (Wu et al. 2016, eq. 14): ((5 + length) / 6)^alpha.
double length_normalizer(double length, double alpha);

// Greedy decoding of a source batch: one hypothesis per sentence. No host synchronisation per
// step except a check every few steps whether all sentences have finished.
std::vector<Hypothesis> greedy_decode(EncoderDecoder& model, const torch::Tensor& source,
                                      const torch::Tensor& source_mask, const DecodeOptions& options,
                                      const SpecialIds& ids = {});

// Beam search of a source batch: up to options.nbest hypotheses per sentence, best first.
// One device-to-host copy of the step's top candidates per step (not per token).
std::vector<std::vector<Hypothesis>> beam_search(EncoderDecoder& model, const torch::Tensor& source,
                                                 const torch::Tensor& source_mask, const DecodeOptions& options,
                                                 const SpecialIds& ids = {});

}  // namespace mtbench::neural
