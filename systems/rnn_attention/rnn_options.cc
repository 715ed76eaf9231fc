#include "systems/rnn_attention/rnn_options.h"

#include <yaml-cpp/yaml.h>

#include "corpus/error.h"

namespace mtbench::rnn {

RnnOptions parse_rnn_options(const std::string& yaml, const std::string& preset, const std::string& origin) {
  RnnOptions o;
  auto& t = o.common.trainer;
  // "full": sized for about an hour on 2 CPU cores (29k Multi30k pairs).
  o.common.vocabulary.vocab_size = 8000;
  o.model.embedding_dim = 256;
  o.model.encoder_dim = 256;
  o.model.decoder_dim = 512;
  o.model.attention_dim = 256;
  o.model.output_dim = 256;
  o.model.dropout = 0.3;
  t.max_epochs = 20;
  t.max_minutes = 55;
  t.batching.max_tokens = 3000;
  t.learning_rate = 1e-3;
  t.lr_schedule = "plateau";
  t.plateau_patience = 0;
  t.patience = 3;
  t.dev_bleu_sentences = 500;
  if (preset == "quick") {
    o.common.vocabulary.vocab_size = 4000;
    o.model.embedding_dim = 128;
    o.model.encoder_dim = 128;
    o.model.decoder_dim = 256;
    o.model.attention_dim = 128;
    o.model.output_dim = 128;
    o.model.dropout = 0.2;
    t.max_epochs = 3;
    t.max_minutes = 6;
    t.batching.max_tokens = 2500;
    t.learning_rate = 2e-3;
    t.dev_bleu_sentences = 300;
    o.common.decode.beam_size = 5;
  } else if (!preset.empty() && preset != "full" && preset != "default") {
    fail<ConfigError>("rnn-attention: unknown preset '{}' (valid: full, quick)", preset);
  }
  if (yaml.find_first_not_of(" \t\r\n") != std::string::npos) {
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      fail<ConfigError>("{}: invalid YAML: {}", origin, e.what());
    }
    if (!root.IsNull() && !root.IsMap()) fail<ConfigError>("{}: rnn-attention options must be a mapping", origin);
    for (const auto& item : root) {
      const auto key = item.first.as<std::string>();
      const YAML::Node& v = item.second;
      try {
        if (key == "embedding_dim") o.model.embedding_dim = v.as<int>();
        else if (key == "encoder_dim") o.model.encoder_dim = v.as<int>();
        else if (key == "decoder_dim") o.model.decoder_dim = v.as<int>();
        else if (key == "attention_dim") o.model.attention_dim = v.as<int>();
        else if (key == "output_dim") o.model.output_dim = v.as<int>();
        else if (key == "deep_output") o.model.deep_output = v.as<bool>();
        else if (key == "attention") o.model.attention = v.as<std::string>();
        else if (key == "dropout") o.model.dropout = v.as<double>();
        else if (!neural::parse_common_key(o.common, key, v))
          fail<ConfigError>("{}: unknown rnn-attention option '{}' (known: embedding_dim, encoder_dim, decoder_dim, "
                            "attention_dim, output_dim, deep_output, attention, dropout, {})",
                            origin, key, neural::common_keys());
      } catch (const YAML::Exception& e) {
        fail<ConfigError>("{}: bad value for '{}': {}", origin, key, e.what());
      }
    }
  }
  const auto& m = o.model;
  if (m.embedding_dim < 1 || m.encoder_dim < 1 || m.decoder_dim < 1 || m.attention_dim < 1 || m.output_dim < 1)
    fail<ConfigError>("{}: embedding_dim, encoder_dim, decoder_dim, attention_dim, output_dim must be >= 1", origin);
  if (m.attention != "bahdanau" && m.attention != "general" && m.attention != "dot")
    fail<ConfigError>("{}: attention must be bahdanau, general or dot, got '{}'", origin, m.attention);
  if (m.attention == "dot" && m.decoder_dim != 2 * m.encoder_dim)
    fail<ConfigError>("{}: dot attention needs decoder_dim = 2 x encoder_dim, got {} and {}", origin, m.decoder_dim,
                      m.encoder_dim);
  if (m.dropout < 0 || m.dropout >= 1) fail<ConfigError>("{}: dropout must be in [0, 1), got {}", origin, m.dropout);
  neural::validate_common(o.common, origin);
  return o;
}

std::string rnn_options_yaml(const RnnOptions& o) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "embedding_dim" << YAML::Value << o.model.embedding_dim;
  out << YAML::Key << "encoder_dim" << YAML::Value << o.model.encoder_dim;
  out << YAML::Key << "decoder_dim" << YAML::Value << o.model.decoder_dim;
  out << YAML::Key << "attention_dim" << YAML::Value << o.model.attention_dim;
  out << YAML::Key << "output_dim" << YAML::Value << o.model.output_dim;
  out << YAML::Key << "deep_output" << YAML::Value << o.model.deep_output;
  out << YAML::Key << "attention" << YAML::Value << o.model.attention;
  out << YAML::Key << "dropout" << YAML::Value << o.model.dropout;
  neural::emit_common(out, o.common);
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mtbench::rnn
