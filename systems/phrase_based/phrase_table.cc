#include "systems/phrase_based/phrase_table.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"

namespace mtbench::phrase_based {
namespace {

inline std::uint64_t pack(std::uint32_t a, std::uint32_t b) {
  return (static_cast<std::uint64_t>(a) << 32) | b;
}

// Statistics of one phrase pair over the corpus.
struct PairStats {
  double count = 0;                 // occurrences
  double lex_f_given_e = 0;         // max lexical weighting lex(f|e) over occurrences
  double lex_e_given_f = 0;         // max lexical weighting lex(e|f) over occurrences
  OrientationCounts orientation{};  // msd counts, previous then next
  Alignment alignment;              // links of the first occurrence, phrase-relative
};

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

// Binary writing/reading helpers.
template <typename T>
void put(std::string& out, T value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}
struct Reader {
  const std::string& data;
  std::size_t pos = 0;
  const std::filesystem::path& path;
  template <typename T>
  T get() {
    if (pos + sizeof(T) > data.size())
      fail<DataError>("{}: truncated phrase table (offset {} of {})", path.string(), pos, data.size());
    T v;
    std::memcpy(&v, data.data() + pos, sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::uint32_t count(std::uint32_t limit) {
    const auto n = get<std::uint32_t>();
    if (n > limit) fail<DataError>("{}: corrupt phrase table (count {} at offset {})", path.string(), n, pos);
    return n;
  }
};

void put_vocab(std::string& out, const Vocab& v) {
  put<std::uint32_t>(out, static_cast<std::uint32_t>(v.size()));
  for (const auto& w : v.words()) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(w.size()));
    out += w;
  }
}
void get_vocab(Reader& r, Vocab& v) {
  const auto n = r.count(1u << 30);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto len = r.count(1u << 20);
    if (r.pos + len > r.data.size()) fail<DataError>("{}: truncated vocabulary", r.path.string());
    v.add(std::string_view(r.data).substr(r.pos, len));
    r.pos += len;
  }
  if (v.size() != n) fail<DataError>("{}: duplicate words in the vocabulary", r.path.string());
}

}  // namespace

