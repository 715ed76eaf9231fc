#include "systems/phrase_based/features.h"

namespace mtbench::phrase_based {

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = {
      "LM0",       "Distortion0", "LexReo0_0", "LexReo0_1",    "LexReo0_2",
      "LexReo0_3", "LexReo0_4",   "LexReo0_5", "WordPenalty0", "PhrasePenalty0",
      "TM0_0",     "TM0_1",       "TM0_2",     "TM0_3",        "UnknownWordPenalty0"};
  return names;
}

std::vector<double> default_weights() {
  return {0.5, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3, -1.0, 0.2, 0.2, 0.2, 0.2, 0.2, -100.0};
}

bool feature_tunable(int feature) {
  return feature != kUnknown;
}

double dot(const std::vector<double>& weights, const FeatureVector& features) {
  double s = 0;
  for (int i = 0; i < kNumFeatures; ++i) s += weights[i] * features[i];
  return s;
}

}  // namespace mtbench::phrase_based
