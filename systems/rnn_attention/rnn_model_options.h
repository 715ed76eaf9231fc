#pragma once
// The RNNsearch architecture (rnn_model.h), free of LibTorch.

#include <cstdint>
#include <string>

namespace mtbench::rnn_attention {

// Architecture.
struct RnnModelOptions {
  int source_vocab = 0;                // source vocabulary size
  int target_vocab = 0;                // target vocabulary size
  int embedding_dim = 256;             // m: word embedding size (paper: 620)
  int encoder_dim = 256;               // n: GRU units per encoder direction (paper: 1000)
  int decoder_dim = 512;               // GRU units of the decoder (paper: 1000)
  int attention_dim = 256;             // n': hidden size of the alignment model (paper: 1000)
  int output_dim = 256;                // l: deep output size after maxout (paper: 500)
  bool deep_output = true;             // maxout deep output (appendix A.2.2) or a tanh readout
  std::string attention = "bahdanau";  // "bahdanau", "general", "dot" or "none" (rnn-encdec)
  double dropout = 0.2;                // dropout rate (0 = none, as in the paper)
  bool tie_output = false;             // W_o = the target embedding matrix (needs output_dim = embedding_dim)
  std::int64_t pad_id = 3;             // padding id of both vocabularies
};

}  // namespace mtbench::rnn_attention