PhraseTable PhraseTable::build(const std::vector<std::vector<WordId>>& source,
                               const std::vector<std::vector<WordId>>& target, const std::vector<Alignment>& alignments,
                               const Vocab& source_vocab, const Vocab& target_vocab, const PhraseTableOptions& options,
                               Progress* progress) {
  if (source.size() != target.size() || source.size() != alignments.size())
    fail<DataError>("phrase table: {} source, {} target sentences and {} alignments", source.size(), target.size(),
                    alignments.size());
  PhraseTable table;
  table.source_vocab_ = source_vocab;
  table.target_vocab_ = target_vocab;
  const LexicalTable lex = lexical_table(source, target, alignments, source_vocab.size(), target_vocab.size());

  std::unordered_map<std::string, std::uint32_t> src_ids, tgt_ids;
  std::vector<const std::string*> src_keys, tgt_keys;
  std::unordered_map<std::uint64_t, PairStats> pairs;
  auto intern = [](auto& ids, auto& keys, std::string k) {
    auto [it, inserted] = ids.emplace(std::move(k), static_cast<std::uint32_t>(keys.size()));
    if (inserted) keys.push_back(&it->first);
    return it->second;
  };
  ExtractOptions extract_options;
  extract_options.max_phrase_length = options.max_phrase_length;
  if (progress) progress->begin("extract phrases", source.size(), "sent");
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
    for (const auto& sp : spans) {
      // lex(e|f,a): per target word, the mean of w(e|f) over its links (NULL if unaligned).
      double lex_ef = 1, lex_fe = 1;
      for (int t = sp.target_begin; t < sp.target_end; ++t) {
        if (e_links[t].empty()) {
          lex_ef *= lex.e_given_f(lex.f_null, e[t]);
          continue;
        }
        double sum = 0;
        for (int s : e_links[t]) sum += lex.e_given_f(f[s], e[t]);
        lex_ef *= sum / e_links[t].size();
      }
      for (int s = sp.source_begin; s < sp.source_end; ++s) {
        if (f_links[s].empty()) {
          lex_fe *= lex.f_given_e(f[s], lex.e_null);
          continue;
        }
        double sum = 0;
        for (int t : f_links[s]) sum += lex.f_given_e(f[s], e[t]);
        lex_fe *= sum / f_links[s].size();
      }
      const auto sid = intern(src_ids, src_keys, key(f.data() + sp.source_begin, sp.source_end - sp.source_begin));
      const auto tid = intern(tgt_ids, tgt_keys, key(e.data() + sp.target_begin, sp.target_end - sp.target_begin));
      PairStats& st = pairs[pack(sid, tid)];
      if (st.count == 0)
        for (int s = sp.source_begin; s < sp.source_end; ++s)
          for (int t : f_links[s]) st.alignment.emplace_back(s - sp.source_begin, t - sp.target_begin);
      st.count += 1;
      st.lex_e_given_f = std::max(st.lex_e_given_f, lex_ef);
      st.lex_f_given_e = std::max(st.lex_f_given_e, lex_fe);
      st.orientation[static_cast<int>(sp.orientation.previous)] += 1;
      st.orientation[3 + static_cast<int>(sp.orientation.next)] += 1;
    }
    if (progress) progress->advance();
  }
  if (progress) progress->end(fmt::format("{} phrase pairs", pairs.size()));

  if (progress) progress->begin("score phrases", pairs.size(), "pair");
  std::vector<double> src_count(src_keys.size(), 0.0), tgt_count(tgt_keys.size(), 0.0);
  for (const auto& [k, st] : pairs) {
    src_count[k >> 32] += st.count;
    tgt_count[k & 0xffffffffu] += st.count;
  }
  std::vector<std::vector<std::pair<std::uint32_t, const PairStats*>>> by_source(src_keys.size());
  for (const auto& [k, st] : pairs) by_source[k >> 32].emplace_back(static_cast<std::uint32_t>(k & 0xffffffffu), &st);
  for (std::uint32_t sid = 0; sid < by_source.size(); ++sid) {
    auto& list = by_source[sid];
    // Rank by p(e|f) (= joint count here), ties by the target key for determinism.
    std::sort(list.begin(), list.end(), [&](const auto& a, const auto& b) {
      if (a.second->count != b.second->count) return a.second->count > b.second->count;
      return *tgt_keys[a.first] < *tgt_keys[b.first];
    });
    if (options.max_targets_per_source > 0 && list.size() > static_cast<std::size_t>(options.max_targets_per_source))
      list.resize(options.max_targets_per_source);
    std::vector<PhraseEntry> entries;
    entries.reserve(list.size());
    for (const auto& [tid, st] : list) {
      PhraseEntry entry;
      const std::string& tk = *tgt_keys[tid];
      entry.target.resize(tk.size() / sizeof(WordId));
      std::memcpy(entry.target.data(), tk.data(), tk.size());
      entry.scores = {
          static_cast<float>(std::log(st->count / tgt_count[tid])), static_cast<float>(std::log(st->lex_f_given_e)),
          static_cast<float>(std::log(st->count / src_count[sid])), static_cast<float>(std::log(st->lex_e_given_f))};
      entry.reordering = reordering_log_probs(st->orientation, options.reordering_smoothing);
      entry.alignment = st->alignment;
      entry.count = static_cast<float>(st->count);
      entries.push_back(std::move(entry));
      if (progress) progress->advance();
    }
    const std::string& sk = *src_keys[sid];
    table.max_source_length_ = std::max<int>(table.max_source_length_, sk.size() / sizeof(WordId));
    table.table_.emplace(sk, std::move(entries));
  }
  if (progress) progress->end(fmt::format("{} source phrases", table.table_.size()));
  return table;
}

const std::vector<PhraseEntry>* PhraseTable::find(const WordId* words, int length) const {
  auto it = table_.find(key(words, length));
  return it == table_.end() ? nullptr : &it->second;
}

std::size_t PhraseTable::num_pairs() const {
  std::size_t n = 0;
  for (const auto& [k, v] : table_) n += v.size();
  return n;
}

void PhraseTable::add(const std::vector<std::string>& source, const std::vector<std::string>& target,
                      const std::array<float, 4>& scores, const std::array<float, 6>& reordering) {
  std::vector<WordId> s;
  for (const auto& w : source) s.push_back(source_vocab_.add(w));
  PhraseEntry entry;
  for (const auto& w : target) entry.target.push_back(target_vocab_.add(w));
  entry.scores = scores;
  entry.reordering = reordering;
  entry.count = 1;
  table_[key(s.data(), static_cast<int>(s.size()))].push_back(std::move(entry));
  max_source_length_ = std::max<int>(max_source_length_, s.size());
}

