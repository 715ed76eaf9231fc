#include "systems/phrase_based/decoder.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <map>
#include <memory>
#include <queue>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "base/error.h"
#include "base/progress.h"
#include "systems/phrase_based/reordering.h"

namespace mtbench::phrase_based {
namespace {

constexpr double kLn10 = 2.302585092994046;  // LM log10 -> natural log, as Moses does
constexpr int kMaxWords = 256;               // coverage bits; longer inputs are split
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
using Coverage = std::bitset<kMaxWords>;

// A translation option: one phrase pair applied to one source span.
struct Option {
  int begin = 0, end = 0;               // source span
  const PhraseEntry* entry = nullptr;   // null for an unknown word passed through
  std::string unknown_word;             // the passed-through word
  std::vector<lm::WordIndex> lm_words;  // target words as LM indices
  int lm_phrase = 0;                    // id of lm_words among the sentence's distinct ones (LM memo key)
  FeatureVector local{};                // phrase-local feature values
  std::array<float, 6> reordering{};    // ln p(orientation), previous M,S,D, next M,S,D
  double local_score = 0;               // weighted local features
  double estimate = 0;                  // local score + weighted context-free LM estimate
};

struct Hyp {
  const Hyp* prev = nullptr;          // predecessor (null for the empty hypothesis)
  const Option* option = nullptr;     // last phrase applied
  Coverage coverage;                  // covered source words
  std::uint64_t coverage_hash = 0;    // XOR of coverage_keys() over the covered words
  int covered = 0;                    // number of covered words
  int last_begin = -1, last_end = 0;  // source span of the last phrase (-1, 0 at the start)
  lm::State lm_state;                 // LM context after this hypothesis
  double score = 0;                   // weighted score so far
  double future = 0;                  // future-cost estimate of the uncovered words
  FeatureVector features{};           // feature values so far
  std::vector<const Hyp*> arcs;       // worse hypotheses recombined into this one (n-best)
  bool complete = false;              // all words covered (end-of-sentence scores included)
  double total() const { return score + future; }
};

// Random keys per source position (splitmix64): a coverage's hash is the XOR of its words'
// keys, kept up to date as phrases are added instead of hashing 256 bits per lookup.
const std::array<std::uint64_t, kMaxWords>& coverage_keys() {
  static const auto keys = [] {
    std::array<std::uint64_t, kMaxWords> k{};
    std::uint64_t x = 0x2545F4914F6CDD1DULL;
    for (auto& v : k) {
      std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      v = z ^ (z >> 31);
    }
    return k;
  }();
  return keys;
}

// Recombination: hypotheses whose future expansions score identically.
struct RecombineHash {
  bool lexicalized;
  std::size_t operator()(const Hyp* h) const {
    if (h->complete) return 0;
    std::size_t x = h->coverage_hash;
    auto mix = [&x](std::size_t v) { x ^= v + 0x9e3779b97f4a7c15ULL + (x << 6) + (x >> 2); };
    mix(h->last_end);
    for (int i = 0; i < h->lm_state.length; ++i) mix(h->lm_state.words[i]);
    if (lexicalized) mix(h->last_begin);
    return x;
  }
};
struct RecombineEqual {
  bool lexicalized;
  bool operator()(const Hyp* a, const Hyp* b) const {
    if (a->complete || b->complete) return a->complete == b->complete;
    if (a->last_end != b->last_end || a->coverage != b->coverage) return false;
    if (a->lm_state.length != b->lm_state.length) return false;
    for (int i = 0; i < a->lm_state.length; ++i)
      if (a->lm_state.words[i] != b->lm_state.words[i]) return false;
    if (lexicalized) {
      if (a->last_begin != b->last_begin) return false;
      // The next-orientation scores of the last phrase are still to be applied.
      const bool ao = a->option != nullptr, bo = b->option != nullptr;
      if (ao != bo) return false;
      if (ao)
        for (int k = 3; k < 6; ++k)
          if (a->option->reordering[k] != b->option->reordering[k]) return false;
    }
    return true;
  }
};

// Storage for a sentence's hypotheses with stable addresses, in chunks of 1,024 kept for the
// next sentence: tens of thousands of hypotheses a sentence, allocated one by one (std::deque
// holds two of this size a block) or in fresh chunks each sentence, made allocation and
// first-touch page faults about a tenth of the decoding time at a million training pairs.
class HypArena {
 public:
  // Forgets every hypothesis (their slots are reused).
  void reset() {
    chunk_ = 0;
    used_ = 0;
  }
  Hyp& add(Hyp&& h) {
    if (used_ == kChunk) {
      ++chunk_;
      used_ = 0;
    }
    if (chunk_ == chunks_.size()) chunks_.push_back(std::make_unique<Hyp[]>(kChunk));
    Hyp& slot = chunks_[chunk_][used_++];
    slot = std::move(h);
    return slot;
  }

