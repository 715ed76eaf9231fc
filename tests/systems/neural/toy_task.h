#pragma once
// The toy task of the neural systems' tests: "Der <noun> <verb>." -> "The <noun> <verb>." over
// 5 nouns x 4 verbs. A tiny model's exact outputs depend on the BLAS kernels OpenBLAS picks
// for the CPU (SkylakeX vs Haswell give different floating-point sums), so tests assert how
// much of the task a model learned, never one particular sentence.

#include <string>
#include <utility>
#include <vector>

#include "systems/translator.h"

namespace mtbench::testing {

inline const std::vector<std::pair<std::string, std::string>>& toy_nouns() {
  static const std::vector<std::pair<std::string, std::string>> nouns = {
      {"Hund", "dog"}, {"Mann", "man"}, {"Junge", "boy"}, {"Vogel", "bird"}, {"Koch", "cook"}};
  return nouns;
}

inline const std::vector<std::pair<std::string, std::string>>& toy_verbs() {
  static const std::vector<std::pair<std::string, std::string>> verbs = {
      {"läuft", "runs"}, {"schläft", "sleeps"}, {"springt", "jumps"}, {"singt", "sings"}};
  return verbs;
}

// Every sentence pair of the task, 12 times over; the dev set is the 20 pairs once, so that
// checkpoint selection on dev BLEU sees the whole task (with two dev sentences a lucky early
// checkpoint could win and the test would measure the luck of the kernels' rounding).
inline TrainData toy_task_data() {
  TrainData d;
  for (int rep = 0; rep < 12; ++rep)
    for (const auto& [n, ne] : toy_nouns())
      for (const auto& [v, ve] : toy_verbs()) {
        d.train_source.push_back("Der " + n + " " + v + ".");
        d.train_target.push_back("The " + ne + " " + ve + ".");
      }
  for (const auto& [n, ne] : toy_nouns())
    for (const auto& [v, ve] : toy_verbs()) {
      d.dev_source.push_back("Der " + n + " " + v + ".");
      d.dev_target.push_back("The " + ne + " " + ve + ".");
    }
  return d;
}

// The trainer settings every toy training of an RNN pins. Its default preset, full, was retuned
// for an hour of Multi30k (#16: tied output, label smoothing, a linear decay to 0 over 3,000
// updates after 200 of warmup, selection by dev loss); a toy of 30-300 updates keeps what it was
// written for, a constant rate decayed on plateaus and selection by dev BLEU, and no averaging
// of the last checkpoints (the full preset averages 4, chosen on Multi30k's val).
inline constexpr const char* kRnnToyTraining =
    "tie_output: false\nlabel_smoothing: 0\nlr_schedule: plateau\nwarmup_steps: 0\ndev_bleu: true\n"
    "average_checkpoints: 0\n";

// The same for the Transformer's toys: its full preset's norm, schedule and selection are
// retuned for an hour of Multi30k (#16); a toy keeps post-norm LayerNorm, the noam schedule
// (its learning_rate is noam's factor) and selection by dev BLEU.
inline constexpr const char* kTransformerToyTraining =
    "norm: post\nnorm_type: layer\nfix_norm: false\nlr_schedule: noam\ndev_bleu: true\n";

// The fraction of the task's 20 sentences `system` translates exactly right.
inline double toy_task_accuracy(Translator& system, TranslateOptions options = {}) {
  std::vector<std::string> sources, references;
  for (const auto& [n, ne] : toy_nouns())
    for (const auto& [v, ve] : toy_verbs()) {
      sources.push_back("Der " + n + " " + v + ".");
      references.push_back("The " + ne + " " + ve + ".");
    }
  const auto out = system.translate(sources, options);
  std::size_t right = 0;
  for (std::size_t i = 0; i < out.size() && i < references.size(); ++i) right += out[i].text == references[i];
  return static_cast<double>(right) / static_cast<double>(references.size());
}

}  // namespace mtbench::testing
