// PhraseTable::build: phrase-pair extraction and scoring with external sorting, so memory is
// bounded by PhraseTableOptions::sort_memory rather than by the corpus (Moses' extract |
// sort | score, Koehn 2010 §5.2.4 "the phrase table is too big to fit in memory").
//
//  1. Extraction walks the corpus once. Each phrase-pair occurrence updates its statistics
//     (count, maximum lexical weights, orientation counts, links of the first occurrence) in
//     an in-memory chunk; the target phrase's marginal count c(e) goes to a hash table.
//  2. When the chunk reaches the budget it is sorted by (source, target) and written to disk
//     as a run; chunks follow corpus order, so run k holds only later occurrences than run k-1.
//  3. A k-way merge of the runs yields every pair once, grouped by source phrase, in key
//     order: each group is scored (p(e|f) needs only the group; p(f|e) the marginal table),
//     pruned to the best targets and appended to the table file.
// The result is exactly what scoring the whole corpus in memory gives: sums and maxima do not
// depend on the order of addition (counts are integers in doubles), ties in the merge go to
// the earlier run, so "the links of the first occurrence" is the same occurrence.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/phrase_based/phrase_extract.h"
#include "systems/phrase_based/phrase_table.h"
#include "systems/phrase_based/phrase_table_file.h"
#include "systems/phrase_based/reordering.h"

namespace mtbench::phrase_based {
namespace {

inline std::uint64_t pack(std::uint32_t a, std::uint32_t b) {
  return (static_cast<std::uint64_t>(a) << 32) | b;
}

// Word translation tables w(e|f) and w(f|e) from the alignments (Koehn et al. 2003 §3.3),
// with unaligned words counted against NULL (id = vocabulary size).
struct LexicalTable {
  std::unordered_map<std::uint64_t, double> joint;  // (f, e) -> count
  std::vector<double> f_total, e_total;             // marginals incl. NULL
  WordId f_null, e_null;                            // NULL ids
  double e_given_f(WordId f, WordId e) const {
    auto it = joint.find(pack(f, e));
    return it == joint.end() ? 0.0 : it->second / f_total[f];
  }
  double f_given_e(WordId f, WordId e) const {
    auto it = joint.find(pack(f, e));
    return it == joint.end() ? 0.0 : it->second / e_total[e];
  }
};

LexicalTable lexical_table(const std::vector<std::vector<WordId>>& source,
                           const std::vector<std::vector<WordId>>& target, const std::vector<Alignment>& alignments,
                           std::size_t vs, std::size_t vt) {
  LexicalTable lex;
  lex.f_null = static_cast<WordId>(vs);
  lex.e_null = static_cast<WordId>(vt);
  lex.f_total.assign(vs + 1, 0.0);
  lex.e_total.assign(vt + 1, 0.0);
  auto add = [&](WordId f, WordId e) {
    lex.joint[pack(f, e)] += 1;
    lex.f_total[f] += 1;
    lex.e_total[e] += 1;
  };
  for (std::size_t k = 0; k < source.size(); ++k) {
    std::vector<char> fa(source[k].size(), 0), ea(target[k].size(), 0);
    for (auto [s, t] : alignments[k]) {
      add(source[k][s], target[k][t]);
      fa[s] = ea[t] = 1;
    }
    for (std::size_t s = 0; s < fa.size(); ++s)
      if (!fa[s]) add(source[k][s], lex.e_null);
    for (std::size_t t = 0; t < ea.size(); ++t)
      if (!ea[t]) add(lex.f_null, target[k][t]);
  }
  return lex;
}

std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a, then a 64-bit finalizer (MurmurHash3's fmix64)
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}

// c(e) per target phrase in an open-addressing table keyed by a 64-bit hash of the phrase
// (16 bytes per phrase instead of the phrase itself). Deliberate approximation: two target
// phrases with the same hash would share a count; among n phrases that happens with
// probability about n^2 / 2^65 (2e-5 for 25 million).
class TargetCounts {
 public:
  TargetCounts() : keys_(1 << 16, 0), counts_(1 << 16, 0.0) {}
  void add(std::string_view phrase, double count) { counts_[slot(hash_bytes(phrase), true)] += count; }
  double get(std::string_view phrase) const {
    const std::size_t s = const_cast<TargetCounts*>(this)->slot(hash_bytes(phrase), false);
    return keys_[s] == 0 ? 0.0 : counts_[s];
  }
  std::size_t size() const { return size_; }