 private:
  static constexpr std::size_t kChunk = 1024;
  std::vector<std::unique_ptr<Hyp[]>> chunks_;  // allocated chunks, in use up to chunk_
  std::size_t chunk_ = 0;                       // the chunk being filled
  std::size_t used_ = 0;                        // hypotheses in it
};

// The LM score of a target phrase after an LM state, memoized per sentence: the same target
// phrase extends many hypotheses that end in the same n-1 words (with other coverage, or from
// another source span), and each LM query probes up to n-1 hash tables spread over a mapped
// file of up to GBs (at a million training pairs the LM was a quarter of the decoding time;
// about half the lookups are hits). Exact: a state's words determine the score (its cached
// backoffs are functions of them), and the memo holds the double the scoring loop computed.
// Open addressing grown at half full; reset() empties it in O(1) by a new generation.
class LmMemo {
 public:
  struct Entry {
    int phrase = 0;  // Option::lm_phrase
    lm::State in;    // context before the phrase
    double lm = 0;   // sum of the log10 scores of its words
    lm::State out;   // context after them
  };
  void reset() {
    if (++generation_ == 0) {  // wrapped: clear for real once in 2^32 sentences
      std::fill(tags_.begin(), tags_.end(), 0);
      generation_ = 1;
    }
    used_ = 0;
  }
  // The entry of (in, phrase); `*found` is false for a new one, whose lm and out the caller
  // sets. The reference is valid until the next call.
  Entry& find_or_add(const lm::State& in, int phrase, bool* found) {
    if (2 * (used_ + 1) > tags_.size()) grow();
    const std::uint64_t hash = hash_of(in, phrase);
    const std::uint64_t tag = tag_of(hash);
    const std::size_t mask = tags_.size() - 1;
    std::size_t slot = hash & mask;
    // Probing reads the dense tags (8 bytes a slot) and an entry only when its tag matches.
    for (; (tags_[slot] >> 32) == generation_; slot = (slot + 1) & mask) {
      if (tags_[slot] != tag) continue;
      Entry& e = entries_[slot];
      if (e.phrase == phrase && e.in == in) {
        *found = true;
        return e;
      }
    }
    *found = false;
    ++used_;
    tags_[slot] = tag;
    Entry& e = entries_[slot];
    e.phrase = phrase;
    e.in = in;
    return e;
  }

