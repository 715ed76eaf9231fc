#pragma once
// The log-linear model's features (Och & Ney 2002) in the order of the weight vector, with
// Moses' default weights. Phrase-local features (translation model, penalties, unknown
// words) are computed once per translation option; stateful ones (language model,
// reordering) while expanding hypotheses (decoder.cc).

#include <array>
#include <string>
#include <vector>

namespace mtbench::phrase_based {

enum Feature : int {
  kLm = 0,      // language model, natural log of the product of n-gram probabilities
  kDistortion,  // distance-based distortion, -sum |jump|
  kLrPrevMono,  // lexicalized reordering (msd-bidirectional-fe), ln p(orientation) ...
  kLrPrevSwap,
  kLrPrevDisc,
  kLrNextMono,
  kLrNextSwap,
  kLrNextDisc,
  kWordPenalty,    // -(number of target words), Moses' convention
  kPhrasePenalty,  // number of phrases
  kTmPfe,          // ln p(f|e)
  kTmLexFe,        // ln lex(f|e)
  kTmPef,          // ln p(e|f)
  kTmLexEf,        // ln lex(e|f)
  kUnknown,        // number of source words passed through untranslated
  kNumFeatures
};

using FeatureVector = std::array<float, kNumFeatures>;

// Names used in n-best lists, weight files and explanations, e.g. "LM0", "TM0_2".
const std::vector<std::string>& feature_names();

// Moses' defaults from train-model.perl's moses.ini: LM 0.5, distortion 0.3, lexicalized
// reordering 0.3 each, word penalty -1, phrase penalty 0.2, translation model 0.2 each,
// unknown word penalty 1 (here on a count, so -100 as Moses' log-probability of -100).
std::vector<double> default_weights();

// Whether MERT may change a feature's weight (not the unknown-word penalty, as in Moses).
bool feature_tunable(int feature);

double dot(const std::vector<double>& weights, const FeatureVector& features);

}  // namespace mtbench::phrase_based
