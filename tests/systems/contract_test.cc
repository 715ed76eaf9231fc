// The contract every system keeps, checked for every registered built-in system and the
// example plugin: train -> save -> load -> translate on one shared toy corpus that holds an
// empty line, a 1,000-word line and non-Latin text; exactly one output per input, in order;
// an empty input gives an empty output; a loaded model translates as the trained one did;
// explanations are well-formed (shapes, index ranges, weights) and survive their JSON form.
// A new built-in system is covered without touching this file (it trains with its "quick"
// preset unless it is given toy options below).

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/progress.h"
#include "systems/builtin/builtin.h"
#include "systems/explanation_json.h"
#include "systems/model_dir.h"
#include "systems/plugin.h"
#include "systems/registry.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

// A sentence of `words` words (German, from a small vocabulary).
std::string long_sentence(int words) {
  static const char* vocabulary[] = {"der", "Hund", "sieht", "das", "Haus", "und", "ein", "Mann", "liest"};
  std::string out;
  for (int i = 0; i < words; ++i) out += std::string(i ? " " : "") + vocabulary[i % 9];
  return out + ".";
}

const char* kNonLatin = "Москва и 東京 — القاهرة ✓";

// Repetitive enough for alignment, phrases and a 3-gram LM; plus the hard lines.
TrainData toy_corpus() {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Das Haus ist klein.", "The house is small."},
      {"Das Haus ist groß.", "The house is big."},
      {"Das Buch ist klein.", "The book is small."},
      {"Ein Mann liest ein Buch.", "A man reads a book."},
      {"Ein Mann sieht das Haus.", "A man sees the house."},
      {"Eine Frau liest das Buch.", "A woman reads the book."},
      {"Der Hund ist groß.", "The dog is big."},
      {"Ein Hund sieht einen Mann.", "A dog sees a man."},
  };
  TrainData d;
  for (int rep = 0; rep < 6; ++rep)
    for (const auto& [s, t] : pairs) {
      d.train_source.push_back(s);
      d.train_target.push_back(t);
    }
  d.train_source.insert(d.train_source.end(), {"", long_sentence(1000), kNonLatin});
  d.train_target.insert(d.train_target.end(), {"", long_sentence(1000), kNonLatin});
  d.dev_source = {"Der Hund liest das Buch.", "Das Haus ist klein."};
  d.dev_target = {"The dog reads the book.", "The house is small."};
  return d;
}

// Toy-sized options of the systems this repository knows; others train with "quick". An
// untrained neural model rarely ends a sentence, so its outputs are bounded (max_length_a/b):
// the 1,000-word line must not cost a 1,500-step beam search here.
struct ToyConfig {
  std::string preset;  // preset name
  std::string yaml;    // system options
};
ToyConfig toy_config(const std::string& system) {
  static const std::map<std::string, ToyConfig> configs = {
      {"rule-based", {"", ""}},
      {"phrase-based", {"quick", "tune: false\nlm_order: 3\n"}},
      {"rnn-attention",
       {"quick",
        "vocab_size: 200\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\nattention_dim: 16\noutput_dim: 16\n"
        "batch_tokens: 400\nmax_steps: 20\nvalidate_every: 10\nmax_minutes: 0\ndev_bleu_sentences: 2\n"
        "beam_size: 2\nmax_length_a: 0.02\nmax_length_b: 12\n"}},
      {"rnn-encdec",
       {"quick",
        "vocab_size: 200\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\noutput_dim: 16\n"
        "batch_tokens: 400\nmax_steps: 20\nvalidate_every: 10\nmax_minutes: 0\ndev_bleu_sentences: 2\n"
        "beam_size: 2\nmax_length_a: 0.02\nmax_length_b: 12\n"}},
      {"transformer",
       {"quick",
        "vocab_size: 200\ndim: 32\nheads: 2\nffn_dim: 64\nencoder_layers: 2\ndecoder_layers: 2\nbatch_tokens: 400\n"
        "warmup_steps: 10\nmax_steps: 20\nvalidate_every: 10\nmax_minutes: 0\ndev_bleu_sentences: 2\n"
        "average_checkpoints: 0\nbeam_size: 2\nmax_length_a: 0.02\nmax_length_b: 12\n"}},
      {"external", {"", "command: cat\n"}},
      {"dice", {"", ""}},
  };
  const auto it = configs.find(system);
  return it == configs.end() ? ToyConfig{"quick", ""} : it->second;
}

// Every built-in system, then the example plugin.
std::vector<std::string> systems_under_contract() {
  register_builtin_translators();
  std::vector<std::string> names;
  for (const auto& e : TranslatorRegistry::instance().entries())
    if (e.origin == "built-in") names.push_back(e.info.name);
  names.push_back("dice");
  return names;
}

// Loads the example plugin (built into the build tree) once.
void ensure_dice_plugin() {
  auto& registry = TranslatorRegistry::instance();
  if (registry.contains("dice")) return;
  load_plugin_dir(std::filesystem::path(MTBENCH_BINARY_DIR) / "tests" / "plugins" / "dice", registry);
}