 private:
  static std::uint64_t hash_of(const lm::State& in, int phrase) {
    const std::uint64_t hash = in.hash() ^ (static_cast<std::uint64_t>(phrase) * 0x9E3779B97F4A7C15ULL);
    return hash ^ (hash >> 29);
  }
  // The generation in the high half, the hash's high bits in the low half.
  std::uint64_t tag_of(std::uint64_t hash) const { return (std::uint64_t{generation_} << 32) | (hash >> 32); }
  void grow() {
    std::vector<std::uint64_t> old_tags(std::max<std::size_t>(1024, 2 * tags_.size()), 0);
    std::vector<Entry> old_entries(old_tags.size());
    old_tags.swap(tags_);
    old_entries.swap(entries_);
    const std::size_t mask = tags_.size() - 1;
    for (std::size_t i = 0; i < old_tags.size(); ++i) {
      if ((old_tags[i] >> 32) != generation_) continue;
      std::size_t slot = hash_of(old_entries[i].in, old_entries[i].phrase) & mask;
      while ((tags_[slot] >> 32) == generation_) slot = (slot + 1) & mask;
      tags_[slot] = old_tags[i];
      entries_[slot] = old_entries[i];
    }
  }
  std::vector<std::uint64_t> tags_;  // per slot: generation << 32 | hash bits; a power of two
  std::vector<Entry> entries_;       // per slot
  std::size_t used_ = 0;             // valid entries
  std::uint32_t generation_ = 1;     // of the valid entries
};

// A decoding thread's reusable search memory.
struct SearchScratch {
  HypArena arena;  // hypotheses
  LmMemo lm_memo;  // LM scores of phrases after states
};
SearchScratch& search_scratch() {
  thread_local SearchScratch scratch;
  scratch.arena.reset();
  scratch.lm_memo.reset();
  return scratch;
}

class SentenceDecoder {
 public:
  SentenceDecoder(const PhraseTable& table, const lm::Model* lm, const DecoderOptions& options,
                  const std::vector<lm::WordIndex>& lm_index, const std::vector<double>& weights,
                  const std::vector<std::string>& source)
      : table_(table),
        lm_(lm),
        options_(options),
        lm_index_(lm_index),
        weights_(weights),
        source_(source),
        n_(static_cast<int>(source.size())),
        log_threshold_(std::log(options.beam_threshold)) {}

  DecodeResult run() {
    DecodeResult result;
    if (n_ == 0) return result;
    if (lm_) end_of_sentence_ = lm_->index("</s>");
    build_options(result);
    future_costs();
    search();
    if (!final_) return result;
    result.best = derivation({final_});
    if (options_.nbest > 0) nbest(result);
    return result;
  }

 private:
  void build_options(DecodeResult& result) {
    options_by_span_.assign(static_cast<std::size_t>(n_) * (n_ + 1), {});
    const auto& sv = table_.source_vocab();
    std::vector<WordId> ids;
    for (const auto& w : source_) ids.push_back(sv.find(w));
    const int max_len = std::max(1, table_.max_source_length());
    for (int b = 0; b < n_; ++b) {
      for (int e = b + 1; e <= std::min(n_, b + max_len); ++e) {
        if (ids[e - 1] == Vocab::kNone) break;
        std::vector<PhraseEntry> found;
        if (!table_.find(ids.data() + b, e - b, &found)) continue;
        // Options point at their entries: they live in looked_up_ for the whole sentence.
        looked_up_.push_back(std::move(found));
        auto& list = span(b, e);
        for (const auto& entry : looked_up_.back()) {
          Option o;
          o.begin = b;
          o.end = e;
          o.entry = &entry;
          for (WordId w : entry.target) o.lm_words.push_back(lm_index_[w]);
          o.local[kWordPenalty] = -static_cast<float>(entry.target.size());
          o.local[kPhrasePenalty] = 1;
          for (int k = 0; k < 4; ++k) o.local[kTmPfe + k] = entry.scores[k];
          o.reordering = entry.reordering;
          list.push_back(std::move(o));
        }
      }
      if (span(b, b + 1).empty()) {
        // Unknown word: passed through, scored by the unknown-word penalty (Moses).
        Option o;
        o.begin = b;
        o.end = b + 1;
        o.unknown_word = source_[b];
        o.lm_words.push_back(lm_ ? lm_->index(source_[b]) : 0);
        o.local[kWordPenalty] = -1;
        o.local[kPhrasePenalty] = 1;
        o.local[kUnknown] = 1;
        o.reordering.fill(static_cast<float>(std::log(1.0 / 3)));
        span(b, b + 1).push_back(std::move(o));
        result.unknown_words.push_back(source_[b]);
      }
    }
    std::map<std::vector<lm::WordIndex>, int> phrase_ids;
    for (auto& list : options_by_span_) {
      for (auto& o : list) {
        o.lm_phrase = phrase_ids.emplace(o.lm_words, static_cast<int>(phrase_ids.size())).first->second;
        o.local_score = dot(weights_, o.local);
        double lm = 0;
        if (lm_) {
          lm::State state = lm_->null_context_state(), next;
          for (auto w : o.lm_words) {
            lm += lm_->score(state, w, &next);
            state = next;
          }
        }
        o.estimate = o.local_score + weights_[kLm] * lm * kLn10;
      }
      // Table limit: the best options by their context-free estimate (Moses' ttable-limit).
      std::sort(list.begin(), list.end(), [](const Option& a, const Option& b) { return a.estimate > b.estimate; });
      if (options_.table_limit > 0 && list.size() > static_cast<std::size_t>(options_.table_limit))
        list.resize(options_.table_limit);
    }
  }

