#include "systems/neural/trainer_options.h"

#include <algorithm>
#include <cmath>

#include "base/error.h"

namespace mtbench::neural {

const OptionTable<CommonOptions>& common_option_table() {
  static const OptionTable<CommonOptions> table = [] {
    using O = CommonOptions;
    OptionTable<O> t("neural");
    t.add<bool>(
        "joint_vocabulary", [](O& o) -> bool& { return o.vocabulary.joint; },
        "one subword model for source and target (shared pieces)");
    t.add<int>(
        "vocab_size", [](O& o) -> int& { return o.vocabulary.vocab_size; },
        "subword pieces per model (an upper bound on small corpora)", at_least(8));
    t.add<std::string>(
        "subword_type", [](O& o) -> std::string& { return o.vocabulary.model_type; }, "SentencePiece model type",
        one_of({"bpe", "unigram"}));
    t.add<std::int64_t>(
        "subword_sample", [](O& o) -> std::int64_t& { return o.vocabulary.max_sentences; },
        "sentences per side (evenly spaced) the subword model is trained on, 0 = all", at_least<std::int64_t>(0));
    t.add<int>(
        "max_epochs", [](O& o) -> int& { return o.trainer.max_epochs; }, "passes over the training data", at_least(1));
    t.add<std::int64_t>(
        "max_steps", [](O& o) -> std::int64_t& { return o.trainer.max_steps; },
        "stop after this many updates, 0 = no limit", at_least<std::int64_t>(0));
    t.add<double>(
        "max_minutes", [](O& o) -> double& { return o.trainer.max_minutes; },
        "wall-clock budget including resumed time, 0 = none", at_least(0.0));
    t.add<int>(
        "batch_tokens", [](O& o) -> int& { return o.trainer.batching.max_tokens; },
        "tokens per batch: sentences x max(padded source, padded target + 1)", at_least(1));
    t.add<int>(
        "accumulate", [](O& o) -> int& { return o.trainer.accumulate; },
        "batches per update: their gradients add up before one step (a larger batch in the same memory)", at_least(1));
    t.add<int>(
        "batch_sentences", [](O& o) -> int& { return o.trainer.batching.max_sentences; }, "cap on sentences per batch",
        at_least(1));
    t.add<double>(
        "learning_rate", [](O& o) -> double& { return o.trainer.learning_rate; },
        "Adam's (peak) learning rate; noam: the factor",
        [](const double& v) { return v > 0 ? std::string() : std::string("must be > 0"); });
    t.add<std::string>(
        "lr_schedule", [](O& o) -> std::string& { return o.trainer.lr_schedule; },
        "constant, plateau (decay when dev stalls), inverse_sqrt, noam (Vaswani et al. eq. 3) or linear (to 0 at "
        "max_steps)",
        one_of({"constant", "plateau", "inverse_sqrt", "noam", "linear"}));
    t.add<int>(
        "warmup_steps", [](O& o) -> int& { return o.trainer.warmup_steps; },
        "linear warmup updates (inverse_sqrt, noam: the 1/sqrt(step) knee; linear: then down to 0)", at_least(0));
    t.add<double>(
        "plateau_factor", [](O& o) -> double& { return o.trainer.plateau_factor; },
        "plateau: learning-rate multiplier on a stall",
        [](const double& v) { return v > 0 && v <= 1 ? std::string() : std::string("must be in (0, 1]"); });
    t.add<int>(
        "plateau_patience", [](O& o) -> int& { return o.trainer.plateau_patience; },
        "plateau: validations without improvement before decaying", at_least(0));
    t.add<double>(
        "min_learning_rate", [](O& o) -> double& { return o.trainer.min_learning_rate; },
        "plateau: floor of the learning rate");
    t.add<double>(
        "adam_beta1", [](O& o) -> double& { return o.trainer.adam_beta1; }, "Adam beta1");
    t.add<double>(
        "adam_beta2", [](O& o) -> double& { return o.trainer.adam_beta2; }, "Adam beta2");
    t.add<double>(
        "adam_eps", [](O& o) -> double& { return o.trainer.adam_eps; }, "Adam epsilon");
    t.add<double>(
        "clip_norm", [](O& o) -> double& { return o.trainer.clip_norm; },
        "gradient clipping by global L2 norm, 0 = none", at_least(0.0));
    t.add<double>(
        "label_smoothing", [](O& o) -> double& { return o.trainer.label_smoothing; },
        "label smoothing of the training loss (Szegedy et al. 2016)", in_range(0.0, 1.0, false));
    t.add<double>(
        "source_word_dropout", [](O& o) -> double& { return o.trainer.source_word_dropout; },
        "training: probability of replacing each source piece by <unk> (Sennrich & Zhang 2019)",
        in_range(0.0, 1.0, false));
    t.add<double>(
        "target_word_dropout", [](O& o) -> double& { return o.trainer.target_word_dropout; },
        "training: the same for the decoder's input pieces (Bowman et al. 2016); the predicted pieces stay",
        in_range(0.0, 1.0, false));
    t.add<std::int64_t>(
        "validate_every", [](O& o) -> std::int64_t& { return o.trainer.validate_every; },
        "validate every N updates, 0 = after each epoch", at_least<std::int64_t>(0));
    t.add<int>(
        "patience", [](O& o) -> int& { return o.trainer.patience; },
        "early stopping: validations without improvement, 0 = never", at_least(0));
    t.add<bool>(
        "dev_bleu", [](O& o) -> bool& { return o.trainer.dev_bleu; },
        "select and stop on dev BLEU (greedy) instead of dev loss");
    t.add<int>(
        "dev_bleu_sentences", [](O& o) -> int& { return o.trainer.dev_bleu_sentences; },
        "dev sentences decoded for BLEU, 0 = all", at_least(0));
    t.add<int>(
        "log_every", [](O& o) -> int& { return o.trainer.log_every; }, "training log line every N updates",
        at_least(1));
    t.add<int>(
        "keep_checkpoints", [](O& o) -> int& { return o.trainer.keep_checkpoints; },
        "keep the model of the last N validations (checkpoints/step-*.pt)", at_least(0));
    t.add<int>(
        "average_checkpoints", [](O& o) -> int& { return o.trainer.average_checkpoints; },
        "N > 1: finish with the mean of the last N validated models if no worse on dev", at_least(0));
    t.add<std::string>(
        "average_by", [](O& o) -> std::string& { return o.trainer.average_by; },
        "average_checkpoints over the last N validated models or the N best on dev (kept as they come)",
        one_of({"last", "best"}));
    t.add<std::string>(
        "amp", [](O& o) -> std::string& { return o.trainer.amp; },
        "mixed precision: none, bf16 (autocast; CPU or CUDA) or fp16 (autocast with dynamic loss scaling; CUDA)",
        one_of({"none", "bf16", "fp16"}));
    t.add<int>(
        "beam_size", [](O& o) -> int& { return o.decode.beam_size; }, "beam width when translating", at_least(1));
    t.add<double>(
        "length_penalty", [](O& o) -> double& { return o.decode.length_penalty; },
        "alpha of GNMT's ((5 + len) / 6)^alpha; 0 = raw log-probability");
    t.add<double>(
        "max_length_a", [](O& o) -> double& { return o.decode.max_length_a; },
        "maximum target length = a x source length + b", at_least(0.0));
    t.add<int>(
        "max_length_b", [](O& o) -> int& { return o.decode.max_length_b; }, "(see max_length_a)", at_least(0));
    t.add<int>(
        "max_train_length", [](O& o) -> int& { return o.max_train_length; },
        "training pairs longer than this (subwords, either side) are skipped", at_least(1));
    t.add<int>(
        "translate_batch", [](O& o) -> int& { return o.translate_batch; }, "sentences per decoding batch", at_least(1));
    return t;
  }();
  return table;
}

double learning_rate_at(const TrainerOptions& o, std::int64_t step_number, double plateau_lr) {
  const double step = static_cast<double>(std::max<std::int64_t>(1, step_number));
  const double warmup = o.warmup_steps;
  if (o.lr_schedule == "noam")  // Vaswani et al. 2017, eq. (3), scaled by learning_rate ("factor")
    return o.learning_rate / std::sqrt(static_cast<double>(o.noam_model_dim)) *
           std::min(1.0 / std::sqrt(step), step * std::pow(warmup, -1.5));
  if (o.lr_schedule == "inverse_sqrt")  // the same shape with its peak set to learning_rate
    return o.learning_rate * std::min(step / warmup, std::sqrt(warmup / step));
  if (o.lr_schedule == "linear") {
    // Warmup, then a straight line from the peak down to zero at the update budget: the
    // schedule Li, Yumer & Ramanan (2020, "Budgeted Training", sec. 4) found best when the
    // number of updates is fixed in advance, as every preset's is (#16). The line runs from
    // the peak at update w (0 without warmup) to 0 at update T + 1, i.e. (T - s + 1) /
    // (T - w + 1) rather than (T - s) / (T - w), so that the last update still moves the
    // model (a deliberate difference from fairseq's polynomial_decay, whose last update uses
    // end_learning_rate). validate_common_relations rejects linear without max_steps; a
    // budget inside the warmup (a smoke test's max_steps: 20 on a preset) trains on the
    // warmup's ramp only, as noam and inverse_sqrt do.
    const double total = static_cast<double>(o.max_steps);
    if (step <= warmup) return o.learning_rate * step / warmup;
    const double span = total - warmup + 1;
    return span > 0 ? o.learning_rate * std::max(0.0, (total - step + 1) / span) : 0.0;
  }
  const double base = o.lr_schedule == "plateau" ? plateau_lr : o.learning_rate;
  return warmup > 0 ? base * std::min(1.0, step / warmup) : base;
}

void validate_common_relations(const CommonOptions& o, const std::string& origin) {
  const auto& t = o.trainer;
  if ((t.lr_schedule == "inverse_sqrt" || t.lr_schedule == "noam") && t.warmup_steps < 1)
    fail<ConfigError>("{}: lr_schedule {} needs warmup_steps >= 1", origin, t.lr_schedule);
  if (t.lr_schedule == "linear" && t.max_steps < 1)
    fail<ConfigError>("{}: lr_schedule linear decays to 0 at max_steps, which must be set (>= 1)", origin);
  if (t.lr_schedule == "noam" && t.noam_model_dim < 1)
    fail<ConfigError>("{}: lr_schedule noam is only available to models with a model dimension (transformer)", origin);
}

}  // namespace mtbench::neural
