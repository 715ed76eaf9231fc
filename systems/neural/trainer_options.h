#pragma once
// Options of the shared training loop, vocabulary and decoding, and the table of the YAML keys
// that set them (base/option_table.h), which every neural system's own table includes, so
// every neural system accepts the same training keys.

#include <cstdint>
#include <string>

#include "base/option_table.h"
#include "systems/neural/batching_options.h"
#include "systems/neural/decode_options.h"
#include "systems/neural/vocabulary.h"

namespace mtbench::neural {

// The training loop (systems/neural/trainer.h).
struct TrainerOptions {
  int max_epochs = 20;          // passes over the training data
  std::int64_t max_steps = 0;   // stop after this many updates, 0 = no limit
  double max_minutes = 0;       // wall-clock budget including resumed time, 0 = none
  BatchingOptions batching;     // token-count batches with length bucketing
  int accumulate = 1;           // batches per update (gradient accumulation, fairseq's update_freq)
  double learning_rate = 1e-3;  // Adam's (peak) learning rate
  std::string lr_schedule =
      "plateau";                     // "constant", "plateau" (decay when dev stalls), "inverse_sqrt", "noam", "linear"
  int warmup_steps = 0;              // linear warmup (inverse_sqrt, noam: the 1/sqrt(step) knee; linear: then to 0)
  int noam_model_dim = 0;            // noam: d_model of lr = learning_rate * d^-0.5 * min(s^-0.5, s * w^-1.5)
  double plateau_factor = 0.5;       // plateau: learning rate multiplier on a stall
  int plateau_patience = 0;          // plateau: validations without improvement before decaying
  double min_learning_rate = 1e-5;   // plateau: floor
  double adam_beta1 = 0.9;           // Adam beta1
  double adam_beta2 = 0.999;         // Adam beta2
  double adam_eps = 1e-8;            // Adam epsilon
  double clip_norm = 1.0;            // gradient clipping by global L2 norm, 0 = none
  double label_smoothing = 0.0;      // label smoothing of the training loss (Szegedy et al. 2016)
  double source_word_dropout = 0.0;  // training: probability of replacing a source piece by <unk>
  double target_word_dropout = 0.0;  // training: the same for the decoder's input pieces (not what it predicts)
  std::int64_t validate_every = 0;   // validate every N updates, 0 = after each epoch
  int patience = 4;                  // early stopping: validations without improvement, 0 = never
  bool dev_bleu = true;              // select/stop on dev BLEU (greedy) instead of dev loss
  int dev_bleu_sentences = 0;        // dev sentences decoded for BLEU, 0 = all
  int log_every = 100;               // training log line every N updates
  int keep_checkpoints = 0;          // keep the model of the last N validations (checkpoints/step-*.pt)
  int average_checkpoints = 0;       // N > 1: finish with the mean of the last N validated models when
                                     // its dev score is at least the best single one (Vaswani et al. 6.1)
  std::string average_by = "last";   // which validated models average_checkpoints averages: "last" N or "best" N on dev
  std::string amp = "none";          // mixed precision: none, bf16 (autocast), fp16 (autocast + loss scaling; CUDA)
};

// The learning rate of update number `step` (1-based) under `options`' schedule; `plateau_lr`
// is the plateau schedule's current rate.
double learning_rate_at(const TrainerOptions& options, std::int64_t step, double plateau_lr);

// Everything common to neural systems.
struct CommonOptions {
  VocabularyOptions vocabulary;  // subword vocabularies
  TrainerOptions trainer;        // training loop
  DecodeOptions decode;          // translation defaults (beam 5)
  int max_train_length = 100;    // training pairs longer than this (subwords, either side) are skipped
  int translate_batch = 64;      // sentences per decoding batch
};

// The options every neural system accepts (vocabulary, training loop, decoding), declared
// once; a system's own table includes it (OptionTable::include).
const OptionTable<CommonOptions>& common_option_table();
// The checks that relate several common options (schedules and their warmup); single-option
// ranges are the table's validators. Throws ConfigError naming `origin`.
void validate_common_relations(const CommonOptions& options, const std::string& origin);

}  // namespace mtbench::neural
