#pragma once
// Turns the Transformer's recorded attention into report explanations (BertViz-style head
// view, Vig 2019): encoder self-attention, decoder self-attention and cross-attention of every
// layer and head, plus the positional-encoding matrix the sentence used.
//
// Stored compactly: weights are rounded to 1e-3 (about float16's precision near 1), and a
// sentence keeps at most `max_values` attention weights: layers are added from the top of
// each stack downwards (the layers nearest the output first) until the budget is spent.

#include <cstdint>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "systems/explanation.h"

namespace mtbench::transformer {

// Everything recorded for one translated sentence.
struct RecordedAttention {
  std::vector<std::string> source_pieces;  // source subwords (n)
  std::vector<std::string> target_pieces;  // produced subwords (without </s>)
  bool ended = false;                      // </s> was produced (one more decoder row)
  torch::Tensor encoder;                   // [layers, heads, >= n, >= n] (padding beyond n)
  std::vector<float> decoder_rows;         // row-major [steps, columns]: per step cross then self (see
                                           // TransformerModelImpl::set_recording)
  std::int64_t columns = 0;                // width of a decoder row
  std::int64_t source_columns = 0;         // padded source length S of the batch
  std::int64_t self_columns = 0;           // C of the recording
  std::int64_t layers = 0;                 // decoder layers
  std::int64_t heads = 0;                  // heads
  torch::Tensor positions;                 // [positions, dim] positional encodings used
  torch::Tensor encoder_queries;           // [layers, heads, >= n, head_dim] or undefined (no neuron view)
  torch::Tensor encoder_keys;              // [layers, heads, >= n, head_dim] or undefined
};

// Builds the explanation; Error when the recorded sizes are inconsistent. With queries and keys
// recorded, adds per encoder layer and head the matrices "encoder-query" and "encoder-key"
// (rows: source pieces, columns: dimensions of a head; not attention, and not counted in
// `max_values`) from which the neuron view recomputes q.k / sqrt(d) and the softmax.
Explanation transformer_explanation(const RecordedAttention& recorded, std::int64_t max_values);

}  // namespace mtbench::transformer