 private:
  std::size_t slot(std::uint64_t h, bool insert) {
    std::size_t mask = keys_.size() - 1, s = h & mask;
    while (keys_[s] != 0 && keys_[s] != h) s = (s + 1) & mask;
    if (keys_[s] == 0 && insert) {
      if ((size_ + 1) * 10 > keys_.size() * 7) {
        grow();
        return slot(h, true);
      }
      keys_[s] = h;
      ++size_;
    }
    return s;
  }
  void grow() {
    std::vector<std::uint64_t> keys(keys_.size() * 2, 0);
    std::vector<double> counts(keys.size(), 0.0);
    const std::size_t mask = keys.size() - 1;
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] == 0) continue;
      std::size_t s = keys_[i] & mask;
      while (keys[s] != 0) s = (s + 1) & mask;
      keys[s] = keys_[i];
      counts[s] = counts_[i];
    }
    keys_.swap(keys);
    counts_.swap(counts);
  }
  std::vector<std::uint64_t> keys_;  // hash per slot, 0 = empty
  std::vector<double> counts_;       // c(e) per slot
  std::size_t size_ = 0;             // occupied slots
};

// Statistics of one phrase pair over the corpus (or over a chunk of it).
struct PairStats {
  double count = 0;                 // occurrences
  double lex_f_given_e = 0;         // max lexical weighting lex(f|e) over occurrences
  double lex_e_given_f = 0;         // max lexical weighting lex(e|f) over occurrences
  OrientationCounts orientation{};  // msd counts, previous then next
  Alignment alignment;              // links of the first occurrence, phrase-relative
};

// `later` holds occurrences after those of `into`: its links are not the first occurrence's.
void merge_stats(PairStats& into, const PairStats& later) {
  into.count += later.count;
  into.lex_f_given_e = std::max(into.lex_f_given_e, later.lex_f_given_e);
  into.lex_e_given_f = std::max(into.lex_e_given_f, later.lex_e_given_f);
  for (int k = 0; k < 6; ++k) into.orientation[k] += later.orientation[k];
}

// A chunk's pair key: u8 source length, the source ids, the target ids (as bytes).
std::string_view key_source(std::string_view key) {
  return key.substr(1, static_cast<unsigned char>(key[0]) * sizeof(WordId));
}
std::string_view key_target(std::string_view key) {
  return key.substr(1 + static_cast<unsigned char>(key[0]) * sizeof(WordId));
}

// One merged record of a run.
struct Record {
  std::string source, target;  // ids as bytes
  PairStats stats;
};

bool record_less(std::string_view as, std::string_view at, std::string_view bs, std::string_view bt) {
  const int c = as.compare(bs);
  return c != 0 ? c < 0 : at.compare(bt) < 0;
}

template <typename T>
void put(std::ostream& out, T v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof(T));
}

// Run record: u8 source words, u8 target words, the ids, f64 count, f64 lex(f|e),
// f64 lex(e|f), 6 x f32 orientation counts, u8 links, links x (u8, u8).
void write_record(std::ostream& out, std::string_view source, std::string_view target, const PairStats& st) {
  put<std::uint8_t>(out, static_cast<std::uint8_t>(source.size() / sizeof(WordId)));
  put<std::uint8_t>(out, static_cast<std::uint8_t>(target.size() / sizeof(WordId)));
  out.write(source.data(), static_cast<std::streamsize>(source.size()));
  out.write(target.data(), static_cast<std::streamsize>(target.size()));
  put<double>(out, st.count);
  put<double>(out, st.lex_f_given_e);
  put<double>(out, st.lex_e_given_f);
  for (float o : st.orientation) put<float>(out, o);
  put<std::uint8_t>(out, static_cast<std::uint8_t>(st.alignment.size()));
  for (auto [s, t] : st.alignment) {
    put<std::uint8_t>(out, static_cast<std::uint8_t>(s));
    put<std::uint8_t>(out, static_cast<std::uint8_t>(t));
  }
}