  std::vector<Option>& span(int b, int e) { return options_by_span_[static_cast<std::size_t>(b) * (n_ + 1) + e]; }

  // Future cost of every span: best option estimate or best split (Koehn SMT book §6.3.3).
  void future_costs() {
    fc_.assign(static_cast<std::size_t>(n_ + 1) * (n_ + 1), kNegInf);
    for (int len = 1; len <= n_; ++len)
      for (int b = 0; b + len <= n_; ++b) {
        const int e = b + len;
        double best = kNegInf;
        for (const auto& o : span(b, e)) best = std::max(best, o.estimate);
        for (int k = b + 1; k < e; ++k) best = std::max(best, fc(b, k) + fc(k, e));
        fc_[static_cast<std::size_t>(b) * (n_ + 1) + e] = best;
      }
  }
  double fc(int b, int e) const { return fc_[static_cast<std::size_t>(b) * (n_ + 1) + e]; }

  double future_of(const Coverage& cov) const {
    double sum = 0;
    int b = -1;
    for (int i = 0; i <= n_; ++i) {
      const bool free = i < n_ && !cov[i];
      if (free && b < 0) b = i;
      if (!free && b >= 0) {
        sum += fc(b, i);
        b = -1;
      }
    }
    return sum;
  }

  using Stack = std::unordered_set<Hyp*, RecombineHash, RecombineEqual>;

  // A stack's pruning bounds.
  struct StackBounds {
    double best_total = kNegInf;  // best total() added (threshold pruning is relative to it)
    double floor = kNegInf;       // total() of the worst survivor of the last histogram pruning
  };

  // Adds scratch_ to `stack` unless threshold pruning or a better recombined hypothesis
  // rejects it (without n-best lists a rejected hypothesis is never stored).
  void add(Stack& stack, StackBounds& bounds) {
    const double total = scratch_.total();
    if (total < bounds.best_total + log_threshold_) return;
    // Below the floor a hypothesis can never be among the stack's final stack_size: since the
    // last pruning the stack holds stack_size hypotheses at or above it, and they only leave
    // it for better ones (recombination keeps the better of two, whose future cost is the
    // same). Rejected now instead of stored and pruned later: the same survivors, in the same
    // order. Not with n-best lists, whose arcs keep rejected hypotheses.
    if (!keep_arcs_ && total < bounds.floor) return;
    auto it = stack.find(&scratch_);
    if (it != stack.end() && (*it)->score >= scratch_.score && !keep_arcs_) return;
    Hyp* h = &work_.arena.add(std::move(scratch_));
    // scratch_ is moved from (its arcs empty); expand() sets every other field.
    if (it != stack.end()) {
      Hyp* old = *it;
      if (old->score >= h->score) {
        if (keep_arcs_) old->arcs.push_back(h);
        return;
      }
      if (keep_arcs_) {
        h->arcs = std::move(old->arcs);
        h->arcs.push_back(old);
      }
      stack.erase(it);
    }
    stack.insert(h);
    bounds.best_total = std::max(bounds.best_total, h->total());
    if (stack.size() > 2 * static_cast<std::size_t>(options_.stack_size)) prune(stack, &bounds.floor);
  }

