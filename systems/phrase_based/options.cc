#include "systems/phrase_based/options.h"

#include <yaml-cpp/yaml.h>

#include "corpus/error.h"

namespace mtbench::pb {
namespace {

template <typename F>
void for_each_key(const std::string& text, const std::string& origin, F&& f) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) return;
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail<ConfigError>("{}: invalid YAML: {}", origin, e.what());
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) fail<ConfigError>("{}: phrase-based options must be a mapping", origin);
  for (const auto& item : root) {
    const std::string key = item.first.as<std::string>();
    try {
      if (!f(key, item.second))
        fail<ConfigError>(
            "{}: unknown phrase-based option '{}' (known: casing, max_sentence_length, align_model, "
            "align_iterations, symmetrization, lm_order, max_phrase_length, max_targets_per_source, "
            "lexicalized_reordering, stack_size, beam_threshold, distortion_limit, table_limit, tune, "
            "mert_iterations, mert_nbest, mert_restarts, tune_sentences)",
            origin, key);
    } catch (const YAML::Exception& e) {
      fail<ConfigError>("{}: bad value for '{}': {}", origin, key, e.what());
    }
  }
}

}  // namespace

PhraseBasedOptions parse_phrase_based_options(const std::string& yaml, const std::string& preset,
                                              const std::string& origin) {
  PhraseBasedOptions o;
  if (preset == "quick") {
    o.mert_iterations = 2;
    o.mert_restarts = 3;
    o.stack_size = 50;
    o.tune_sentences = 300;
  } else if (!preset.empty() && preset != "full" && preset != "default") {
    fail<ConfigError>("phrase-based: unknown preset '{}' (valid: full, quick)", preset);
  }
  for_each_key(yaml, origin, [&](const std::string& key, const YAML::Node& v) {
    if (key == "casing") o.casing = v.as<std::string>();
    else if (key == "max_sentence_length") o.max_sentence_length = v.as<int>();
    else if (key == "align_model") o.align_model = v.as<std::string>();
    else if (key == "align_iterations") o.align_iterations = v.as<int>();
    else if (key == "symmetrization") o.symmetrization = v.as<std::string>();
    else if (key == "lm_order") o.lm_order = v.as<int>();
    else if (key == "max_phrase_length") o.max_phrase_length = v.as<int>();
    else if (key == "max_targets_per_source") o.max_targets_per_source = v.as<int>();
    else if (key == "lexicalized_reordering") o.lexicalized_reordering = v.as<bool>();
    else if (key == "stack_size") o.stack_size = v.as<int>();
    else if (key == "beam_threshold") o.beam_threshold = v.as<double>();
    else if (key == "distortion_limit") o.distortion_limit = v.as<int>();
    else if (key == "table_limit") o.table_limit = v.as<int>();
    else if (key == "tune") o.tune = v.as<bool>();
    else if (key == "mert_iterations") o.mert_iterations = v.as<int>();
    else if (key == "mert_nbest") o.mert_nbest = v.as<int>();
    else if (key == "mert_restarts") o.mert_restarts = v.as<int>();
    else if (key == "tune_sentences") o.tune_sentences = v.as<int>();
    else return false;
    return true;
  });
  if (o.casing != "truecase" && o.casing != "lowercase")
    fail<ConfigError>("{}: casing must be truecase or lowercase, got '{}'", origin, o.casing);
  if (o.align_model != "fastalign" && o.align_model != "ibm1")
    fail<ConfigError>("{}: align_model must be fastalign or ibm1, got '{}'", origin, o.align_model);
  if (o.lm_order < 2 || o.lm_order > 6) fail<ConfigError>("{}: lm_order must be 2..6, got {}", origin, o.lm_order);
  if (o.max_phrase_length < 1 || o.max_phrase_length > 20)
    fail<ConfigError>("{}: max_phrase_length must be 1..20, got {}", origin, o.max_phrase_length);
  if (o.stack_size < 1) fail<ConfigError>("{}: stack_size must be >= 1, got {}", origin, o.stack_size);
  if (!(o.beam_threshold > 0 && o.beam_threshold <= 1))
    fail<ConfigError>("{}: beam_threshold must be in (0, 1], got {}", origin, o.beam_threshold);
  if (o.align_iterations < 1 || o.mert_iterations < 1 || o.mert_nbest < 1 || o.max_sentence_length < 1)
    fail<ConfigError>("{}: align_iterations, mert_iterations, mert_nbest and max_sentence_length must be >= 1", origin);
  return o;
}

std::string phrase_based_options_yaml(const PhraseBasedOptions& o) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "casing" << YAML::Value << o.casing;
  out << YAML::Key << "max_sentence_length" << YAML::Value << o.max_sentence_length;
  out << YAML::Key << "align_model" << YAML::Value << o.align_model;
  out << YAML::Key << "align_iterations" << YAML::Value << o.align_iterations;
  out << YAML::Key << "symmetrization" << YAML::Value << o.symmetrization;
  out << YAML::Key << "lm_order" << YAML::Value << o.lm_order;
  out << YAML::Key << "max_phrase_length" << YAML::Value << o.max_phrase_length;
  out << YAML::Key << "max_targets_per_source" << YAML::Value << o.max_targets_per_source;
  out << YAML::Key << "lexicalized_reordering" << YAML::Value << o.lexicalized_reordering;
  out << YAML::Key << "stack_size" << YAML::Value << o.stack_size;
  out << YAML::Key << "beam_threshold" << YAML::Value << o.beam_threshold;
  out << YAML::Key << "distortion_limit" << YAML::Value << o.distortion_limit;
  out << YAML::Key << "table_limit" << YAML::Value << o.table_limit;
  out << YAML::Key << "tune" << YAML::Value << o.tune;
  out << YAML::Key << "mert_iterations" << YAML::Value << o.mert_iterations;
  out << YAML::Key << "mert_nbest" << YAML::Value << o.mert_nbest;
  out << YAML::Key << "mert_restarts" << YAML::Value << o.mert_restarts;
  out << YAML::Key << "tune_sentences" << YAML::Value << o.tune_sentences;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace mtbench::pb
