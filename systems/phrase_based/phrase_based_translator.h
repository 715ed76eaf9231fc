#pragma once
// The 1993-2003 era system: phrase-based statistical MT as Moses builds it (Koehn, Och &
// Marcu 2003; Koehn et al. 2007), as one C++ pipeline:
//   Moses tokenization + truecasing -> fast_align-style alignment in both directions ->
//   grow-diag-final-and -> phrase extraction and scoring + msd-bidirectional-fe reordering ->
//   modified Kneser-Ney 5-gram LM -> log-linear model tuned by MERT on the dev set ->
//   stack decoding -> detruecasing + detokenization.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "corpus/truecaser.h"
#include "systems/lm/ngram_lm.h"
#include "systems/phrase_based/decoder.h"
#include "systems/phrase_based/options.h"
#include "systems/phrase_based/phrase_table.h"
#include "systems/registry.h"
#include "systems/translator.h"

namespace mtbench::phrase_based {

class PhraseBasedTranslator : public Translator {
 public:
  static SystemInfo static_info();
  SystemInfo info() const override { return static_info(); }
  void train(const TrainData& data, const TrainOptions& options) override;
  void save(const std::filesystem::path& dir) const override;
  void load(const std::filesystem::path& dir) override;
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& options) override;

  const std::vector<double>& weights() const { return weights_; }
  const PhraseTable& phrase_table() const { return table_; }

 private:
  // Tokenized, case-normalized tokens of a raw sentence on either side.
  std::vector<std::string> prepare(const std::string& raw, bool source) const;
  // Output tokens back to raw text.
  std::string finish(const std::vector<std::string>& tokens) const;
  void make_decoder();

  PhraseBasedOptions options_;                       // system options (saved)
  std::string source_lang_ = "de";                   // tokenizer language of the source
  std::string target_lang_ = "en";                   // tokenizer language of the target
  Truecaser source_truecaser_;                       // source-side casing model
  Truecaser target_truecaser_;                       // target-side casing model (recasing output)
  PhraseTable table_;                                // phrase pairs with scores and reordering
  std::string arpa_;                                 // language model as ARPA text, when no model
                                                     // directory holds it (in-process training)
  std::filesystem::path lm_dir_;                     // directory holding lm.arpa and lm.bin, or empty
  std::unique_ptr<lm::Model> lm_;                    // loaded language model
  std::vector<double> weights_ = default_weights();  // log-linear weights
  std::unique_ptr<Decoder> decoder_;                 // built after train/load
};

// The registry entry of the built-in "phrase-based" system.
TranslatorEntry phrase_based_translator_entry();

}  // namespace mtbench::phrase_based