  // Histogram pruning; returns the survivors, best first. When it drops hypotheses, raises
  // `*floor` to the worst survivor's total().
  std::vector<Hyp*> prune(Stack& stack, double* floor = nullptr) {
    std::vector<Hyp*> hyps(stack.begin(), stack.end());
    auto better = [](const Hyp* a, const Hyp* b) { return a->total() > b->total(); };
    const auto keep = static_cast<std::size_t>(options_.stack_size);
    const bool drops = hyps.size() > keep;
    if (drops) {
      std::nth_element(hyps.begin(), hyps.begin() + keep, hyps.end(), better);
      for (std::size_t i = keep; i < hyps.size(); ++i) stack.erase(hyps[i]);
      hyps.resize(keep);
    }
    std::sort(hyps.begin(), hyps.end(), better);
    if (drops && floor && !hyps.empty()) *floor = std::max(*floor, hyps.back()->total());
    return hyps;
  }

  void search() {
    keep_arcs_ = options_.nbest > 0;
    const bool lexicalized = options_.lexicalized_reordering;
    std::vector<Stack> stacks;
    for (int i = 0; i <= n_; ++i) stacks.emplace_back(64, RecombineHash{lexicalized}, RecombineEqual{lexicalized});
    std::vector<StackBounds> bounds(n_ + 1);
    Hyp& start = work_.arena.add(Hyp());
    start.lm_state = lm_ ? lm_->begin_sentence_state() : lm::State{};
    start.future = future_of(start.coverage);
    stacks[0].insert(&start);
    const int limit = options_.distortion_limit;
    for (int c = 0; c < n_; ++c) {
      for (Hyp* hyp : prune(stacks[c])) {
        int first_gap = 0;
        while (first_gap < n_ && hyp->coverage[first_gap]) ++first_gap;
        for (int b = first_gap; b < n_; ++b) {
          if (hyp->coverage[b]) continue;
          if (limit >= 0 && std::abs(b - hyp->last_end) > limit) continue;
          for (int e = b + 1; e <= n_ && !hyp->coverage[e - 1]; ++e) {
            // Leaving a gap behind: it must remain reachable within the limit (Moses).
            if (limit >= 0 && b != first_gap && e - first_gap > limit) break;
            for (const Option& o : span(b, e)) {
              expand(*hyp, o, scratch_);
              add(stacks[scratch_.covered], bounds[scratch_.covered]);
            }
          }
        }
      }
    }
    const auto finals = prune(stacks[n_]);
    final_ = finals.empty() ? nullptr : finals.front();
  }

  // Fills `h` (a scratch hypothesis) with the expansion of `hyp` by `o`.
  void expand(const Hyp& hyp, const Option& o, Hyp& h) {
    h.arcs.clear();
    h.prev = &hyp;
    h.option = &o;
    h.coverage = hyp.coverage;
    h.coverage_hash = hyp.coverage_hash;
    for (int i = o.begin; i < o.end; ++i) {
      h.coverage.set(i);
      h.coverage_hash ^= coverage_keys_[i];
    }
    h.covered = hyp.covered + (o.end - o.begin);
    h.last_begin = o.begin;
    h.last_end = o.end;
    h.features = hyp.features;
    for (int k = 0; k < kNumFeatures; ++k) h.features[k] += o.local[k];
    // Stateful features.
    h.features[kDistortion] += distortion_feature(hyp.last_end, o.begin);
    if (options_.lexicalized_reordering) {
      const int orient = static_cast<int>(decode_orientation(hyp.last_begin, hyp.last_end, o.begin, o.end));
      h.features[kLrPrevMono + orient] += o.reordering[orient];
      if (hyp.option) h.features[kLrNextMono + orient] += hyp.option->reordering[3 + orient];
    }
    h.complete = h.covered == n_;
    if (lm_) {
      bool found = false;
      LmMemo::Entry& memo = work_.lm_memo.find_or_add(hyp.lm_state, o.lm_phrase, &found);
      if (!found) {
        double sum = 0;
        lm::State state = hyp.lm_state, next;
        for (auto w : o.lm_words) {
          sum += lm_->score(state, w, &next);
          state = next;
        }
        memo.lm = sum;
        memo.out = state;
      }
      double lm = memo.lm;
      lm::State state = memo.out, next;
      if (h.complete) {
        lm += lm_->score(state, end_of_sentence_, &next);
        state = next;
      }
      h.lm_state = state;
      h.features[kLm] += static_cast<float>(lm * kLn10);
    } else {
      h.lm_state = lm::State{};
    }
    if (h.complete && options_.lexicalized_reordering) {
      const int orient = static_cast<int>(decode_orientation(o.begin, o.end, n_, n_ + 1));
      h.features[kLrNextMono + orient] += o.reordering[3 + orient];
    }
    h.score = dot(weights_, h.features);
    h.future = h.complete ? 0 : future_of(h.coverage);
  }

