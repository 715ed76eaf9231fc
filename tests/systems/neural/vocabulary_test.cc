// Subword vocabularies of the neural systems: at scale the SentencePiece model learns from an
// evenly spaced sample of each side (subword_sample), deterministically.
#ifdef MTBENCH_HAVE_TORCH

#include "systems/neural/vocabulary.h"

#include <gtest/gtest.h>

namespace mtbench::neural {
namespace {

std::vector<std::string> corpus(int n, const char* a, const char* b) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(std::string(i % 3 ? a : b) + " " + std::to_string(i % 37) + " Wort" + std::to_string(i % 11));
  return out;
}

std::vector<std::string> pieces_of(const Vocabulary& v, const std::vector<std::string>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts)
    for (const auto& p : v.source_pieces(t)) out.push_back(p);
  return out;
}

TEST(NeuralVocabulary, SampleIsEvenlySpacedAndDeterministic) {
  const auto source = corpus(3000, "ein Mann fährt Fahrrad", "zwei Hunde spielen im Schnee");
  const auto target = corpus(3000, "a man rides a bike", "two dogs play in the snow");
  VocabularyOptions sampled;
  sampled.vocab_size = 60;
  sampled.max_sentences = 300;
  // The same model as training on the explicit sample: every 10th sentence of each side.
  VocabularyOptions all = sampled;
  all.max_sentences = 0;
  std::vector<std::string> s10, t10;
  for (std::size_t i = 0; i < source.size(); i += 10) {
    s10.push_back(source[i]);
    t10.push_back(target[i]);
  }
  const auto a = Vocabulary::train(source, target, sampled, 1, 2);
  const auto b = Vocabulary::train(s10, t10, all, 1, 2);
  const auto again = Vocabulary::train(source, target, sampled, 1, 1);
  const std::vector<std::string> probe = {"zwei Hunde fährt Fahrrad 12 Wort3", "two dogs ride a bike"};
  EXPECT_EQ(a.source_size(), b.source_size());
  EXPECT_EQ(pieces_of(a, probe), pieces_of(b, probe));
  EXPECT_EQ(pieces_of(a, probe), pieces_of(again, probe));
  // A corpus smaller than the sample is used whole.
  VocabularyOptions big = sampled;
  big.max_sentences = 100000;
  EXPECT_EQ(pieces_of(Vocabulary::train(s10, t10, big, 1, 2), probe), pieces_of(b, probe));
}

}  // namespace
}  // namespace mtbench::neural

#endif  // MTBENCH_HAVE_TORCH
