#include "systems/neural/vocabulary.h"

#include "base/error.h"
#include "base/sha256.h"

namespace mtbench::neural {
namespace {

SubwordModel train_model(const std::vector<std::string>& sentences, const VocabularyOptions& options, unsigned seed,
                         int threads) {
  SubwordOptions so;
  so.model_type = options.model_type;
  so.vocab_size = options.vocab_size;
  so.hard_vocab_limit = false;  // small corpora: take what the data supports
  so.seed = seed;
  so.threads = std::max(1, threads);
  so.max_sentences = 0;  // the sample is drawn below, deterministically
  const SpecialIds ids;
  so.unk_id = static_cast<int>(ids.unk);
  so.bos_id = static_cast<int>(ids.bos);
  so.eos_id = static_cast<int>(ids.eos);
  so.pad_id = static_cast<int>(ids.pad);
  return SubwordModel::train(sentences, so);
}

// At most `limit` sentences, evenly spaced over the corpus (every one when it is smaller): the
// subword model needs the word-frequency profile, not every sentence, and SentencePiece's own
// sampler would hold the whole corpus first. Deterministic, so every run and every rank of a
// data-parallel group learns the same pieces.
std::vector<std::string> sample(const std::vector<std::string>& sentences, std::int64_t limit) {
  if (limit <= 0 || sentences.size() <= static_cast<std::size_t>(limit)) return sentences;
  std::vector<std::string> out;
  out.reserve(static_cast<std::size_t>(limit));
  for (std::int64_t i = 0; i < limit; ++i)
    out.push_back(sentences[static_cast<std::size_t>(i) * sentences.size() / static_cast<std::size_t>(limit)]);
  return out;
}

std::vector<std::int64_t> to_ids(const std::vector<int>& ids) {
  return {ids.begin(), ids.end()};
}

}  // namespace

Vocabulary Vocabulary::train(const std::vector<std::string>& source, const std::vector<std::string>& target,
                             const VocabularyOptions& options, unsigned seed, int threads) {
  if (options.vocab_size < 8) fail<ConfigError>("vocab_size must be >= 8, got {}", options.vocab_size);
  Vocabulary v;
  v.joint_ = options.joint;
  if (options.joint) {
    std::vector<std::string> both = sample(source, options.max_sentences);
    const std::vector<std::string> t = sample(target, options.max_sentences);
    both.insert(both.end(), t.begin(), t.end());
    v.source_ = train_model(both, options, seed, threads);
    v.target_ = v.source_;
  } else {
    v.source_ = train_model(sample(source, options.max_sentences), options, seed, threads);
    v.target_ = train_model(sample(target, options.max_sentences), options, seed, threads);
  }
  return v;
}

bool Vocabulary::exists(const std::filesystem::path& dir) {
  return std::filesystem::exists(dir / "subword.model") ||
         (std::filesystem::exists(dir / "subword.src.model") && std::filesystem::exists(dir / "subword.tgt.model"));
}

Vocabulary Vocabulary::load(const std::filesystem::path& dir) {
  Vocabulary v;
  if (std::filesystem::exists(dir / "subword.model")) {
    v.joint_ = true;
    v.source_ = SubwordModel::load(dir / "subword.model");
    v.target_ = v.source_;
  } else if (exists(dir)) {
    v.joint_ = false;
    v.source_ = SubwordModel::load(dir / "subword.src.model");
    v.target_ = SubwordModel::load(dir / "subword.tgt.model");
  } else {
    fail("{}: no subword model (expected subword.model or subword.src.model + subword.tgt.model)", dir.string());
  }
  const SpecialIds ids;
  for (const auto* m : {&v.source_, &v.target_}) {
    if (m->unk_id() != ids.unk || m->bos_id() != ids.bos || m->eos_id() != ids.eos || m->pad_id() != ids.pad)
      fail<DataError>("{}: subword model has special ids unk={} bos={} eos={} pad={}, expected 0 1 2 3", dir.string(),
                      m->unk_id(), m->bos_id(), m->eos_id(), m->pad_id());
  }
  return v;
}

std::string Vocabulary::fingerprint() const {
  Sha256 sha;
  sha.update(joint_ ? "joint" : "separate");
  for (const auto* model : {&source_, &target_}) {
    const std::int64_t size = model->vocab_size();
    sha.update(&size, sizeof size);
    for (int id = 0; id < model->vocab_size(); ++id) {
      const std::string piece = model->id_to_piece(id);
      const std::int64_t length = static_cast<std::int64_t>(piece.size());
      sha.update(&length, sizeof length);
      sha.update(piece);
    }
  }
  return sha.hex_digest();
}

void Vocabulary::save(const std::filesystem::path& dir) const {
  if (joint_) {
    source_.save(dir / "subword.model");
  } else {
    source_.save(dir / "subword.src.model");
    target_.save(dir / "subword.tgt.model");
  }
}

std::vector<std::int64_t> Vocabulary::encode_source(const std::string& text) const {
  return to_ids(source_.encode_ids(text));
}

std::vector<std::int64_t> Vocabulary::encode_target(const std::string& text) const {
  return to_ids(target_.encode_ids(text));
}

std::vector<std::string> Vocabulary::source_pieces(const std::string& text) const {
  return source_.encode(text);
}

std::vector<std::string> Vocabulary::target_pieces(const std::vector<std::int64_t>& ids) const {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (auto id : ids) out.push_back(target_.id_to_piece(static_cast<int>(id)));
  return out;
}

std::string Vocabulary::decode_target(const std::vector<std::int64_t>& ids) const {
  const SpecialIds sp;
  std::vector<int> keep;
  keep.reserve(ids.size());
  for (auto id : ids)
    if (id != sp.bos && id != sp.eos && id != sp.pad) keep.push_back(static_cast<int>(id));
  return target_.decode_ids(keep);
}

}  // namespace mtbench::neural