class RunReader {
 public:
  explicit RunReader(const std::filesystem::path& path) : path_(path), buffer_(1 << 20) {
    in_.rdbuf()->pubsetbuf(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    in_.open(path, std::ios::binary);
    if (!in_) fail<Error>("cannot read the sorted run {}", path.string());
  }
  // The next record into *r; false at the end of the run.
  bool next(Record* r) {
    std::uint8_t lengths[2];
    if (!in_.read(reinterpret_cast<char*>(lengths), 2)) {
      if (in_.gcount() == 0) return false;
      truncated();
    }
    r->source.resize(lengths[0] * sizeof(WordId));
    r->target.resize(lengths[1] * sizeof(WordId));
    read(r->source.data(), r->source.size());
    read(r->target.data(), r->target.size());
    read(&r->stats.count, sizeof(double));
    read(&r->stats.lex_f_given_e, sizeof(double));
    read(&r->stats.lex_e_given_f, sizeof(double));
    read(r->stats.orientation.data(), sizeof(float) * 6);
    std::uint8_t links = 0;
    read(&links, 1);
    r->stats.alignment.resize(links);
    for (auto& [s, t] : r->stats.alignment) {
      std::uint8_t st[2];
      read(st, 2);
      s = st[0];
      t = st[1];
    }
    return true;
  }

 private:
  void read(void* to, std::size_t n) {
    if (n && !in_.read(static_cast<char*>(to), static_cast<std::streamsize>(n))) truncated();
  }
  [[noreturn]] void truncated() {
    fail<Error>("{}: sorted run cut short (disk full or the file was changed while merging)", path_.string());
  }
  std::filesystem::path path_;
  std::vector<char> buffer_;  // the stream's buffer (before open)
  std::ifstream in_;
};

// Run files in the temporary directory, removed when the build ends (or fails).
struct RunFiles {
  std::vector<std::filesystem::path> paths;
  ~RunFiles() {
    std::error_code ignored;
    for (const auto& p : paths) std::filesystem::remove(p, ignored);
  }
};

}  // namespace

