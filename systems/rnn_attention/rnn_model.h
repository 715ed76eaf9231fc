#pragma once
// RNNsearch of Bahdanau, Cho & Bengio (2014), "Neural Machine Translation by Jointly Learning
// to Align and Translate", appendix A:
//  - encoder: bidirectional GRU over source embeddings; annotation h_j = [->h_j; <-h_j] (A.2.1).
//    Padded batches are packed, so annotations do not depend on the amount of padding.
//  - decoder initial state s_0 = tanh(W_s <-h_1) (A.2.2).
//  - attention over the annotations with s_{i-1} (A.1.2; see attention.h).
//  - GRU decoder: s_i = GRU(s_{i-1}, [E y_{i-1}; c_i]) (eq. 4 and A.2.2), written out so the
//    embedding half of the input projection is computed for all target positions at once.
//  - deep output with maxout: t_i = max-pool_2(U_o s + V_o E y_{i-1} + C_o c_i), p = softmax(W_o t_i)
//    (A.2.2). Deliberate difference: the readout uses the new state s_i as in the main text's
//    eq. (4), where the appendix writes s_{i-1} (Nematus and most reimplementations do the same).
//    Without deep_output the readout is tanh(...) of the same sum.
// Dropout (not in the paper, which used none) on embeddings and before the output projection.
//
// With attention "none" this is the RNN encoder-decoder without attention (Cho et al. 2014,
// "Learning Phrase Representations using RNN Encoder-Decoder", sec. 2.2; Bahdanau et al.'s
// RNNencdec baseline): one fixed context c, the encoder's summary, enters every decoder step
// and the readout where the attention context c_i would. Deliberate differences from Cho et
// al.: c = [->h_Tx; <-h_1], the final states of the same bidirectional encoder (theirs is
// unidirectional, c = tanh(V h_N)), and s_0 = tanh(W_s <-h_1) as above, so that the two
// systems differ only by attention.

#include <string>

#include <torch/torch.h>

#include "systems/rnn_attention/rnn_model_options.h"

#include "systems/neural/encoder_decoder.h"
#include "systems/rnn_attention/attention.h"

namespace mtbench::rnn_attention {

class RnnModelImpl : public torch::nn::Module, public neural::EncoderDecoder {
 public:
  explicit RnnModelImpl(const RnnModelOptions& options);

  neural::DecoderState start(const torch::Tensor& source, const torch::Tensor& source_mask) override;
  neural::StepOutput step(const torch::Tensor& previous, neural::DecoderState& state) override;
  torch::Tensor forward(const torch::Tensor& source, const torch::Tensor& source_mask,
                        const torch::Tensor& target_in) override;
  torch::nn::Module& module() override { return *this; }

  // Teacher-forced pass that also returns the attention weights [batch, tgt_len, src_len].
  std::pair<torch::Tensor, torch::Tensor> forward_with_attention(const torch::Tensor& source,
                                                                 const torch::Tensor& source_mask,
                                                                 const torch::Tensor& target_in);
  const RnnModelOptions& options() const { return options_; }

 private:
  struct Encoded {
    torch::Tensor memory;  // [batch, src_len, 2 * encoder_dim] annotations (0 at padding)
    torch::Tensor keys;    // [batch, src_len, key_dim] attention keys, once per batch
                           // (attention "none": [batch, 1, 2 * encoder_dim], the summary c)
    torch::Tensor state;   // [batch, decoder_dim] s_0
  };
  Encoded encode(const torch::Tensor& source, const torch::Tensor& source_mask);
  // One GRU decoder step given the embedding half of its input gates.
  // Returns s_i [batch, dec], c_i [batch, 2 enc], alpha_i [batch, src_len].
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> cell(const torch::Tensor& input_gates,
                                                               const torch::Tensor& previous_state,
                                                               const torch::Tensor& keys, const torch::Tensor& memory,
                                                               const torch::Tensor& mask);
  // Logits from state, previous-word embedding and context (any leading shape).
  torch::Tensor readout(const torch::Tensor& state, const torch::Tensor& embedded, const torch::Tensor& context);

  RnnModelOptions options_;
  torch::nn::Embedding source_embedding_{nullptr};  // E_x
  torch::nn::Embedding target_embedding_{nullptr};  // E_y
  torch::nn::GRU encoder_{nullptr};                 // bidirectional
  torch::nn::Linear init_state_{nullptr};           // W_s
  Attention attention_{nullptr};                    // alignment model
  torch::nn::Linear gate_embedding_{nullptr};       // [W; W_z; W_r] E y (with the gates' biases)
  torch::nn::Linear gate_context_{nullptr};         // [C; C_z; C_r] c
  torch::nn::Linear gate_state_{nullptr};           // [U; U_z; U_r] s (with PyTorch's second bias)
  torch::nn::Linear out_state_{nullptr};            // U_o
  torch::nn::Linear out_embedding_{nullptr};        // V_o
  torch::nn::Linear out_context_{nullptr};          // C_o
  torch::nn::Linear out_projection_{nullptr};       // W_o (untied)
  torch::Tensor out_bias_;                          // W_o's bias when W_o is the target embedding (tie_output)
  torch::nn::Dropout dropout_{nullptr};
};
TORCH_MODULE(RnnModel);

}  // namespace mtbench::rnn_attention
