#pragma once
// The 1990-1993 era system: word-based statistical MT, the noisy channel of Brown et al.
// (1990, "A Statistical Approach to Machine Translation"; 1993, "The Mathematics of Statistical
// Machine Translation"):
//   Moses tokenization + truecasing -> IBM Model 1 or 2 trained by EM in both directions (the
//   shared aligner) -> lexical model t(f|e), t(e|f), t(f|NULL), zero-fertility words ->
//   Kneser-Ney n-gram LM of the target (the shared LM) -> word-by-word stack decoding with
//   limited reordering -> detruecasing + detokenization.
// Every output word comes from one source word (or from nothing): no phrases, which is
// exactly what phrase-based MT (2003) added.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "corpus/truecaser.h"
#include "systems/lm/ngram_lm.h"
#include "systems/registry.h"
#include "systems/translator.h"
#include "systems/word_based/decoder.h"
#include "systems/word_based/lexical_model.h"
#include "systems/word_based/options.h"

namespace mtbench::word_based {

class WordBasedTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  const std::vector<double>& weights() const { return weights_; }
  const LexicalModel& lexical_model() const { return model_; }

 private:
  std::vector<std::string> prepare(const std::string& raw, bool source) const;
  std::string finish(const std::vector<std::string>& tokens) const;
  // Decodes tokenized sentences on `threads` threads.
  std::vector<WordDecodeResult> decode_all(const std::vector<std::vector<std::string>>& inputs,
                                           const std::vector<double>& weights, int threads, int nbest,
                                           Progress* progress) const;
  void tune(const TrainData& data, int threads, Progress& progress);

  WordBasedOptions options_;                         // system options (saved)
  std::string source_lang_ = "de";                   // tokenizer language of the source
  std::string target_lang_ = "en";                   // tokenizer language of the target
  Truecaser source_truecaser_;                       // source-side casing model
  Truecaser target_truecaser_;                       // target-side casing model
  LexicalModel model_;                               // translation model
  std::string arpa_;                                 // language model as ARPA text
  std::unique_ptr<lm::Model> lm_;                    // loaded language model
  std::vector<double> weights_ = default_weights();  // feature weights
};

// The registry entry of the built-in "word-based" system.
TranslatorEntry word_based_translator_entry();

}  // namespace mtbench::word_based
