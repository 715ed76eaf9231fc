#pragma once
// Translation by analogy (Nagao 1984, "A Framework of a Mechanical Translation between
// Japanese and English by Analogy Principle"; Sato & Nagao 1990 for combining fragments of
// several examples), as one retrieve-adapt-recombine pass:
//   1. Retrieve: the examples sharing the most informative words with the input (an inverted
//      index weighted by IDF ranks candidates in milliseconds over tens of thousands of
//      examples), re-ranked by fuzzy match, 1 - word edit distance / longer length, the
//      measure translation memories use.
//   2. Adapt: the word edit alignment between the input and the best example's source gives
//      matched words and differing blocks; the example's target words aligned (by the shared
//      word aligner) only to a differing block are removed.
//   3. Recombine: each differing input block is translated by fragments found in other
//      examples — the longest n-grams first, each looked up in the index, its target side read
//      off the example's word alignment (consistent spans only, as in phrase extraction), the
//      most frequent translation over the examples inspected — and put where the removed
//      words were (or beside the target of the neighbouring matched word).
// Unknown words are passed through.

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "systems/alignment/ibm_align.h"
#include "systems/example_based/options.h"

namespace mtbench::example_based {

// One translation example: tokenized (truecased) sides and their word alignment.
struct Example {
  std::vector<std::string> source;  // source tokens
  std::vector<std::string> target;  // target tokens
  alignment::Alignment links;       // (source, target) links, sorted
};

// Where a piece of the output came from.
struct Piece {
  int input_begin = 0;              // first input token covered
  int input_end = 0;                // one past the last
  std::vector<std::string> target;  // its target words
  int example = -1;                 // example it came from (0-based), -1 = passed through
  bool matched = false;             // part of the retrieved example's match (else a fragment)
  int agreeing = 0;                 // fragments: examples that translate it this way
  int inspected = 0;                // fragments: examples inspected that contain it
};

struct ExampleTranslation {
  std::vector<std::string> target;         // output tokens
  int example = -1;                        // retrieved example (0-based), -1 = none
  double fuzzy = 0;                        // its fuzzy match with the input, 0..1
  std::vector<Piece> pieces;               // input order
  std::vector<std::pair<int, int>> links;  // (input position, output position)
};

class ExampleBase {
 public:
  ExampleBase() = default;
  ExampleBase(std::vector<Example> examples, const ExampleBasedOptions& options);

  ExampleTranslation translate(const std::vector<std::string>& input) const;

  const std::vector<Example>& examples() const { return examples_; }
  std::size_t size() const { return examples_.size(); }

  // One line per example: source, target and Pharaoh links, tab-separated.
  void save(const std::filesystem::path& path) const;
  static ExampleBase load(const std::filesystem::path& path, const ExampleBasedOptions& options);

 private:
  struct Match {
    int example = -1;
    double fuzzy = 0;
  };
  struct Fragment {
    std::vector<std::string> target;
    alignment::Alignment links;  // (source offset in the n-gram, target offset in `target`)
    int example = -1;
    int agreeing = 0;
    int inspected = 0;
    bool found = false;
  };
  void build_index();
  Match retrieve(const std::vector<int>& input) const;
  Fragment fragment(const std::vector<int>& input, int begin, int length) const;

  std::vector<Example> examples_;                    // the example base
  ExampleBasedOptions options_;                      // retrieval settings
  std::unordered_map<std::string, int> word_ids_;    // source word -> id
  std::vector<std::vector<int>> source_ids_;         // per example, its source word ids
  std::vector<std::vector<std::int32_t>> postings_;  // word id -> examples containing it (ascending)
};

}  // namespace mtbench::example_based
