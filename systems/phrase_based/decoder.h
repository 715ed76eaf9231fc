#pragma once
// Phrase-based stack decoding (Koehn 2004, "Pharaoh"; Koehn SMT book ch. 6; Moses'
// "normal" search): hypotheses grouped by the number of covered source words, recombined
// when their future is identical (coverage, language-model context, last source span and
// reordering state), pruned by histogram (stack size) and threshold (beam) against their
// score plus a future-cost estimate; a distortion limit; n-best lists from the recombination
// graph (Moses' trellis paths); multi-threaded over sentences.

#include <string>
#include <vector>

#include "systems/lm/ngram_lm.h"
#include "systems/phrase_based/features.h"
#include "systems/phrase_based/phrase_table.h"

namespace mtbench {
class Progress;
}

namespace mtbench::phrase_based {

// Options (Moses flags in parentheses).
struct DecoderOptions {
  int stack_size = 100;                // histogram pruning: hypotheses kept per stack (-s)
  double beam_threshold = 1e-5;        // threshold pruning: drop below best * threshold (-b)
  int distortion_limit = 6;            // maximum jump in source words; < 0 = unlimited (-dl)
  int table_limit = 20;                // translation options per source phrase (-ttable-limit)
  int nbest = 0;                       // n-best list size (0 = only the best)
  bool lexicalized_reordering = true;  // use the msd-bidirectional-fe features
  int threads = 1;                     // sentences decoded in parallel
};

// One phrase of a derivation, in target order.
struct DerivationStep {
  int source_begin = 0;             // first source word
  int source_end = 0;               // one past the last source word
  std::vector<std::string> target;  // target words
  std::array<float, 4> scores{};    // the phrase pair's translation scores (ln)
  Alignment alignment;              // phrase-internal word links
  bool unknown = false;             // source word passed through
};

// One translation hypothesis.
struct Derivation {
  std::vector<std::string> target;    // output tokens
  double score = 0;                   // weighted model score
  FeatureVector features{};           // feature values
  std::vector<DerivationStep> steps;  // phrase segmentation in target order
};

// The result for one sentence.
struct DecodeResult {
  Derivation best;                         // highest-scoring derivation (empty input: empty)
  std::vector<Derivation> nbest;           // distinct outputs, best first (when options.nbest > 0)
  std::vector<std::string> unknown_words;  // source words without any translation option
};

class Decoder {
 public:
  // `lm` may be null (no language model feature); both must outlive the decoder.
  Decoder(const PhraseTable& table, const lm::Model* lm, DecoderOptions options = {});

  // Decodes one tokenized sentence with the given weights (size kNumFeatures).
  DecodeResult decode(const std::vector<std::string>& source, const std::vector<double>& weights) const;
  // Decodes many sentences on options.threads threads; results in input order.
  std::vector<DecodeResult> decode_all(const std::vector<std::vector<std::string>>& sources,
                                       const std::vector<double>& weights, Progress* progress = nullptr) const;

  const DecoderOptions& options() const { return options_; }
  DecoderOptions& options() { return options_; }

 private:
  const PhraseTable& table_;             // phrase pairs and reordering scores
  const lm::Model* lm_;                  // language model (may be null)
  DecoderOptions options_;               // as given
  std::vector<lm::WordIndex> lm_index_;  // target vocabulary id -> LM index
};

}  // namespace mtbench::phrase_based
