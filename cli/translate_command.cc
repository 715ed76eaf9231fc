// `mtbench translate --model DIR`: translates one segment per line (stdin to stdout by
// default) with a model written by `mtbench train`; optionally writes the system's
// explanations (alignments, attention, rules) as JSON Lines. Several --model directories of
// neural systems decode as one ensemble (systems/neural/ensemble.h).

#include <algorithm>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "cli/app.h"
#include "cli/validators.h"
#include "systems/explanation_json.h"
#include "systems/model_dir.h"
#include "systems/registry.h"
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/neural_module.h"
#endif

namespace mtbench::cli {
namespace {

// Command-line options of `mtbench translate`.
struct TranslateArgs {
  std::vector<std::string> models;  // --model DIR (repeated: an ensemble of neural models)
  std::string input = "-";          // -i FILE ("-" = stdin)
  std::string output = "-";         // -o FILE ("-" = stdout)
  int beam = 0;                     // --beam (0 = system default)
  int batch_size = 0;               // --batch-size (0 = all segments in one call)
  std::string explain;              // --explain FILE.jsonl
  std::string device = "cpu";       // --device
};

#ifdef MTBENCH_HAVE_TORCH
// Whether `manifest` is a model of a built-in neural system (the ones an ensemble can hold).
bool is_neural_model(const ModelManifest& manifest) {
  const auto& registry = TranslatorRegistry::instance();
  return manifest.system_origin == "built-in" && registry.contains(manifest.system) &&
         registry.entry(manifest.system).info.paradigm == "neural";
}
#endif

// The first model, made an ensemble with the others when there are several.
LoadedModel load_models(const TranslateArgs& a) {
  if (a.models.size() == 1) return load_model(a.models.front());
#ifdef MTBENCH_HAVE_TORCH
  if (!a.explain.empty())
    fail<ConfigError>(
        "--explain with {} models: explanations belong to one model (drop --explain or the other "
        "--model directories)",
        a.models.size());
  LoadedModel first = load_model(a.models.front());
  const auto require_neural = [](const std::string& dir, const ModelManifest& manifest) {
    if (!is_neural_model(manifest))
      fail<ConfigError>(
          "{}: a '{}' model; an ensemble (several --model) decodes neural models only (rnn-attention, rnn-encdec, "
          "transformer)",
          dir, manifest.system);
  };
  require_neural(a.models.front(), first.manifest);
  std::vector<std::unique_ptr<Translator>> members;
  for (std::size_t i = 1; i < a.models.size(); ++i) {
    LoadedModel m = load_model(a.models[i]);
    require_neural(a.models[i], m.manifest);
    members.push_back(std::move(m.translator));
  }
  neural::ensemble_translators(*first.translator, std::move(members), a.models);
  return first;
#else
  fail<ConfigError>("{} models: an ensemble needs the neural systems, and this mtbench was built without LibTorch",
                    a.models.size());
#endif
}

void run_translate(const TranslateArgs& a, const GlobalOptions& global) {
  apply_global_options(global);
  LoadedModel model = load_models(a);
  const std::vector<std::string> sources = read_lines(a.input);

  Progress progress(global.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  TranslateOptions options;
  options.beam_size = a.beam;
  options.explain = !a.explain.empty();
  options.threads = resolved_threads(global);
  options.device = a.device;
  const std::size_t batch =
      a.batch_size > 0 ? static_cast<std::size_t>(a.batch_size) : std::max<std::size_t>(sources.size(), 1);
  // With one call the system reports its own progress; with batches we count them here.
  options.progress = batch >= sources.size() ? &progress : nullptr;

  std::vector<Translation> translations;
  translations.reserve(sources.size());
  if (batch < sources.size()) progress.begin("translate", sources.size(), "sent");
  for (std::size_t start = 0; start < sources.size(); start += batch) {
    const std::size_t end = std::min(sources.size(), start + batch);
    const std::vector<std::string> chunk(sources.begin() + start, sources.begin() + end);
    auto out = model.translator->translate(chunk, options);
    if (out.size() != chunk.size()) {
      fail("system '{}' returned {} translations for {} segments (lines {}-{} of {})", model.manifest.system,
           out.size(), chunk.size(), start + 1, end, a.input);
    }
    for (auto& t : out) translations.push_back(std::move(t));
    if (batch < sources.size()) progress.advance(chunk.size());
  }
  if (batch < sources.size()) progress.end();

  std::vector<std::string> lines;
  lines.reserve(translations.size());
  for (const auto& t : translations) lines.push_back(t.text);
  if (a.output.empty() || a.output == "-") {
    write_lines("-", lines);
  } else {
    write_lines_atomic(a.output, lines);
  }
  if (!a.explain.empty()) {
    std::string jsonl;
    for (std::size_t i = 0; i < translations.size(); ++i) {
      const nlohmann::json record = {{"id", i + 1},
                                     {"source", sources[i]},
                                     {"hypothesis", translations[i].text},
                                     {"explanation", explanation_to_json(translations[i].explanation)}};
      jsonl += record.dump();
      jsonl += '\n';
    }
    write_file_atomic(a.explain, jsonl);
  }
  progress.print_summary();
}

}  // namespace

void add_translate_command(CLI::App& app, GlobalOptions& global) {
  auto* sub = app.add_subcommand("translate", "Translate text with a trained model (one segment per line)");
  sub->footer(
      "Examples:\n"
      "  echo 'Ein Hund läuft.' | mtbench translate --model models/rb\n"
      "  mtbench translate --model models/tf -i test.de -o test.hyp.en --beam 5 --explain "
      "test.explain.jsonl\n"
      "  mtbench translate --model models/tf --model models/tf-seed2 -i test.de -o test.hyp.en   (an ensemble)\n"
      "Keep --batch-size 0 for the external system's pre-computed outputs (they must match the "
      "whole input).");
  auto a = std::make_shared<TranslateArgs>();
  sub->add_option("--model", a->models,
                  "Model directory written by `mtbench train`; repeat it to decode neural models with the same "
                  "vocabulary as one ensemble (the first model's beam and length penalty)")
      ->required();
  sub->add_option("-i,--input", a->input, "Input file, plain or gzip (default: stdin)");
  sub->add_option("-o,--output", a->output, "Output file, written atomically (default: stdout)");
  sub->add_option("--beam", a->beam, "Beam size (0 = the system's default)")->check(integer_in(0, 1000));
  sub->add_option("--batch-size", a->batch_size, "Segments per translate call (0 = all at once)")
      ->check(integer_in(0, 100000000));
  sub->add_option("--explain", a->explain, "Write per-segment explanations as JSON Lines to this file");
  sub->add_option("--device", a->device, "Device for neural systems")->check(CLI::IsMember({"cpu", "cuda"}));
  sub->callback([&global, a] { run_translate(*a, global); });
}

}  // namespace mtbench::cli
