#pragma once
// Optional per-sentence "explanations" a system returns for the report: the only window
// the harness has into a system's internals. All fields are optional (empty = not given).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mtbench {

// One attention (or alignment-weight) matrix: rows are target tokens, columns source tokens.
// Two other kinds travel in the same shape: "positional-encoding" (rows positions, columns
// dimensions, values in [-1, 1]) and vectors, kinds ending in "-query" or "-key" (rows tokens,
// columns dimensions of one head, any finite values: the neuron view).
struct AttentionMatrix {
  std::string kind;                     // "cross", "encoder-self", "decoder-self", "bahdanau"
  int layer = 0;                        // 0-based layer (0 for single-layer models)
  int head = 0;                         // 0-based head (0 for single-head attention)
  std::vector<std::string> row_tokens;  // query tokens (rows)
  std::vector<std::string> col_tokens;  // key tokens (columns)
  std::vector<float> weights;           // row-major [rows, cols]; each row sums to 1
};

// One phrase pair of a phrase-based derivation, in target order.
struct PhraseUse {
  int source_begin = 0;                                // first source token (0-based)
  int source_end = 0;                                  // one past the last source token
  std::string source;                                  // source phrase text
  std::string target;                                  // target phrase text
  std::vector<std::pair<std::string, double>> scores;  // feature name -> value
};

// A structural rule that fired (rule-based system), in firing order.
struct RuleFiring {
  std::string rule;    // rule name as written in the rule file
  std::string detail;  // what it did, e.g. "moved 'gesehen' after 'hat'"
};

// A lexicon entry used for one source token (rule-based system).
struct LexiconUse {
  std::string source;  // surface form in the input
  std::string lemma;   // lemma looked up
  std::string target;  // chosen translation
  std::string pos;     // part of speech of the chosen entry
  std::string note;    // why this sense ("pos agreement", "unknown: passed through", ...)
};

// Everything a system may say about how it translated one sentence.
struct Explanation {
  std::vector<std::string> source_tokens;              // tokens as the system saw them
  std::vector<std::string> target_tokens;              // tokens it produced
  std::vector<std::pair<int, int>> alignment;          // (source index, target index) links
  std::vector<AttentionMatrix> attention;              // attention per layer/head/kind
  std::vector<PhraseUse> phrases;                      // phrase segmentation
  std::vector<RuleFiring> rules;                       // fired rules in order
  std::vector<LexiconUse> lexicon;                     // lexicon entries used
  std::vector<std::string> unknown_words;              // source words the system could not translate
  std::vector<std::pair<std::string, double>> scores;  // model scores (log-prob, features)

  bool empty() const {
    return source_tokens.empty() && target_tokens.empty() && alignment.empty() && attention.empty() &&
           phrases.empty() && rules.empty() && lexicon.empty() && unknown_words.empty() && scores.empty();
  }
};

}  // namespace mtbench
