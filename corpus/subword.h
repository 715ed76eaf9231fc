#pragma once
// SentencePiece subword models (Kudo & Richardson 2018) through libsentencepiece (loaded as
// an isolated module, see corpus/spm_api.h): training
// on in-memory sentences (BPE, Sennrich et al. 2016, or the unigram LM, Kudo 2018), encoding
// to pieces or ids, decoding back. The model is kept as its serialized bytes so that it can
// be stored inside a model directory next to the rest of a system.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench {
namespace spm {
class Backend;
}

// Training options (the spm_train flag of each field in parentheses).
struct SubwordOptions {
  std::string model_type = "unigram";  // "unigram", "bpe", "char" or "word" (--model_type)
  int vocab_size = 8000;               // pieces including the special ones (--vocab_size)
  bool hard_vocab_limit = true;        // false: vocab_size is an upper bound for small corpora (--hard_vocab_limit)
  double character_coverage = 1.0;     // share of characters kept as pieces; 0.9995 for CJK (--character_coverage)
  unsigned seed = 1;                   // random seed of sampling and shuffling (SetRandomGeneratorSeed)
  int threads = 1;                     // trainer threads (--num_threads)
  std::size_t max_sentences = 0;       // sample at most this many sentences, 0 = all (--input_sentence_size)
  std::vector<std::string> user_defined_symbols;  // always kept whole, e.g. "<sep>" (--user_defined_symbols)
  int unk_id = 0;                                 // id of <unk> (--unk_id)
  int bos_id = 1;                                 // id of <s>, -1 for none (--bos_id)
  int eos_id = 2;                                 // id of </s>, -1 for none (--eos_id)
  int pad_id = 3;                                 // id of <pad>, -1 for none (--pad_id; spm's default is -1)
  std::string normalization =
      "identity";  // "identity" keeps text as given (we normalize upstream); or "nmt_nfkc" (--normalization_rule_name)
  bool quiet = true;  // silence SentencePiece's training log (--minloglevel)
};

// A trained SentencePiece model. Copies share the underlying processor; all const methods
// are safe to call from several threads.
class SubwordModel {
 public:
  SubwordModel();
  // Trains on `sentences` (empty ones are skipped). Throws ConfigError on bad options or a
  // vocabulary too large for the data (the message says the largest possible size).
  static SubwordModel train(const std::vector<std::string>& sentences, const SubwordOptions& options);
  // Loads serialized model bytes (the .model file content). Throws DataError if malformed.
  static SubwordModel from_bytes(std::string bytes);
  // Reads a .model file; throws Error if missing, DataError if malformed.
  static SubwordModel load(const std::filesystem::path& path);
  // Writes the .model file atomically (readable by spm_encode and the Python package).
  void save(const std::filesystem::path& path) const;

  // The serialized model proto.
  const std::string& bytes() const { return bytes_; }
  bool empty() const { return bytes_.empty(); }

  std::vector<std::string> encode(std::string_view text) const;
  std::vector<int> encode_ids(std::string_view text) const;
  std::string decode(const std::vector<std::string>& pieces) const;
  std::string decode_ids(const std::vector<int>& ids) const;

  int vocab_size() const;
  int piece_to_id(std::string_view piece) const;  // unk_id() for unknown pieces
  std::string id_to_piece(int id) const;          // throws Error when id is out of range
  int unk_id() const;
  int bos_id() const;  // -1 when the model has none
  int eos_id() const;
  int pad_id() const;

 private:
  const spm::Backend& processor() const;

  std::string bytes_;                              // serialized ModelProto
  std::shared_ptr<const spm::Backend> processor_;  // loaded from bytes_ (corpus/spm_api.h)
};

}  // namespace mtbench
