// The only translation unit linked against libsentencepiece (see corpus/spm_api.h for why).
// Built as a loadable module; exports one symbol, mtbench_spm_api().

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <mutex>

#include "corpus/spm_api.h"

namespace mtbench::spm {
namespace {

absl::string_view view(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

bool check(const sentencepiece::util::Status& status, std::string* error) {
  if (status.ok()) return true;
  if (error) *error = status.ToString();
  return false;
}

class ProcessorBackend : public Backend {
 public:
  bool init(const std::string& bytes, std::string* error) {
    return check(processor_.LoadFromSerializedProto(view(bytes)), error);
  }
  bool encode(std::string_view text, std::vector<std::string>* pieces, std::string* error) const override {
    return check(processor_.Encode(view(text), pieces), error);
  }
  bool encode_ids(std::string_view text, std::vector<int>* ids, std::string* error) const override {
    return check(processor_.Encode(view(text), ids), error);
  }
  bool decode(const std::vector<std::string>& pieces, std::string* text, std::string* error) const override {
    return check(processor_.Decode(pieces, text), error);
  }
  bool decode_ids(const std::vector<int>& ids, std::string* text, std::string* error) const override {
    return check(processor_.Decode(ids, text), error);
  }
  int vocab_size() const override { return processor_.GetPieceSize(); }
  int piece_to_id(std::string_view piece) const override { return processor_.PieceToId(view(piece)); }
  std::string id_to_piece(int id) const override { return processor_.IdToPiece(id); }
  int unk_id() const override { return processor_.unk_id(); }
  int bos_id() const override { return processor_.bos_id(); }
  int eos_id() const override { return processor_.eos_id(); }
  int pad_id() const override { return processor_.pad_id(); }

 private:
  sentencepiece::SentencePieceProcessor processor_;
};

// Feeds sentences to the trainer without a temporary file (empty ones are skipped).
class VectorIterator : public sentencepiece::SentenceIterator {
 public:
  explicit VectorIterator(const std::vector<std::string>& sentences) : sentences_(sentences) { skip_empty(); }
  bool done() const override { return index_ >= sentences_.size(); }
  void Next() override {
    ++index_;
    skip_empty();
  }
  const std::string& value() const override { return sentences_[index_]; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  void skip_empty() {
    while (index_ < sentences_.size() && sentences_[index_].empty()) ++index_;
  }
  const std::vector<std::string>& sentences_;  // not owned
  std::size_t index_ = 0;                      // current sentence
};

Backend* load(const std::string& bytes, std::string* error) {
  auto backend = std::make_unique<ProcessorBackend>();
  if (!backend->init(bytes, error)) return nullptr;
  return backend.release();
}

bool train(const std::map<std::string, std::string>& args, const std::vector<std::string>& sentences, unsigned seed,
           std::string* model_bytes, std::string* error) {
  // The seed and log level are process-wide settings of libsentencepiece.
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  sentencepiece::SetRandomGeneratorSeed(seed);
  std::unordered_map<std::string, std::string> kwargs(args.begin(), args.end());
  VectorIterator iterator(sentences);
  return check(sentencepiece::SentencePieceTrainer::Train(kwargs, &iterator, model_bytes), error);
}

const Api kApi = {kApiVersion, &load, &train};

}  // namespace
}  // namespace mtbench::spm

extern "C" __attribute__((visibility("default"))) const mtbench::spm::Api* mtbench_spm_api() {
  return &mtbench::spm::kApi;
}
