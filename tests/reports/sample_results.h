#pragma once
// A small hand-made RunResults for the report tests: two systems (one with LaTeX/CSV/HTML
// special characters in its label), one test set with scores, intervals, a significance
// matrix, analyses, explanations of every kind and a training log.

#include <string>

#include <nlohmann/json.hpp>

#include "reports/run_results.h"

namespace mtbench::reports::samples {

inline RunResults sample_run() {
  RunResults r;
  r.mtbench_version = "0.1.0";
  r.created = "2024-05-01T12:00:00Z";
  r.corpus = "multi30k";
  r.source_lang = "de";
  r.target_lang = "en";
  r.train_size = 29000;
  SystemResults a;
  a.label = "rule-based";
  a.system = "rule-based";
  a.title = "Georgetown-style rules";
  a.era = "1954";
  a.year = 1954;
  a.paradigm = "rule-based";
  a.citation = "Dostert 1955";
  a.translate_seconds = 1.5;
  a.sentences_per_second = 666.7;
  a.model_bytes = 123456;
  SystemResults b;
  b.label = "A&B_50% #1 {x}~^\\$ \"q\", <b>";
  b.system = "transformer";
  b.year = 2017;
  b.paradigm = "neural";
  b.train_seconds = 4000;
  b.model_dir = "models/t";
  b.parameters = 65000000;
  b.training_log = {{100, 0.5, 5.0, 4.8, 10.0, 1e-3, 900.0, "valid", "", {}},
                    {200, 1.0, 3.5, 3.9, 20.0, 1e-3, 950.0, "valid", "", {}}};
  r.systems = {a, b};
  TestSetResults t;
  t.name = "test_2016_flickr";
  t.source = {"ein Hund läuft .", "zwei Männer </script> spielen ."};
  t.references = {{"a dog runs .", "two men play ."}};
  t.outputs[a.label] = {"a Hund runs .", "two men play ."};
  t.outputs[b.label] = {"a dog runs .", "two men </script> <!-- play ."};
  t.scores[a.label] = {
      {"BLEU", 41.2345, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", "", 41.0, 2.25, true},
      {"TER", 30.0, "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0", "", std::nullopt,
       std::nullopt, false}};
  t.scores[b.label] = {
      {"BLEU", 55.5, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0", "", 55.0, 1.75, true},
      {"TER", 20.0, "nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.6.0", "", std::nullopt,
       std::nullopt, false}};
  t.sentence_scores[a.label]["BLEU"] = {30.0, 100.0};
  t.sentence_scores[b.label]["BLEU"] = {100.0, 40.0};
  SignificanceMatrix m;
  m.metric = "BLEU";
  m.test = "bootstrap";
  m.samples = 1000;
  m.labels = {a.label, b.label};
  m.p_values = {{std::nullopt, 0.001}, {0.001, std::nullopt}};
  m.deltas = {{0.0, -14.27}, {14.27, 0.0}};
  t.significance = {m};
  t.analyses.length_buckets = {
      {"0-9", 2, {{a.label, 41.2}, {b.label, 55.5}}, {{a.label, {30.1, 50.2}}, {b.label, {44.0, 61.9}}}}};
  t.analyses.frequency_buckets = {{"0", 3, {{a.label, 20.0}, {b.label, 50.0}}, {}},
                                  {"1000+", 5, {{a.label, 90.0}, {b.label, 95.0}}, {}}};
  t.analyses.ngrams = {{a.label, b.label, {{"two men", 0.75, 2, 0}}, {{"a dog", 0.25, 0, 2}}}};
  t.analyses.examples = {0, 1};
  t.analyses.statistics[a.label] = {1.0, 8, 1, 1};
  t.analyses.statistics[b.label] = {1.25, 10, 0, 0};
  nlohmann::json rule = {
      {"source_tokens", {"ein", "Hund", "läuft", "."}},
      {"rules", {{{"rule", "ADJ-NOUN"}, {"detail", "kept order </script>"}}}},
      {"lexicon", {{{"source", "Hund"}, {"lemma", "Hund"}, {"target", "dog"}, {"pos", "N"}, {"note", ""}}}},
      {"unknown_words", {"Hund"}}};
  nlohmann::json attention = nlohmann::json::array();
  for (const char* kind : {"cross", "encoder-self", "decoder-self"}) {
    for (int layer = 0; layer < 2; ++layer) {
      for (int head = 0; head < 2; ++head) {
        attention.push_back({{"kind", kind},
                             {"layer", layer},
                             {"head", head},
                             {"row_tokens", {"a", "dog"}},
                             {"col_tokens", {"ein", "Hund"}},
                             {"weights", {0.9, 0.1, 0.2, 0.8}}});
      }
    }
  }
  attention.push_back({{"kind", "positional-encoding"},
                       {"layer", 0},
                       {"head", 0},
                       {"row_tokens", {"0", "1"}},
                       {"col_tokens", {"d0", "d1"}},
                       {"weights", {0.0, 1.0, 0.84, 0.54}}});
  nlohmann::json neural = {
      {"source_tokens", {"ein", "Hund"}}, {"target_tokens", {"a", "dog"}}, {"attention", attention}};
  t.explanations[a.label] = {rule, nullptr};
  t.explanations[b.label] = {neural, nullptr};
  r.tests = {t};
  DataEfficiency d;
  d.test = "test_2016_flickr";
  d.sizes = {1000, 5000, 29000};
  d.bleu[a.label] = {10.0, 10.5, 11.0};
  d.bleu[b.label] = {2.0, 15.0, std::nullopt};
  r.data_efficiency = d;
  return r;
}

}  // namespace mtbench::reports::samples
