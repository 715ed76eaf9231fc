#pragma once
// Beam search settings (systems/neural/decoding.h), free of LibTorch.

namespace mtbench::neural {

// Decoding options.
struct DecodeOptions {
  int beam_size = 5;            // hypotheses kept per sentence (1 = beam search of width 1)
  int nbest = 1;                // finished hypotheses returned per sentence (<= beam_size)
  double length_penalty = 1.0;  // alpha of GNMT's ((5 + len) / 6)^alpha; 0 = raw log-probability
  double max_length_a = 1.5;    // maximum target length = a * source length + b
  int max_length_b = 10;        // (see max_length_a)
  bool attention = false;       // return each hypothesis' attention matrix
};

}  // namespace mtbench::neural