// Shapes, ranges and weights of one explanation.
void expect_well_formed(const Explanation& e, const std::string& where) {
  SCOPED_TRACE(where);
  const auto src = static_cast<int>(e.source_tokens.size()), tgt = static_cast<int>(e.target_tokens.size());
  for (const auto& [s, t] : e.alignment) {
    EXPECT_TRUE(s >= 0 && s < src) << "alignment source index " << s << " of " << src;
    EXPECT_TRUE(t >= 0 && t < tgt) << "alignment target index " << t << " of " << tgt;
  }
  for (const auto& p : e.phrases)
    EXPECT_TRUE(p.source_begin >= 0 && p.source_begin < p.source_end && p.source_end <= src);
  for (const auto& a : e.attention) {
    const std::size_t rows = a.row_tokens.size(), cols = a.col_tokens.size();
    ASSERT_EQ(a.weights.size(), rows * cols) << a.kind << " layer " << a.layer << " head " << a.head;
    EXPECT_FALSE(a.kind.empty());
    // Positional encodings (sin/cos values in [-1, 1]) travel as matrices too; everything else
    // holds attention distributions.
    const bool positional = a.kind.rfind("positional", 0) == 0;
    // Query and key vectors (kinds "<x>-query", "<x>-key": rows tokens, columns dimensions)
    // for the neuron view hold any finite values.
    const auto ends_with = [&a](const std::string& tail) {
      return a.kind.size() >= tail.size() && a.kind.compare(a.kind.size() - tail.size(), tail.size(), tail) == 0;
    };
    const bool vectors = ends_with("-query") || ends_with("-key");
    std::size_t bad_weights = 0, bad_rows = 0;
    for (std::size_t r = 0; r < rows; ++r) {
      double sum = 0;
      for (std::size_t c = 0; c < cols; ++c) {
        const float w = a.weights[r * cols + c];
        bad_weights += !(std::isfinite(w) && (vectors || (w >= (positional ? -1.001f : 0.0f) && w <= 1.001f)));
        sum += w;
      }
      // Rows are distributions, up to the rounding of stored weights (1e-3 per value).
      bad_rows += !positional && !vectors && sum > 1.0 + 1e-3 * static_cast<double>(cols) + 1e-6;
    }
    EXPECT_EQ(bad_weights, 0u) << a.kind << " layer " << a.layer << " head " << a.head << ": weights outside [0, 1]";
    EXPECT_EQ(bad_rows, 0u) << a.kind << " layer " << a.layer << " head " << a.head << ": rows summing above 1";
  }
  for (const auto& [name, value] : e.scores) EXPECT_TRUE(std::isfinite(value)) << name;
  // The JSON form the report reads holds the same explanation.
  const auto json = explanation_to_json(e);
  EXPECT_EQ(explanation_to_json(explanation_from_json(json, where)), json);
}

class SystemContract : public ::testing::TestWithParam<std::string> {};

TEST_P(SystemContract, TrainSaveLoadTranslateOnHardInputs) {
  const std::string name = GetParam();
  if (name == "dice") ensure_dice_plugin();
  auto& registry = TranslatorRegistry::instance();
  ASSERT_TRUE(registry.contains(name));
  const ToyConfig toy = toy_config(name);
  testing::ScratchDir dir;
  Progress progress(ProgressMode::kQuiet);
  TrainOptions options;
  options.source_lang = "de";
  options.target_lang = "en";
  options.preset = toy.preset;
  options.config_yaml = toy.yaml;
  options.config_origin = "contract toy options";
  options.model_dir = dir / "model";
  options.threads = 2;
  options.progress = &progress;
  auto system = registry.create(name);
  prepare_model_dir(options.model_dir);
  system->train(toy_corpus(), options);
  ModelManifest manifest;
  manifest.source_lang = "de";
  manifest.target_lang = "en";
  save_model(*system, manifest, options.model_dir);
  auto loaded = load_model(options.model_dir, registry);
  EXPECT_EQ(loaded.manifest.system, name);

  const std::vector<std::string> inputs = {"Der Hund liest das Buch.", "", long_sentence(1000), kNonLatin,
                                           "Das Haus ist klein."};
  TranslateOptions plain;
  plain.threads = 2;
  TranslateOptions explained = plain;
  explained.explain = true;
  const auto trained_out = system->translate(inputs, plain);
  const auto loaded_out = loaded.translator->translate(inputs, plain);
  const auto explained_out = loaded.translator->translate(inputs, explained);
  ASSERT_EQ(trained_out.size(), inputs.size());
  ASSERT_EQ(loaded_out.size(), inputs.size());
  ASSERT_EQ(explained_out.size(), inputs.size());
  EXPECT_EQ(trained_out[1].text, "") << "an empty input translates to an empty line";
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_EQ(loaded_out[i].text, trained_out[i].text) << "input " << i << ": the loaded model differs";
    EXPECT_EQ(explained_out[i].text, loaded_out[i].text) << "input " << i << ": explaining changed the output";
    EXPECT_EQ(loaded_out[i].text.find('\n'), std::string::npos) << "input " << i << ": an output is one line";
    expect_well_formed(explained_out[i].explanation, name + " input " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(EverySystem, SystemContract, ::testing::ValuesIn(systems_under_contract()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

}  // namespace
}  // namespace mtbench
