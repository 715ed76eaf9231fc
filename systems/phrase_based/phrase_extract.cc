#include "systems/phrase_based/phrase_extract.h"

#include <algorithm>

#include "base/error.h"

namespace mtbench::phrase_based {

std::vector<PhraseSpan> extract_phrases(const Alignment& alignment, int source_length, int target_length,
                                        const ExtractOptions& options) {
  const int I = source_length, J = target_length, max_len = options.max_phrase_length;
  std::vector<char> linked(static_cast<std::size_t>(I) * J, 0);
  std::vector<int> src_links(I, 0);
  std::vector<std::vector<int>> tgt_to_src(J);
  for (auto [s, t] : alignment) {
    if (s < 0 || t < 0 || s >= I || t >= J)
      fail<DataError>("alignment link {}-{} outside a {}x{} sentence pair", s, t, I, J);
    linked[static_cast<std::size_t>(s) * J + t] = 1;
    ++src_links[s];
    tgt_to_src[t].push_back(s);
  }
  std::vector<PhraseSpan> out;
  for (int tb = 0; tb < J; ++tb) {
    int smin = I, smax = -1;
    for (int te = tb + 1; te <= std::min(J, tb + max_len); ++te) {
      for (int s : tgt_to_src[te - 1]) {
        smin = std::min(smin, s);
        smax = std::max(smax, s);
      }
      if (smax < 0) continue;  // no link in the target span yet
      if (smax - smin + 1 > max_len) continue;
      // Consistency: every link of a source word in [smin, smax] must land in [tb, te).
      bool consistent = true;
      for (int s = smin; s <= smax && consistent; ++s) {
        if (!src_links[s]) continue;
        for (int t = 0; t < J; ++t)
          if (linked[static_cast<std::size_t>(s) * J + t] && (t < tb || t >= te)) {
            consistent = false;
            break;
          }
      }
      if (!consistent) continue;
      // Extend over unaligned source words on both sides.
      for (int sb = smin; sb >= 0 && (sb == smin || !src_links[sb]); --sb) {
        for (int se = smax + 1; se <= I && (se == smax + 1 || !src_links[se - 1]); ++se) {
          if (se - sb > max_len) break;
          PhraseSpan span;
          span.source_begin = sb;
          span.source_end = se;
          span.target_begin = tb;
          span.target_end = te;
          span.orientation = phrase_orientations(linked, I, J, sb, se, tb, te);
          out.push_back(span);
        }
      }
    }
  }
  return out;
}

}  // namespace mtbench::phrase_based
