#include "systems/neural/example_set.h"

#include <cstring>
#include <limits>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/mapped_file.h"
#include "base/sha256.h"
#include "base/text_file.h"

namespace mtbench::neural {
namespace {

constexpr char kMagic[8] = {'M', 'T', 'B', 'T', 'O', 'K', '2', '\0'};
constexpr std::size_t kKeyBytes = 64;

struct Header {
  char magic[8];
  std::uint64_t pairs;
  std::uint64_t tokens;
  std::uint64_t skipped;
  char key[kKeyBytes];  // NUL-padded
};
static_assert(sizeof(Header) == 96, "token file header layout");

std::uint64_t offsets_position(std::uint64_t tokens) {
  return (sizeof(Header) + tokens * 4 + 7) / 8 * 8;
}

}  // namespace

ExampleSet::ExampleSet() {
  owned_offsets_.push_back(0);
  point_at_owned();
}

ExampleSet::ExampleSet(const std::vector<Example>& examples) : ExampleSet() {
  for (const auto& e : examples) push_back(e.source, e.target);
}

ExampleSet::~ExampleSet() = default;

ExampleSet::ExampleSet(ExampleSet&& other) noexcept {
  *this = std::move(other);
}

ExampleSet& ExampleSet::operator=(ExampleSet&& other) noexcept {
  if (this == &other) return *this;
  owned_offsets_ = std::move(other.owned_offsets_);
  owned_tokens_ = std::move(other.owned_tokens_);
  map_ = std::move(other.map_);
  pairs_ = other.pairs_;
  skipped_ = other.skipped_;
  if (map_) {
    offsets_ = other.offsets_;
    tokens_ = other.tokens_;
  } else {
    point_at_owned();
  }
  other.owned_offsets_.assign(1, 0);
  other.owned_tokens_.clear();
  other.pairs_ = 0;
  other.skipped_ = 0;
  other.point_at_owned();
  return *this;
}

void ExampleSet::point_at_owned() {
  offsets_ = owned_offsets_.data();
  tokens_ = owned_tokens_.data();
}

void ExampleSet::push_back(const std::vector<std::int64_t>& source, const std::vector<std::int64_t>& target) {
  if (map_) fail("internal error: appending to a mapped token file");
  for (const auto* side : {&source, &target}) {
    for (std::int64_t id : *side) {
      if (id < 0 || id > std::numeric_limits<std::int32_t>::max())
        fail<DataError>("subword id {} does not fit a token file (0..2^31-1)", id);
      owned_tokens_.push_back(static_cast<std::int32_t>(id));
    }
    owned_offsets_.push_back(owned_tokens_.size());
  }
  ++pairs_;
  point_at_owned();
}

void ExampleSet::append(const ExampleSet& other) {
  if (map_) fail("internal error: appending to a mapped token file");
  const std::uint64_t base = owned_tokens_.size();
  owned_tokens_.insert(owned_tokens_.end(), other.tokens_, other.tokens_ + other.tokens());
  for (std::size_t k = 1; k <= 2 * other.pairs_; ++k) owned_offsets_.push_back(base + other.offsets_[k]);
  pairs_ += other.pairs_;
  point_at_owned();
}

std::string ExampleSet::hash() const {
  Sha256 sha;
  for (std::size_t i = 0; i < pairs_; ++i) {
    for (const TokenSpan s : {source(i), target(i)}) {
      const auto length = static_cast<std::int64_t>(s.size());
      sha.update(&length, sizeof length);
      sha.update(s.data, s.size() * sizeof(std::int32_t));
    }
  }
  return sha.hex_digest();
}

void ExampleSet::write(const std::filesystem::path& path, const std::string& key) const {
  TokenFileWriter writer(path);
  writer.add(*this);
  writer.commit(key, skipped_);
}

struct TokenFileWriter::Impl {
  explicit Impl(const std::filesystem::path& p) : file(p) {}
  AtomicOutputFile file;
  std::vector<std::uint64_t> offsets{0};
};

TokenFileWriter::TokenFileWriter(const std::filesystem::path& path) : impl_(std::make_unique<Impl>(path)) {
  const Header placeholder{};
  impl_->file.stream().write(reinterpret_cast<const char*>(&placeholder), sizeof placeholder);
}

TokenFileWriter::~TokenFileWriter() = default;

void TokenFileWriter::add(const ExampleSet& pairs) {
  const std::uint64_t base = impl_->offsets.back();
  impl_->file.stream().write(reinterpret_cast<const char*>(pairs.tokens_),
                             static_cast<std::streamsize>(pairs.tokens() * 4));
  for (std::size_t k = 1; k <= 2 * pairs.size(); ++k) impl_->offsets.push_back(base + pairs.offsets_[k]);
}

void TokenFileWriter::commit(const std::string& key, std::uint64_t skipped) {
  if (key.size() > kKeyBytes) fail("internal error: token file key longer than {} bytes", kKeyBytes);
  const std::uint64_t tokens = impl_->offsets.back();
  auto& out = impl_->file.stream();
  const std::uint64_t padding = offsets_position(tokens) - (sizeof(Header) + tokens * 4);
  const char zeros[8] = {};
  out.write(zeros, static_cast<std::streamsize>(padding));
  out.write(reinterpret_cast<const char*>(impl_->offsets.data()),
            static_cast<std::streamsize>(impl_->offsets.size() * 8));
  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.pairs = (impl_->offsets.size() - 1) / 2;
  header.tokens = tokens;
  header.skipped = skipped;
  std::memcpy(header.key, key.data(), key.size());
  out.seekp(0);
  out.write(reinterpret_cast<const char*>(&header), sizeof header);
  impl_->file.commit();
}

std::optional<ExampleSet> ExampleSet::open(const std::filesystem::path& path, const std::string& key,
                                           std::int64_t id_limit) {
  if (!is_file(path)) return std::nullopt;
  auto map = std::make_unique<MappedFile>(path);
  const std::string name = path.string();
  if (map->size() < sizeof(Header)) fail<DataError>("{}: not a token file (only {} bytes)", name, map->size());
  Header header;
  std::memcpy(&header, map->data(), sizeof header);
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0) fail<DataError>("{}: not a token file (bad magic)", name);
  const std::string stored(header.key, strnlen(header.key, kKeyBytes));
  if (stored != key) return std::nullopt;  // another vocabulary or corpus: stale
  const std::uint64_t limit = map->size();
  if (header.pairs > limit / 16 || header.tokens > limit / 4)
    fail<DataError>("{}: damaged token file ({} pairs, {} tokens in {} bytes)", name, header.pairs, header.tokens,
                    limit);
  const std::uint64_t expected = offsets_position(header.tokens) + (2 * header.pairs + 1) * 8;
  if (expected != limit)
    fail<DataError>("{}: damaged token file ({} bytes, {} expected for {} pairs and {} tokens)", name, limit, expected,
                    header.pairs, header.tokens);
  ExampleSet set;
  set.tokens_ = reinterpret_cast<const std::int32_t*>(map->data() + sizeof(Header));
  set.offsets_ = reinterpret_cast<const std::uint64_t*>(map->data() + offsets_position(header.tokens));
  set.pairs_ = header.pairs;
  set.skipped_ = header.skipped;
  // Checked once, in one sequential pass, so that training never reads outside the file or
  // feeds the embedding an impossible id; the pages are let go afterwards.
  if (set.offsets_[0] != 0 || set.offsets_[2 * header.pairs] != header.tokens)
    fail<DataError>("{}: damaged token file (offsets do not span the tokens)", name);
  for (std::uint64_t k = 0; k < 2 * header.pairs; ++k)
    if (set.offsets_[k + 1] < set.offsets_[k])
      fail<DataError>("{}: damaged token file (offset {} goes backwards)", name, k + 1);
  for (std::uint64_t t = 0; t < header.tokens; ++t)
    if (set.tokens_[t] < 0 || set.tokens_[t] >= id_limit)
      fail<DataError>("{}: damaged token file (token {} is id {}, outside 0..{})", name, t, set.tokens_[t],
                      id_limit - 1);
  map->drop_pages_before(map->size());
  set.owned_offsets_.clear();
  set.map_ = std::move(map);
  return set;
}

void ExampleSet::release_pages() const {
  if (map_) map_->drop_pages_before(map_->size());
}

}  // namespace mtbench::neural