void PhraseTable::save(const std::filesystem::path& path) const {
  std::string out = "MTBPT1\n";
  put<std::uint32_t>(out, static_cast<std::uint32_t>(max_source_length_));
  put_vocab(out, source_vocab_);
  put_vocab(out, target_vocab_);
  // Sorted by key so the file is deterministic.
  std::vector<const std::string*> keys;
  for (const auto& [k, v] : table_) keys.push_back(&k);
  std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return *a < *b; });
  put<std::uint64_t>(out, keys.size());
  for (const std::string* k : keys) {
    put<std::uint32_t>(out, static_cast<std::uint32_t>(k->size() / sizeof(WordId)));
    out += *k;
    const auto& entries = table_.at(*k);
    put<std::uint32_t>(out, static_cast<std::uint32_t>(entries.size()));
    for (const auto& e : entries) {
      put<std::uint32_t>(out, static_cast<std::uint32_t>(e.target.size()));
      out.append(reinterpret_cast<const char*>(e.target.data()), e.target.size() * sizeof(WordId));
      for (float s : e.scores) put<float>(out, s);
      for (float s : e.reordering) put<float>(out, s);
      put<float>(out, e.count);
      put<std::uint32_t>(out, static_cast<std::uint32_t>(e.alignment.size()));
      for (auto [s, t] : e.alignment) {
        put<std::uint8_t>(out, static_cast<std::uint8_t>(s));
        put<std::uint8_t>(out, static_cast<std::uint8_t>(t));
      }
    }
  }
  write_file_atomic(path, out);
}

PhraseTable PhraseTable::load(const std::filesystem::path& path) {
  const std::string data = read_file(path);
  if (data.compare(0, 7, "MTBPT1\n") != 0)
    fail<DataError>("{}: not an mtbench phrase table (bad magic)", path.string());
  Reader r{data, 7, path};
  PhraseTable table;
  table.max_source_length_ = static_cast<int>(r.count(1000));
  get_vocab(r, table.source_vocab_);
  get_vocab(r, table.target_vocab_);
  const auto n = r.get<std::uint64_t>();
  const auto vs = static_cast<WordId>(table.source_vocab_.size());
  const auto vt = static_cast<WordId>(table.target_vocab_.size());
  table.table_.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    const auto len = r.count(1000);
    std::vector<WordId> src(len);
    for (auto& w : src)
      if ((w = r.get<WordId>()) >= vs) fail<DataError>("{}: source word id {} out of range", path.string(), w);
    auto& entries = table.table_[key(src.data(), static_cast<int>(len))];
    entries.resize(r.count(1u << 24));
    for (auto& e : entries) {
      e.target.resize(r.count(1000));
      for (auto& w : e.target)
        if ((w = r.get<WordId>()) >= vt) fail<DataError>("{}: target word id {} out of range", path.string(), w);
      for (float& s : e.scores) s = r.get<float>();
      for (float& s : e.reordering) s = r.get<float>();
      e.count = r.get<float>();
      e.alignment.resize(r.count(1u << 16));
      for (auto& [s, t] : e.alignment) {
        s = r.get<std::uint8_t>();
        t = r.get<std::uint8_t>();
      }
    }
  }
  if (r.pos != data.size())
    fail<DataError>("{}: {} trailing bytes after the phrase table", path.string(), data.size() - r.pos);
  return table;
}

void PhraseTable::dump_text(const std::filesystem::path& phrase_table, const std::filesystem::path& reordering) const {
  std::vector<std::pair<std::string, const std::vector<PhraseEntry>*>> rows;
  for (const auto& [k, v] : table_) {
    std::string src;
    for (std::size_t i = 0; i < k.size() / sizeof(WordId); ++i) {
      WordId w;
      std::memcpy(&w, k.data() + i * sizeof(WordId), sizeof(WordId));
      if (i) src += ' ';
      src += source_vocab_.word(w);
    }
    rows.emplace_back(std::move(src), &v);
  }
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> pt, rt;
  for (const auto& [src, entries] : rows) {
    for (const auto& e : *entries) {
      std::string tgt;
      for (std::size_t i = 0; i < e.target.size(); ++i) tgt += (i ? " " : "") + target_vocab_.word(e.target[i]);
      pt.push_back(fmt::format("{} ||| {} ||| {:.6g} {:.6g} {:.6g} {:.6g} ||| {} ||| {:g}", src, tgt,
                               std::exp(e.scores[0]), std::exp(e.scores[1]), std::exp(e.scores[2]),
                               std::exp(e.scores[3]), format_pharaoh(e.alignment), e.count));
      if (!reordering.empty()) {
        std::string probs;
        for (float r : e.reordering) probs += fmt::format("{}{:.6g}", probs.empty() ? "" : " ", std::exp(r));
        rt.push_back(fmt::format("{} ||| {} ||| {}", src, tgt, probs));
      }
    }
  }
  write_lines_atomic(phrase_table, pt);
  if (!reordering.empty()) write_lines_atomic(reordering, rt);
}

}  // namespace mtbench::phrase_based
