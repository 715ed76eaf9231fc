#pragma once
// The Transformer architecture (transformer_model.h), free of LibTorch.

#include <cstdint>
#include <string>

namespace mtbench::transformer {

// Architecture.
struct TransformerModelOptions {
  int source_vocab = 0;             // source vocabulary size
  int target_vocab = 0;             // target vocabulary size
  int dim = 256;                    // d_model (paper base: 512)
  int heads = 4;                    // attention heads h (paper base: 8)
  int ffn_dim = 1024;               // d_ff (paper base: 2048)
  int encoder_layers = 3;           // N for the encoder (paper: 6)
  int decoder_layers = 3;           // N for the decoder (paper: 6)
  double dropout = 0.1;             // P_drop (paper base: 0.1)
  double attention_dropout = 0.0;   // dropout on attention weights
  double relu_dropout = 0.0;        // dropout inside the feed-forward block
  std::string norm = "post";        // "post" (paper) or "pre" (Xiong et al. 2020)
  std::string norm_type = "layer";  // "layer" (LayerNorm, the paper) or "scale" (ScaleNorm, Nguyen & Salazar 2019)
  bool fix_norm = false;            // embeddings used at unit length (FixNorm, Nguyen & Chiang 2018)
  double layer_drop = 0.0;          // training: probability of skipping each layer (LayerDrop, Fan et al. 2020)
  std::string positional = "sinusoidal";  // "sinusoidal" or "learned"
  int max_positions = 1024;               // learned encodings: table size (longer inputs reuse the last row)
  bool share_embeddings = true;           // one embedding matrix for source and target (joint vocabulary)
  bool tie_output = true;                 // output projection = target embedding matrix
  std::int64_t pad_id = 3;                // padding id of both vocabularies
};

}  // namespace mtbench::transformer
