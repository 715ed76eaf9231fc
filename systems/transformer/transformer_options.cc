#include "systems/transformer/transformer_options.h"

#include <yaml-cpp/yaml.h>

#include "corpus/error.h"

namespace mtbench::transformer {
namespace {

void apply_preset(TransformerOptions& o, const std::string& preset) {
  auto& m = o.model;
  auto& t = o.common.trainer;
  // Shared by every preset: the paper's optimizer and regularisation (sec. 5.3, 5.4).
  t.lr_schedule = "noam";
  t.adam_beta1 = 0.9;
  t.adam_beta2 = 0.98;
  t.adam_eps = 1e-9;
  t.label_smoothing = 0.1;
  t.clip_norm = 0;
  t.plateau_patience = 0;
  o.common.vocabulary.joint = true;
  o.common.vocabulary.vocab_size = 8000;
  o.common.decode.beam_size = 5;
  o.common.decode.length_penalty = 1.0;
  if (preset.empty() || preset == "full" || preset == "default") {
    // ~1 hour on 2 CPU cores over Multi30k's 29k pairs (~25 epochs, ~4500 updates at ~3k target tokens/s): a
    // small model, moderate dropout for small data, the last checkpoints averaged.
    m.dim = 256;
    m.heads = 4;
    m.ffn_dim = 1024;
    m.encoder_layers = 3;
    m.decoder_layers = 3;
    m.dropout = 0.2;
    m.attention_dropout = 0.1;
    m.relu_dropout = 0.1;
    t.batching.max_tokens = 2500;
    t.warmup_steps = 800;
    t.learning_rate = 0.45;  // peak 0.45 * 256^-0.5 * 800^-0.5 = 9.9e-4
    t.max_epochs = 100;
    t.max_minutes = 55;
    t.validate_every = 300;
    t.patience = 8;
    t.dev_bleu_sentences = 500;
    t.average_checkpoints = 5;
  } else if (preset == "quick") {
    // A few minutes on 2 CPU cores: two layers per stack and small batches (more updates).
    m.dim = 256;
    m.heads = 4;
    m.ffn_dim = 1024;
    m.encoder_layers = 2;
    m.decoder_layers = 2;
    m.dropout = 0.1;
    t.batching.max_tokens = 2000;
    t.warmup_steps = 300;
    t.learning_rate = 0.35;  // peak 0.35 * 256^-0.5 * 300^-0.5 = 1.26e-3
    t.max_epochs = 10;
    t.max_minutes = 5;
    t.validate_every = 250;
    t.patience = 0;
    t.dev_bleu_sentences = 300;
    t.average_checkpoints = 3;
  } else if (preset == "base") {
    // The paper's base model (sec. 6.1, table 3): for a GPU.
    m.dim = 512;
    m.heads = 8;
    m.ffn_dim = 2048;
    m.encoder_layers = 6;
    m.decoder_layers = 6;
    m.dropout = 0.3;
    m.attention_dropout = 0.1;
    m.relu_dropout = 0.1;
    t.batching.max_tokens = 8000;
    t.warmup_steps = 4000;
    t.learning_rate = 2.0;  // as in the Annotated Transformer
    t.max_epochs = 100;
    t.max_minutes = 60;
    t.validate_every = 500;
    t.patience = 8;
    t.dev_bleu_sentences = 0;
    t.average_checkpoints = 5;
    o.common.vocabulary.vocab_size = 10000;
  } else {
    fail<ConfigError>("transformer: unknown preset '{}' (valid: full, quick, base)", preset);
  }
}

}  // namespace

TransformerOptions parse_transformer_options(const std::string& yaml, const std::string& preset,
                                             const std::string& origin) {
  TransformerOptions o;
  apply_preset(o, preset);
  auto& m = o.model;
  if (yaml.find_first_not_of(" \t\r\n") != std::string::npos) {
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      fail<ConfigError>("{}: invalid YAML: {}", origin, e.what());
    }
    if (!root.IsNull() && !root.IsMap()) fail<ConfigError>("{}: transformer options must be a mapping", origin);
    for (const auto& item : root) {
      const auto key = item.first.as<std::string>();
      const YAML::Node& v = item.second;
      try {
        if (key == "dim") m.dim = v.as<int>();
        else if (key == "heads") m.heads = v.as<int>();
        else if (key == "ffn_dim") m.ffn_dim = v.as<int>();
        else if (key == "encoder_layers") m.encoder_layers = v.as<int>();
        else if (key == "decoder_layers") m.decoder_layers = v.as<int>();
        else if (key == "dropout") m.dropout = v.as<double>();
        else if (key == "attention_dropout") m.attention_dropout = v.as<double>();
        else if (key == "relu_dropout") m.relu_dropout = v.as<double>();
        else if (key == "norm") m.norm = v.as<std::string>();
        else if (key == "positional") m.positional = v.as<std::string>();
        else if (key == "max_positions") m.max_positions = v.as<int>();
        else if (key == "share_embeddings") m.share_embeddings = v.as<bool>();
        else if (key == "tie_output") m.tie_output = v.as<bool>();
        else if (key == "explain_max_values") o.explain_max_values = v.as<int>();
        else if (!neural::parse_common_key(o.common, key, v))
          fail<ConfigError>("{}: unknown transformer option '{}' (known: dim, heads, ffn_dim, encoder_layers, "
                            "decoder_layers, dropout, attention_dropout, relu_dropout, norm, positional, "
                            "max_positions, share_embeddings, tie_output, explain_max_values, {})",
                            origin, key, neural::common_keys());
      } catch (const YAML::Exception& e) {
        fail<ConfigError>("{}: bad value for '{}': {}", origin, key, e.what());
      }
    }
  }
  if (m.dim < 1 || m.heads < 1 || m.ffn_dim < 1 || m.encoder_layers < 1 || m.decoder_layers < 1 || m.max_positions < 1)
    fail<ConfigError>("{}: dim, heads, ffn_dim, encoder_layers, decoder_layers, max_positions must be >= 1", origin);
  if (m.dim % m.heads != 0)
    fail<ConfigError>("{}: dim ({}) must be divisible by heads ({})", origin, m.dim, m.heads);
  if (m.dim % 2 != 0) fail<ConfigError>("{}: dim must be even (sinusoidal encodings pair sin and cos), got {}", origin, m.dim);
  for (double p : {m.dropout, m.attention_dropout, m.relu_dropout})
    if (p < 0 || p >= 1) fail<ConfigError>("{}: dropout rates must be in [0, 1), got {}", origin, p);
  if (m.norm != "post" && m.norm != "pre") fail<ConfigError>("{}: norm must be post or pre, got '{}'", origin, m.norm);
  if (m.positional != "sinusoidal" && m.positional != "learned")
    fail<ConfigError>("{}: positional must be sinusoidal or learned, got '{}'", origin, m.positional);
  if (m.share_embeddings && !o.common.vocabulary.joint)
    fail<ConfigError>("{}: share_embeddings needs joint_vocabulary: true", origin);
  if (o.explain_max_values < 1) fail<ConfigError>("{}: explain_max_values must be >= 1", origin);
  o.common.trainer.noam_model_dim = m.dim;
  neural::validate_common(o.common, origin);
  return o;
}

std::string transformer_options_yaml(const TransformerOptions& o) {
  const auto& m = o.model;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "dim" << YAML::Value << m.dim;
  out << YAML::Key << "heads" << YAML::Value << m.heads;
  out << YAML::Key << "ffn_dim" << YAML::Value << m.ffn_dim;
  out << YAML::Key << "encoder_layers" << YAML::Value << m.encoder_layers;
  out << YAML::Key << "decoder_layers" << YAML::Value << m.decoder_layers;
  out << YAML::Key << "dropout" << YAML::Value << m.dropout;
  out << YAML::Key << "attention_dropout" << YAML::Value << m.attention_dropout;
  out << YAML::Key << "relu_dropout" << YAML::Value << m.relu_dropout;
  out << YAML::Key << "norm" << YAML::Value << m.norm;
  out << YAML::Key << "positional" << YAML::Value << m.positional;
  out << YAML::Key << "max_positions" << YAML::Value << m.max_positions;
  out << YAML::Key << "share_embeddings" << YAML::Value << m.share_embeddings;
  out << YAML::Key << "tie_output" << YAML::Value << m.tie_output;
  out << YAML::Key << "explain_max_values" << YAML::Value << o.explain_max_values;
  neural::emit_common(out, o.common);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mtbench::transformer
