// Perplexity exactly as KenLM's `query -v summary` computes it (lm/ngram_query.hh): each line
// is scored from the <s> state, every word and a final </s> count as tokens (<s> is not
// scored), per-sentence totals are summed in float and the corpus total in double; a word
// outside the vocabulary is scored as <unk> and counted as an OOV. "Excluding OOVs" removes
// both the OOV tokens and their <unk> log probabilities.

#include <cmath>

#include <fmt/format.h>

#include "systems/lm/ngram_lm.h"

namespace mtbench::lm {

PerplexityReport evaluate(const Model& model, const std::vector<std::string>& sentences,
                          std::vector<SentenceScore>* per_sentence) {
  const WordIndex eos = model.index("</s>");
  const WordIndex unk = model.unk();
  double corpus_total = 0.0, oov_total = 0.0;
  std::uint64_t oovs = 0, tokens = 0;
  State state, next;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; };
  if (per_sentence) per_sentence->clear();
  for (const std::string& line : sentences) {
    state = model.begin_sentence_state();
    float total = 0.0f;
    std::uint64_t sentence_oovs = 0;
    std::size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && is_space(line[i])) ++i;
      std::size_t j = i;
      while (j < line.size() && !is_space(line[j])) ++j;
      if (j == i) break;
      const WordIndex w = model.index(std::string_view(line).substr(i, j - i));
      const float p = model.score(state, w, &next);
      if (w == unk) {
        ++sentence_oovs;
        oov_total += p;
      }
      total += p;
      ++tokens;
      state = next;
      i = j;
    }
    total += model.score(state, eos, &next);
    ++tokens;
    corpus_total += total;
    oovs += sentence_oovs;
    if (per_sentence) per_sentence->push_back({total, sentence_oovs});
  }
  PerplexityReport report;
  report.tokens = tokens;
  report.oovs = oovs;
  if (tokens > 0) report.perplexity_including_oovs = std::pow(10.0, -(corpus_total / static_cast<double>(tokens)));
  if (tokens > oovs)
    report.perplexity_excluding_oovs =
        std::pow(10.0, -((corpus_total - oov_total) / static_cast<double>(tokens - oovs)));
  return report;
}

std::string format_perplexity_report(const PerplexityReport& report) {
  // KenLM prints doubles through an iostream with the default precision 6, i.e. %g.
  return fmt::format("Perplexity including OOVs:\t{:g}\nPerplexity excluding OOVs:\t{:g}\nOOVs:\t{}\nTokens:\t{}\n",
                     report.perplexity_including_oovs, report.perplexity_excluding_oovs, report.oovs, report.tokens);
}

}  // namespace mtbench::lm