  // The derivation along a path of hypotheses given from the last one backwards (each
  // entry's predecessors follow its prev pointers unless the path lists them).
  Derivation derivation(const std::vector<const Hyp*>& path) const {
    std::vector<const Hyp*> chain = path;
    while (chain.back()->prev) chain.push_back(chain.back()->prev);
    Derivation d;
    d.score = path.front()->score;
    d.features = path.front()->features;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      const Option* o = (*it)->option;
      if (!o) continue;
      DerivationStep step;
      step.source_begin = o->begin;
      step.source_end = o->end;
      if (o->entry) {
        for (WordId w : o->entry->target) step.target.push_back(table_.target_vocab().word(w));
        step.scores = o->entry->scores;
        step.alignment = o->entry->alignment;
      } else {
        step.target.push_back(o->unknown_word);
        step.unknown = true;
        step.alignment = {{0, 0}};
      }
      d.target.insert(d.target.end(), step.target.begin(), step.target.end());
      d.steps.push_back(std::move(step));
    }
    return d;
  }

  // n-best extraction over the recombination graph (Moses' TrellisPath): a path replaces
  // one hypothesis by a recombined alternative (same state, so the rest of the path scores
  // the same); further replacements only at or before that point avoid duplicates.
  void nbest(DecodeResult& result) {
    struct Path {
      std::vector<const Hyp*> nodes;  // from the final hypothesis backwards
      std::size_t min_pos;            // replacements allowed at positions >= min_pos
      double score;                   // total score
      FeatureVector features;         // total features
    };
    auto chain = [](const Hyp* h) {
      std::vector<const Hyp*> v;
      for (; h && h->prev; h = h->prev) v.push_back(h);
      return v;
    };
    auto cmp = [](const Path& a, const Path& b) { return a.score < b.score; };
    std::priority_queue<Path, std::vector<Path>, decltype(cmp)> queue(cmp);
    queue.push({chain(final_), 0, final_->score, final_->features});
    std::unordered_set<std::string> seen;
    const std::size_t max_pops = static_cast<std::size_t>(options_.nbest) * 20;
    for (std::size_t pops = 0;
         !queue.empty() && pops < max_pops && result.nbest.size() < static_cast<std::size_t>(options_.nbest); ++pops) {
      Path p = queue.top();
      queue.pop();
      Derivation d = derivation(p.nodes);
      d.score = p.score;
      d.features = p.features;
      std::string key;
      for (const auto& w : d.target) key += w + ' ';
      if (seen.insert(key).second) result.nbest.push_back(std::move(d));
      for (std::size_t k = p.min_pos; k < p.nodes.size(); ++k) {
        const Hyp* node = p.nodes[k];
        for (const Hyp* arc : node->arcs) {
          Path q;
          q.nodes.assign(p.nodes.begin(), p.nodes.begin() + k);
          const auto rest = chain(arc);
          q.nodes.insert(q.nodes.end(), rest.begin(), rest.end());
          q.min_pos = k;
          q.score = p.score - node->score + arc->score;
          for (int f = 0; f < kNumFeatures; ++f) q.features[f] = p.features[f] - node->features[f] + arc->features[f];
          queue.push(std::move(q));
        }
      }
    }
  }

