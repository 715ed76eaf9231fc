#pragma once
// Subword vocabularies of a neural system over SentencePiece BPE (Sennrich et al. 2016):
// one joint model for both languages or one per side. Special ids are fixed so that models,
// batching and decoding agree without consulting the SentencePiece model.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "corpus/subword.h"

namespace mtbench::neural {

// Ids of the special symbols (SubwordOptions' defaults; every Vocabulary uses them).
struct SpecialIds {
  std::int64_t unk = 0;  // unknown piece
  std::int64_t bos = 1;  // beginning of sentence (first decoder input)
  std::int64_t eos = 2;  // end of sentence
  std::int64_t pad = 3;  // padding (ignored by the loss, masked in attention)
};

// How subword vocabularies are trained.
struct VocabularyOptions {
  bool joint = true;                    // one model for source and target (shared pieces)
  int vocab_size = 8000;                // pieces per model (an upper bound on small corpora)
  std::string model_type = "bpe";       // SentencePiece model type: "bpe" or "unigram"
  std::int64_t max_sentences = 300000;  // sentences per side the subword model learns from (evenly
                                        // spaced over the corpus), 0 = all
};

class Vocabulary {
 public:
  Vocabulary() = default;
  // Trains the subword model(s) on raw sentences.
  static Vocabulary train(const std::vector<std::string>& source, const std::vector<std::string>& target,
                          const VocabularyOptions& options, unsigned seed, int threads);
  // Reads what save() wrote into `dir`; Error naming the directory when files are missing.
  static Vocabulary load(const std::filesystem::path& dir);
  // Writes subword.model (joint) or subword.src.model + subword.tgt.model, atomically.
  void save(const std::filesystem::path& dir) const;
  // True when files of a saved vocabulary exist in `dir`.
  static bool exists(const std::filesystem::path& dir);

  std::vector<std::int64_t> encode_source(const std::string& text) const;
  std::vector<std::int64_t> encode_target(const std::string& text) const;
  std::vector<std::string> source_pieces(const std::string& text) const;
  std::vector<std::string> target_pieces(const std::vector<std::int64_t>& ids) const;
  // Detokenized text of target ids (special ids are dropped).
  std::string decode_target(const std::vector<std::int64_t>& ids) const;

  int source_size() const { return source_.vocab_size(); }
  int target_size() const { return target_.vocab_size(); }
  bool joint() const { return joint_; }
  // SHA-256 of every piece of both models in id order: two vocabularies with the same
  // fingerprint encode alike (names the vocabulary in the token file's key).
  std::string fingerprint() const;
  static SpecialIds special() { return {}; }

 private:
  bool joint_ = true;    // source_ and target_ are the same model
  SubwordModel source_;  // source-side model
  SubwordModel target_;  // target-side model (a copy of source_ when joint_)
};

}  // namespace mtbench::neural
