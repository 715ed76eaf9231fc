#include "eval/ter_shift.h"

#include <algorithm>
#include <cstdlib>

namespace mtbench::eval {
namespace {

using namespace ter_internal;

// tercom's limits, as sacreBLEU's lib_ter.py sets them (the beam width is in ter_distance.h).
constexpr int kMaxShiftSize = 10;
constexpr int kMaxShiftDist = 50;
constexpr int kMaxShiftCandidates = 1000;

// The trace of sacreBLEU's alignment (trace_to_alignment of the flipped trace):
// align[ref pos] = hypothesis position, and prefix sums of error flags.
void alignment(int nh, int nr, TerScratch& s) {
  s.align.assign(static_cast<std::size_t>(nr), -1);
  s.hyp_err.assign(static_cast<std::size_t>(nh) + 1, 0);
  s.ref_err.assign(static_cast<std::size_t>(nr) + 1, 0);
  int ph = -1, pr = -1;
  for (auto it = s.trace.rbegin(); it != s.trace.rend(); ++it) {
    switch (*it) {
      case kNop:
      case kSub: {
        const int err = *it == kSub ? 1 : 0;
        ++ph;
        ++pr;
        s.align[static_cast<std::size_t>(pr)] = ph;
        s.hyp_err[static_cast<std::size_t>(ph) + 1] = err;
        s.ref_err[static_cast<std::size_t>(pr) + 1] = err;
        break;
      }
      case kDel:  // a hypothesis word with no reference counterpart
        ++ph;
        s.hyp_err[static_cast<std::size_t>(ph) + 1] = 1;
        break;
      default:  // kIns: a reference word with no hypothesis counterpart
        ++pr;
        s.align[static_cast<std::size_t>(pr)] = ph;
        s.ref_err[static_cast<std::size_t>(pr) + 1] = 1;
        break;
    }
  }
  for (int k = 1; k <= nh; ++k) s.hyp_err[static_cast<std::size_t>(k)] += s.hyp_err[static_cast<std::size_t>(k) - 1];
  for (int k = 1; k <= nr; ++k) s.ref_err[static_cast<std::size_t>(k)] += s.ref_err[static_cast<std::size_t>(k) - 1];
}

// sacreBLEU's _perform_shift: moves words[start, start+length) to before position target.
template <typename T>
void perform_shift(const std::vector<T>& w, int start, int length, int target, std::vector<T>& out) {
  out.clear();
  const auto at = [&](int k) { return w.begin() + k; };
  const int n = static_cast<int>(w.size());
  if (target < start) {
    out.insert(out.end(), at(0), at(target));
    out.insert(out.end(), at(start), at(start + length));
    out.insert(out.end(), at(target), at(start));
    out.insert(out.end(), at(start + length), w.end());
  } else if (target > start + length) {
    out.insert(out.end(), at(0), at(start));
    out.insert(out.end(), at(start + length), at(target));
    out.insert(out.end(), at(start), at(start + length));
    out.insert(out.end(), at(target), w.end());
  } else {  // within the block itself (Python slices clamp at the end)
    const int mid = std::min(length + target, n);
    out.insert(out.end(), at(0), at(start));
    out.insert(out.end(), at(start + length), at(mid));
    out.insert(out.end(), at(start), at(start + length));
    out.insert(out.end(), at(mid), w.end());
  }
}

}  // namespace

TerReference::TerReference(std::vector<std::uint32_t> ids) : words(std::move(ids)) {
  positions.reserve(words.size());
  for (std::size_t k = 0; k < words.size(); ++k) positions.emplace_back(words[k], static_cast<std::uint32_t>(k));
  std::sort(positions.begin(), positions.end());
}

int ter_beam_edit_distance(const std::vector<std::uint32_t>& hyp, const std::vector<std::uint32_t>& ref) {
  TerScratch scratch;
  return full_distance(hyp, ref, scratch);
}

int ter_edits(const std::vector<std::uint32_t>& hyp, const TerReference& ref, TerScratch& s) {
  const std::vector<std::uint32_t>& r = ref.words;
  const int nr = static_cast<int>(r.size());
  const int nh = static_cast<int>(hyp.size());
  if (nr == 0) return nh;  // empty reference: every hypothesis word is an edit

  s.words = hyp;
  const bool bitparallel = nr <= 64;
  // Plain distances below this are the banded ones (see band_exit_cost).
  const std::int32_t exact_below = bitparallel ? band_exit_cost(nh, nr) : 0;
  if (bitparallel) {
    s.eq.resize(static_cast<std::size_t>(nh));
    for (int k = 0; k < nh; ++k) {
      std::uint64_t mask = 0;
      const std::uint32_t id = hyp[static_cast<std::size_t>(k)];
      auto it = std::lower_bound(ref.positions.begin(), ref.positions.end(), std::make_pair(id, 0u));
      for (; it != ref.positions.end() && it->first == id; ++it) mask |= std::uint64_t{1} << it->second;
      s.eq[static_cast<std::size_t>(k)] = mask;
    }
  }
  int shifts = 0, checked = 0;
  while (true) {
    std::int32_t pre;
    bool have_matrix = false;
    if (bitparallel) bitparallel_prefixes(s.eq, nr, s);
    if (bitparallel && s.score[static_cast<std::size_t>(nh)] < exact_below) {
      pre = s.score[static_cast<std::size_t>(nh)];
      trace_from_bits(s.words, r, s);
    } else {
      pre = full_distance(s.words, r, s);
      trace_from_matrix(nh, nr, s);
      have_matrix = true;
    }
    alignment(nh, nr, s);
    const std::vector<std::uint32_t>& w = s.words;

    // The best candidate so far, compared as sacreBLEU's tuples (gain, length, -start,
    // -target). Only gains >= 1 matter: without one the round ends with no shift anyway.
    bool found = false;
    int best_gain = 0, best_len = 0, best_start = 0, best_target = 0;
    bool stop = false;
    for (int sh = 0; sh < nh && !stop; ++sh) {
      const std::uint32_t id = w[static_cast<std::size_t>(sh)];
      if (id == 0) continue;
      auto it = std::lower_bound(ref.positions.begin(), ref.positions.end(), std::make_pair(id, 0u));
      for (; it != ref.positions.end() && it->first == id && !stop; ++it) {
        const int sr = static_cast<int>(it->second);
        if (std::abs(sr - sh) > kMaxShiftDist) continue;
        int len = 0;
        while (w[static_cast<std::size_t>(sh + len)] == r[static_cast<std::size_t>(sr + len)] && len < kMaxShiftSize) {
          ++len;
          // Shift only blocks with a hypothesis error, onto reference positions with an
          // error, and not into the block's own aligned span.
          const bool useful =
              s.hyp_err[static_cast<std::size_t>(sh + len)] != s.hyp_err[static_cast<std::size_t>(sh)] &&
              s.ref_err[static_cast<std::size_t>(sr + len)] != s.ref_err[static_cast<std::size_t>(sr)];
          const int aligned = s.align[static_cast<std::size_t>(sr)];
          if (useful && !(sh <= aligned && aligned < sh + len)) {
            int prev_idx = -1;
            for (int off = -1; off < len; ++off) {
              const int idx = sr + off == -1 ? 0 : s.align[static_cast<std::size_t>(sr + off)] + 1;
              if (idx == prev_idx) continue;
              prev_idx = idx;
              perform_shift(w, sh, len, idx, s.shifted);
              int prefix = std::min(sh, idx);
              while (prefix < nh && s.shifted[static_cast<std::size_t>(prefix)] == w[static_cast<std::size_t>(prefix)])
                ++prefix;
              const std::int32_t limit = pre - std::max(1, best_gain);
              std::int32_t dist;
              if (bitparallel) {
                perform_shift(s.eq, sh, len, idx, s.shifted_eq);
                // The plain distance: a lower bound of the banded one, and equal to it
                // below exact_below.
                dist = bitparallel_distance(s.shifted_eq, nr, prefix, limit, s);
                if (dist <= limit && dist >= exact_below)
                  dist = candidate_distance(s.shifted, r, prefix, limit, s, have_matrix, pre);
              } else {
                dist = candidate_distance(s.shifted, r, prefix, limit, s, true, pre);
              }
              ++checked;
              if (dist > limit) continue;
              const int gain = pre - dist;
              const bool better = !found || gain > best_gain ||
                                  (gain == best_gain &&
                                   (len > best_len ||
                                    (len == best_len && (sh < best_start || (sh == best_start && idx < best_target)))));
              if (better) {
                found = true;
                best_gain = gain;
                best_len = len;
                best_start = sh;
                best_target = idx;
              }
            }
            if (checked >= kMaxShiftCandidates) {
              stop = true;
              break;
            }
          }
          if (sh + len == nh || sr + len == nr) break;
        }
      }
    }
    // sacreBLEU drops the round's best shift once the candidate budget is spent.
    if (checked >= kMaxShiftCandidates || !found) return shifts + pre;
    ++shifts;
    perform_shift(s.words, best_start, best_len, best_target, s.shifted);
    s.words.swap(s.shifted);
    if (bitparallel) {
      perform_shift(s.eq, best_start, best_len, best_target, s.shifted_eq);
      s.eq.swap(s.shifted_eq);
    }
  }
}

}  // namespace mtbench::eval
