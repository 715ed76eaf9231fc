#include "corpus/subword.h"

#include <algorithm>
#include <map>

#include "base/error.h"
#include "base/text_file.h"
#include "corpus/spm_api.h"

namespace mtbench {
namespace {

std::string join(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

}  // namespace

SubwordModel::SubwordModel() = default;

SubwordModel SubwordModel::train(const std::vector<std::string>& sentences, const SubwordOptions& options) {
  if (options.model_type != "unigram" && options.model_type != "bpe" && options.model_type != "char" &&
      options.model_type != "word") {
    fail<ConfigError>("unknown subword model type '{}' (expected unigram, bpe, char or word)", options.model_type);
  }
  if (options.vocab_size <= 0) fail<ConfigError>("subword vocab_size must be positive, got {}", options.vocab_size);
  if (!(options.character_coverage > 0.0 && options.character_coverage <= 1.0)) {
    fail<ConfigError>("subword character_coverage must be in (0, 1], got {}", options.character_coverage);
  }
  for (const auto& symbol : options.user_defined_symbols) {
    if (symbol.empty() || symbol.find_first_of(", \t\n") != std::string::npos) {
      fail<ConfigError>("user-defined symbol '{}' must be non-empty without spaces or commas", symbol);
    }
  }
  if (std::all_of(sentences.begin(), sentences.end(), [](const std::string& s) { return s.empty(); })) {
    fail<ConfigError>("cannot train a subword model on no (non-empty) sentences");
  }

  std::map<std::string, std::string> args = {
      {"model_type", options.model_type},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"hard_vocab_limit", options.hard_vocab_limit ? "true" : "false"},
      {"character_coverage", fmt::format("{}", options.character_coverage)},
      {"num_threads", std::to_string(std::max(1, options.threads))},
      {"input_sentence_size", std::to_string(options.max_sentences)},
      {"shuffle_input_sentence", "true"},
      {"unk_id", std::to_string(options.unk_id)},
      {"bos_id", std::to_string(options.bos_id)},
      {"eos_id", std::to_string(options.eos_id)},
      {"pad_id", std::to_string(options.pad_id)},
      {"normalization_rule_name", options.normalization},
      {"minloglevel", options.quiet ? "2" : "0"},
  };
  if (!options.user_defined_symbols.empty()) args["user_defined_symbols"] = join(options.user_defined_symbols, ',');

  std::string serialized;
  std::string error;
  if (!spm::api().train(args, sentences, options.seed, &serialized, &error)) {
    fail<ConfigError>("SentencePiece training failed: {}", error);
  }
  return from_bytes(std::move(serialized));
}

SubwordModel SubwordModel::from_bytes(std::string bytes) {
  std::string error;
  std::shared_ptr<const spm::Backend> processor(spm::api().load(bytes, &error));
  if (!processor) fail<DataError>("not a SentencePiece model: {}", error);
  SubwordModel model;
  model.bytes_ = std::move(bytes);
  model.processor_ = std::move(processor);
  return model;
}

SubwordModel SubwordModel::load(const std::filesystem::path& path) {
  try {
    return from_bytes(read_file(path));
  } catch (const DataError& e) {
    fail<DataError>("{}: {}", path.string(), e.what());
  }
}

void SubwordModel::save(const std::filesystem::path& path) const {
  if (empty()) fail("cannot save an untrained subword model to {}", path.string());
  write_file_atomic(path, bytes_);
}

const spm::Backend& SubwordModel::processor() const {
  if (!processor_) fail("subword model used before it was trained or loaded");
  return *processor_;
}

std::vector<std::string> SubwordModel::encode(std::string_view text) const {
  std::vector<std::string> pieces;
  std::string error;
  if (!processor().encode(text, &pieces, &error)) fail<DataError>("subword encoding failed: {}", error);
  return pieces;
}

std::vector<int> SubwordModel::encode_ids(std::string_view text) const {
  std::vector<int> ids;
  std::string error;
  if (!processor().encode_ids(text, &ids, &error)) fail<DataError>("subword encoding failed: {}", error);
  return ids;
}

std::string SubwordModel::decode(const std::vector<std::string>& pieces) const {
  std::string text;
  std::string error;
  if (!processor().decode(pieces, &text, &error)) fail<DataError>("subword decoding failed: {}", error);
  return text;
}

std::string SubwordModel::decode_ids(const std::vector<int>& ids) const {
  const int size = vocab_size();
  for (const int id : ids) {
    if (id < 0 || id >= size) fail<DataError>("subword id {} out of range [0, {})", id, size);
  }
  std::string text;
  std::string error;
  if (!processor().decode_ids(ids, &text, &error)) fail<DataError>("subword decoding failed: {}", error);
  return text;
}

int SubwordModel::vocab_size() const {
  return processor().vocab_size();
}

int SubwordModel::piece_to_id(std::string_view piece) const {
  return processor().piece_to_id(piece);
}

std::string SubwordModel::id_to_piece(int id) const {
  if (id < 0 || id >= vocab_size()) fail("subword id {} out of range [0, {})", id, vocab_size());
  return processor().id_to_piece(id);
}

int SubwordModel::unk_id() const {
  return processor().unk_id();
}
int SubwordModel::bos_id() const {
  return processor().bos_id();
}
int SubwordModel::eos_id() const {
  return processor().eos_id();
}
int SubwordModel::pad_id() const {
  return processor().pad_id();
}

}  // namespace mtbench
