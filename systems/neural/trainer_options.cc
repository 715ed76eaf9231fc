#include "systems/neural/trainer_options.h"

#include <algorithm>
#include <cmath>

#include "corpus/error.h"

namespace mtbench::neural {

bool parse_common_key(CommonOptions& o, const std::string& key, const YAML::Node& v) {
  auto& t = o.trainer;
  if (key == "joint_vocabulary") o.vocabulary.joint = v.as<bool>();
  else if (key == "vocab_size") o.vocabulary.vocab_size = v.as<int>();
  else if (key == "subword_type") o.vocabulary.model_type = v.as<std::string>();
  else if (key == "max_epochs") t.max_epochs = v.as<int>();
  else if (key == "max_steps") t.max_steps = v.as<std::int64_t>();
  else if (key == "max_minutes") t.max_minutes = v.as<double>();
  else if (key == "batch_tokens") t.batching.max_tokens = v.as<int>();
  else if (key == "batch_sentences") t.batching.max_sentences = v.as<int>();
  else if (key == "learning_rate") t.learning_rate = v.as<double>();
  else if (key == "lr_schedule") t.lr_schedule = v.as<std::string>();
  else if (key == "warmup_steps") t.warmup_steps = v.as<int>();
  else if (key == "plateau_factor") t.plateau_factor = v.as<double>();
  else if (key == "plateau_patience") t.plateau_patience = v.as<int>();
  else if (key == "min_learning_rate") t.min_learning_rate = v.as<double>();
  else if (key == "adam_beta1") t.adam_beta1 = v.as<double>();
  else if (key == "adam_beta2") t.adam_beta2 = v.as<double>();
  else if (key == "adam_eps") t.adam_eps = v.as<double>();
  else if (key == "clip_norm") t.clip_norm = v.as<double>();
  else if (key == "label_smoothing") t.label_smoothing = v.as<double>();
  else if (key == "validate_every") t.validate_every = v.as<std::int64_t>();
  else if (key == "patience") t.patience = v.as<int>();
  else if (key == "dev_bleu") t.dev_bleu = v.as<bool>();
  else if (key == "dev_bleu_sentences") t.dev_bleu_sentences = v.as<int>();
  else if (key == "log_every") t.log_every = v.as<int>();
  else if (key == "keep_checkpoints") t.keep_checkpoints = v.as<int>();
  else if (key == "average_checkpoints") t.average_checkpoints = v.as<int>();
  else if (key == "beam_size") o.decode.beam_size = v.as<int>();
  else if (key == "length_penalty") o.decode.length_penalty = v.as<double>();
  else if (key == "max_length_a") o.decode.max_length_a = v.as<double>();
  else if (key == "max_length_b") o.decode.max_length_b = v.as<int>();
  else if (key == "max_train_length") o.max_train_length = v.as<int>();
  else if (key == "translate_batch") o.translate_batch = v.as<int>();
  else return false;
  return true;
}

double learning_rate_at(const TrainerOptions& o, std::int64_t step_number, double plateau_lr) {
  const double step = static_cast<double>(std::max<std::int64_t>(1, step_number));
  const double warmup = o.warmup_steps;
  if (o.lr_schedule == "noam")  // Vaswani et al. 2017, eq. (3), scaled by learning_rate ("factor")
    return o.learning_rate / std::sqrt(static_cast<double>(o.noam_model_dim)) *
           std::min(1.0 / std::sqrt(step), step * std::pow(warmup, -1.5));
  if (o.lr_schedule == "inverse_sqrt")  // the same shape with its peak set to learning_rate
    return o.learning_rate * std::min(step / warmup, std::sqrt(warmup / step));
  const double base = o.lr_schedule == "plateau" ? plateau_lr : o.learning_rate;
  return warmup > 0 ? base * std::min(1.0, step / warmup) : base;
}

const char* common_keys() {
  return "joint_vocabulary, vocab_size, subword_type, max_epochs, max_steps, max_minutes, batch_tokens, "
         "batch_sentences, learning_rate, lr_schedule, warmup_steps, plateau_factor, plateau_patience, "
         "min_learning_rate, adam_beta1, adam_beta2, adam_eps, clip_norm, label_smoothing, validate_every, "
         "patience, dev_bleu, dev_bleu_sentences, log_every, keep_checkpoints, average_checkpoints, beam_size, length_penalty, max_length_a, "
         "max_length_b, max_train_length, translate_batch";
}

void validate_common(const CommonOptions& o, const std::string& origin) {
  const auto& t = o.trainer;
  if (o.vocabulary.vocab_size < 8) fail<ConfigError>("{}: vocab_size must be >= 8, got {}", origin, o.vocabulary.vocab_size);
  if (o.vocabulary.model_type != "bpe" && o.vocabulary.model_type != "unigram")
    fail<ConfigError>("{}: subword_type must be bpe or unigram, got '{}'", origin, o.vocabulary.model_type);
  if (t.max_epochs < 1) fail<ConfigError>("{}: max_epochs must be >= 1, got {}", origin, t.max_epochs);
  if (t.max_steps < 0 || t.max_minutes < 0) fail<ConfigError>("{}: max_steps and max_minutes must be >= 0", origin);
  if (t.batching.max_tokens < 1 || t.batching.max_sentences < 1)
    fail<ConfigError>("{}: batch_tokens and batch_sentences must be >= 1", origin);
  if (!(t.learning_rate > 0)) fail<ConfigError>("{}: learning_rate must be > 0, got {}", origin, t.learning_rate);
  if (t.lr_schedule != "constant" && t.lr_schedule != "plateau" && t.lr_schedule != "inverse_sqrt" &&
      t.lr_schedule != "noam")
    fail<ConfigError>("{}: lr_schedule must be constant, plateau, inverse_sqrt or noam, got '{}'", origin,
                      t.lr_schedule);
  if ((t.lr_schedule == "inverse_sqrt" || t.lr_schedule == "noam") && t.warmup_steps < 1)
    fail<ConfigError>("{}: lr_schedule {} needs warmup_steps >= 1", origin, t.lr_schedule);
  if (t.lr_schedule == "noam" && t.noam_model_dim < 1)
    fail<ConfigError>("{}: lr_schedule noam is only available to models with a model dimension (transformer)", origin);
  if (t.keep_checkpoints < 0 || t.average_checkpoints < 0)
    fail<ConfigError>("{}: keep_checkpoints and average_checkpoints must be >= 0", origin);
  if (!(t.plateau_factor > 0 && t.plateau_factor <= 1))
    fail<ConfigError>("{}: plateau_factor must be in (0, 1], got {}", origin, t.plateau_factor);
  if (t.warmup_steps < 0 || t.plateau_patience < 0 || t.patience < 0 || t.validate_every < 0 || t.log_every < 1 ||
      t.dev_bleu_sentences < 0)
    fail<ConfigError>("{}: warmup_steps, plateau_patience, patience, validate_every, dev_bleu_sentences must be >= 0 "
                      "and log_every >= 1", origin);
  if (t.clip_norm < 0) fail<ConfigError>("{}: clip_norm must be >= 0, got {}", origin, t.clip_norm);
  if (t.label_smoothing < 0 || t.label_smoothing >= 1)
    fail<ConfigError>("{}: label_smoothing must be in [0, 1), got {}", origin, t.label_smoothing);
  if (o.decode.beam_size < 1) fail<ConfigError>("{}: beam_size must be >= 1, got {}", origin, o.decode.beam_size);
  if (o.decode.max_length_a < 0 || o.decode.max_length_b < 0 || o.max_train_length < 1 || o.translate_batch < 1)
    fail<ConfigError>("{}: max_length_a/b must be >= 0, max_train_length and translate_batch >= 1", origin);
}

void emit_common(YAML::Emitter& out, const CommonOptions& o) {
  const auto& t = o.trainer;
  out << YAML::Key << "joint_vocabulary" << YAML::Value << o.vocabulary.joint;
  out << YAML::Key << "vocab_size" << YAML::Value << o.vocabulary.vocab_size;
  out << YAML::Key << "subword_type" << YAML::Value << o.vocabulary.model_type;
  out << YAML::Key << "max_epochs" << YAML::Value << t.max_epochs;
  out << YAML::Key << "max_steps" << YAML::Value << t.max_steps;
  out << YAML::Key << "max_minutes" << YAML::Value << t.max_minutes;
  out << YAML::Key << "batch_tokens" << YAML::Value << t.batching.max_tokens;
  out << YAML::Key << "batch_sentences" << YAML::Value << t.batching.max_sentences;
  out << YAML::Key << "learning_rate" << YAML::Value << t.learning_rate;
  out << YAML::Key << "lr_schedule" << YAML::Value << t.lr_schedule;
  out << YAML::Key << "warmup_steps" << YAML::Value << t.warmup_steps;
  out << YAML::Key << "plateau_factor" << YAML::Value << t.plateau_factor;
  out << YAML::Key << "plateau_patience" << YAML::Value << t.plateau_patience;
  out << YAML::Key << "min_learning_rate" << YAML::Value << t.min_learning_rate;
  out << YAML::Key << "adam_beta1" << YAML::Value << t.adam_beta1;
  out << YAML::Key << "adam_beta2" << YAML::Value << t.adam_beta2;
  out << YAML::Key << "adam_eps" << YAML::Value << t.adam_eps;
  out << YAML::Key << "clip_norm" << YAML::Value << t.clip_norm;
  out << YAML::Key << "label_smoothing" << YAML::Value << t.label_smoothing;
  out << YAML::Key << "validate_every" << YAML::Value << t.validate_every;
  out << YAML::Key << "patience" << YAML::Value << t.patience;
  out << YAML::Key << "dev_bleu" << YAML::Value << t.dev_bleu;
  out << YAML::Key << "dev_bleu_sentences" << YAML::Value << t.dev_bleu_sentences;
  out << YAML::Key << "log_every" << YAML::Value << t.log_every;
  out << YAML::Key << "keep_checkpoints" << YAML::Value << t.keep_checkpoints;
  out << YAML::Key << "average_checkpoints" << YAML::Value << t.average_checkpoints;
  out << YAML::Key << "beam_size" << YAML::Value << o.decode.beam_size;
  out << YAML::Key << "length_penalty" << YAML::Value << o.decode.length_penalty;
  out << YAML::Key << "max_length_a" << YAML::Value << o.decode.max_length_a;
  out << YAML::Key << "max_length_b" << YAML::Value << o.decode.max_length_b;
  out << YAML::Key << "max_train_length" << YAML::Value << o.max_train_length;
  out << YAML::Key << "translate_batch" << YAML::Value << o.translate_batch;
}

}  // namespace mtbench::neural