PhraseTable PhraseTable::build(const std::vector<std::vector<WordId>>& source,
                               const std::vector<std::vector<WordId>>& target, const std::vector<Alignment>& alignments,
                               const Vocab& source_vocab, const Vocab& target_vocab, const PhraseTableOptions& options,
                               const std::filesystem::path& path, Progress* progress, PhraseTableBuildStats* stats) {
  if (source.size() != target.size() || source.size() != alignments.size())
    fail<DataError>("phrase table: {} source, {} target sentences and {} alignments", source.size(), target.size(),
                    alignments.size());
  if (options.max_phrase_length < 1 || options.max_phrase_length > 255)
    fail<ConfigError>("phrase table: max_phrase_length {} is outside 1..255", options.max_phrase_length);
  PhraseTableBuildStats local_stats;
  PhraseTableBuildStats& st = stats ? *stats : local_stats;
  st = {};
  const LexicalTable lex = lexical_table(source, target, alignments, source_vocab.size(), target_vocab.size());
  const std::filesystem::path temp_dir =
      !options.temp_dir.empty() ? options.temp_dir : (path.has_parent_path() ? path.parent_path() : ".");
  std::filesystem::create_directories(temp_dir);

  // 1-2. Extraction into chunks, spilled as sorted runs.
  RunFiles runs;
  TargetCounts target_counts;
  std::unordered_map<std::string, PairStats> chunk;
  std::uint64_t chunk_bytes = 0;
  auto spill = [&]() {
    if (chunk.empty()) return;
    std::vector<std::pair<const std::string*, const PairStats*>> sorted;
    sorted.reserve(chunk.size());
    for (const auto& [k, v] : chunk) sorted.emplace_back(&k, &v);
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return record_less(key_source(*a.first), key_target(*a.first), key_source(*b.first), key_target(*b.first));
    });
    const auto run_path = temp_dir / fmt::format(".phrase-pairs.{}.{}.run", getpid(), runs.paths.size());
    runs.paths.push_back(run_path);
    std::vector<char> buffer(1 << 20);
    std::ofstream out;
    out.rdbuf()->pubsetbuf(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    out.open(run_path, std::ios::binary | std::ios::trunc);
    if (!out) fail<Error>("cannot write the sorted run {}", run_path.string());
    for (const auto& [k, v] : sorted) write_record(out, key_source(*k), key_target(*k), *v);
    out.flush();
    if (!out) fail<Error>("cannot write the sorted run {} (disk full?)", run_path.string());
    st.run_bytes += static_cast<std::uint64_t>(out.tellp());
    st.distinct_pairs += chunk.size();  // an upper bound until the merge counts exactly
    st.runs += 1;
    std::unordered_map<std::string, PairStats>().swap(chunk);  // give the memory back
    release_free_memory();
    chunk_bytes = 0;
  };

  ExtractOptions extract_options;
  extract_options.max_phrase_length = options.max_phrase_length;
  if (progress) progress->begin("extract phrases", source.size(), "sent");
  std::string key;
  std::vector<double> word_e_factor, word_f_factor;  // per sentence position, see below
  for (std::size_t k = 0; k < source.size(); ++k) {
    const auto& f = source[k];
    const auto& e = target[k];
    const int I = static_cast<int>(f.size()), J = static_cast<int>(e.size());
    const auto spans = extract_phrases(alignments[k], I, J, extract_options);
    std::vector<std::vector<int>> f_links(I), e_links(J);
    for (auto [s, t] : alignments[k]) {
      f_links[s].push_back(t);
      e_links[t].push_back(s);
    }
    // lex(e|f,a) is a product over the span's target words of each word's mean w(e|f) over
    // its links (w(e|NULL) if unaligned), lex(f|e,a) the same over source words. A consistent
    // span holds every link of its words, so each word's factor is the same in every span:
    // computed once per sentence instead of once per span (the same doubles, multiplied in
    // the same order, so the same result bit for bit; the lookups had cost a cache miss each).
    word_e_factor.assign(J, 1.0);
    word_f_factor.assign(I, 1.0);
    for (int t = 0; t < J; ++t) {
      if (e_links[t].empty()) {
        word_e_factor[t] = lex.e_given_f(lex.f_null, e[t]);
        continue;
      }
      double sum = 0;
      for (int s : e_links[t]) sum += lex.e_given_f(f[s], e[t]);
      word_e_factor[t] = sum / e_links[t].size();
    }
    for (int s = 0; s < I; ++s) {
      if (f_links[s].empty()) {
        word_f_factor[s] = lex.f_given_e(f[s], lex.e_null);
        continue;
      }
      double sum = 0;
      for (int t : f_links[s]) sum += lex.f_given_e(f[s], e[t]);
      word_f_factor[s] = sum / f_links[s].size();
    }
    for (const auto& sp : spans) {
      double lex_ef = 1, lex_fe = 1;
      for (int t = sp.target_begin; t < sp.target_end; ++t) lex_ef *= word_e_factor[t];
      for (int s = sp.source_begin; s < sp.source_end; ++s) lex_fe *= word_f_factor[s];
      const int slen = sp.source_end - sp.source_begin, tlen = sp.target_end - sp.target_begin;
      key.assign(1, static_cast<char>(slen));
      key.append(reinterpret_cast<const char*>(f.data() + sp.source_begin), slen * sizeof(WordId));
      key.append(reinterpret_cast<const char*>(e.data() + sp.target_begin), tlen * sizeof(WordId));
      target_counts.add(key_target(key), 1);
      auto [it, inserted] = chunk.try_emplace(key);
      PairStats& ps = it->second;
      if (inserted) {
        for (int s = sp.source_begin; s < sp.source_end; ++s)
          for (int t : f_links[s]) ps.alignment.emplace_back(s - sp.source_begin, t - sp.target_begin);
        // Node, key, statistics and links, as the allocator sees them (approximately).
        chunk_bytes += 96 + key.size() + sizeof(PairStats) + ps.alignment.size() * sizeof(ps.alignment[0]);
      }
      ps.count += 1;
      ps.lex_e_given_f = std::max(ps.lex_e_given_f, lex_ef);
      ps.lex_f_given_e = std::max(ps.lex_f_given_e, lex_fe);
      ps.orientation[static_cast<int>(sp.orientation.previous)] += 1;
      ps.orientation[3 + static_cast<int>(sp.orientation.next)] += 1;
      st.occurrences += 1;
    }
    if (chunk_bytes + chunk.bucket_count() * sizeof(void*) >= options.sort_memory) {
      spill();
      if (progress) progress->log(fmt::format("phrase table: sorted run {} written", st.runs));
    }
    if (progress) progress->advance();
  }
  spill();
  if (progress)
    progress->end(
        fmt::format("{} occurrences, {} sorted runs ({} MB)", st.occurrences, st.runs, st.run_bytes / 1000000));

  // 3. Merge the runs, score each source phrase's targets, write the table.
  if (progress) progress->begin("score phrases", st.distinct_pairs, "pair");
  std::vector<std::unique_ptr<RunReader>> readers;
  std::vector<Record> heads(runs.paths.size());
  auto after = [&](std::size_t a, std::size_t b) {  // priority_queue puts the largest first
    const Record& x = heads[a];
    const Record& y = heads[b];
    if (record_less(x.source, x.target, y.source, y.target)) return false;
    if (record_less(y.source, y.target, x.source, x.target)) return true;
    return a > b;  // the same pair: the earlier run first (first occurrence's links)
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(after)> queue(after);
  for (std::size_t r = 0; r < runs.paths.size(); ++r) {
    readers.push_back(std::make_unique<RunReader>(runs.paths[r]));
    if (readers[r]->next(&heads[r])) queue.push(r);
  }
  PhraseTableWriter writer(path, source_vocab, target_vocab);
  std::string group_source;
  std::vector<Record> group;  // the current source phrase's targets
  std::vector<PhraseEntry> entries;
  std::uint64_t distinct = 0;
  auto flush = [&]() {
    if (group.empty()) return;
    double source_count = 0;
    for (const auto& r : group) source_count += r.stats.count;
    // Rank by p(e|f) (= joint count here), ties by the target key for determinism.
    std::sort(group.begin(), group.end(), [](const Record& a, const Record& b) {
      if (a.stats.count != b.stats.count) return a.stats.count > b.stats.count;
      return a.target < b.target;
    });
    if (options.max_targets_per_source > 0 && group.size() > static_cast<std::size_t>(options.max_targets_per_source))
      group.resize(options.max_targets_per_source);
    entries.resize(group.size());
    for (std::size_t i = 0; i < group.size(); ++i) {
      const PairStats& ps = group[i].stats;
      PhraseEntry& entry = entries[i];
      entry.target.resize(group[i].target.size() / sizeof(WordId));
      std::memcpy(entry.target.data(), group[i].target.data(), group[i].target.size());
      const double target_count = target_counts.get(group[i].target);
      entry.scores = {
          static_cast<float>(std::log(ps.count / target_count)), static_cast<float>(std::log(ps.lex_f_given_e)),
          static_cast<float>(std::log(ps.count / source_count)), static_cast<float>(std::log(ps.lex_e_given_f))};
      entry.reordering = reordering_log_probs(ps.orientation, options.reordering_smoothing);
      entry.alignment = ps.alignment;
      entry.count = static_cast<float>(ps.count);
    }
    writer.add(group_source, entries);
    group.clear();
  };
  while (!queue.empty()) {
    const std::size_t r = queue.top();
    queue.pop();
    Record& head = heads[r];
    if (!group.empty() && head.source == group_source && group.back().target == head.target) {
      merge_stats(group.back().stats, head.stats);
    } else {
      if (group.empty() || head.source != group_source) {
        flush();
        group_source = head.source;
      }
      group.push_back(std::move(head));
      ++distinct;
    }
    if (progress) progress->advance();
    if (readers[r]->next(&heads[r])) queue.push(r);
  }
  flush();
  writer.finish();
  st.distinct_pairs = distinct;
  if (progress)
    progress->end(fmt::format("{} distinct phrase pairs, {} target phrases; table {}", distinct, target_counts.size(),
                              path.filename().string()));
  return load(path);
}

}  // namespace mtbench::phrase_based