  const PhraseTable& table_;
  const lm::Model* lm_;
  const DecoderOptions& options_;
  const std::vector<lm::WordIndex>& lm_index_;
  const std::vector<double>& weights_;
  const std::vector<std::string>& source_;
  const int n_;                 // source length
  const double log_threshold_;  // threshold pruning: ln(beam_threshold)
  const std::array<std::uint64_t, kMaxWords>& coverage_keys_ = coverage_keys();  // Hyp::coverage_hash
  std::vector<std::vector<Option>> options_by_span_;                             // [b * (n+1) + e]
  std::deque<std::vector<PhraseEntry>> looked_up_;  // table entries of this sentence (stable addresses)
  std::vector<double> fc_;                          // future cost per span
  SearchScratch& work_ = search_scratch();          // this thread's hypotheses and LM memo
  const Hyp* final_ = nullptr;                      // best complete hypothesis
  lm::WordIndex end_of_sentence_ = 0;               // index of </s>
  bool keep_arcs_ = false;                          // record recombined hypotheses
  Hyp scratch_;                                     // the expansion being considered
};

}  // namespace

Decoder::Decoder(const PhraseTable& table, const lm::Model* lm, DecoderOptions options)
    : table_(table), lm_(lm), options_(options) {
  const auto& tv = table.target_vocab();
  lm_index_.resize(tv.size(), 0);
  if (lm)
    for (std::size_t i = 0; i < tv.size(); ++i) lm_index_[i] = lm->index(tv.word(static_cast<WordId>(i)));
}

DecodeResult Decoder::decode(const std::vector<std::string>& source, const std::vector<double>& weights) const {
  if (weights.size() != static_cast<std::size_t>(kNumFeatures))
    fail<ConfigError>("decoder: {} weights given, {} features expected", weights.size(),
                      static_cast<int>(kNumFeatures));
  if (source.size() <= static_cast<std::size_t>(kMaxWords))
    return SentenceDecoder(table_, lm_, options_, lm_index_, weights, source).run();
  // Very long inputs: decode consecutive chunks independently and concatenate.
  DecodeResult result;
  DecoderOptions chunk_options = options_;
  chunk_options.nbest = 0;
  for (std::size_t b = 0; b < source.size(); b += kMaxWords) {
    std::vector<std::string> chunk(source.begin() + b, source.begin() + std::min(source.size(), b + kMaxWords));
    DecodeResult part = SentenceDecoder(table_, lm_, chunk_options, lm_index_, weights, chunk).run();
    for (auto& step : part.best.steps) {
      step.source_begin += static_cast<int>(b);
      step.source_end += static_cast<int>(b);
    }
    result.best.target.insert(result.best.target.end(), part.best.target.begin(), part.best.target.end());
    result.best.steps.insert(result.best.steps.end(), part.best.steps.begin(), part.best.steps.end());
    result.best.score += part.best.score;
    for (int k = 0; k < kNumFeatures; ++k) result.best.features[k] += part.best.features[k];
    result.unknown_words.insert(result.unknown_words.end(), part.unknown_words.begin(), part.unknown_words.end());
  }
  if (options_.nbest > 0) result.nbest.push_back(result.best);
  return result;
}

std::vector<DecodeResult> Decoder::decode_all(const std::vector<std::vector<std::string>>& sources,
                                              const std::vector<double>& weights, Progress* progress) const {
  std::vector<DecodeResult> results(sources.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    try {
      for (std::size_t i; (i = next++) < sources.size();) {
        results[i] = decode(sources[i], weights);
        if (progress) progress->advance();
      }
    } catch (...) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      next = sources.size();
    }
  };
  const int threads = std::max(1, std::min<int>(options_.threads, static_cast<int>(sources.size())));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace mtbench::phrase_based
