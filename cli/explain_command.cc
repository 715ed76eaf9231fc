// `mtbench explain RUN_DIR --sentence N [--test NAME] [--systems LABEL ...]`: explains one test
// sentence after the run (the report keeps only the first sentences' explanations), with the
// run's own models, stores it in RUN_DIR/results.json and redraws the report, so the page shows
// it under "Inside the systems".

#include <algorithm>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "cli/app.h"
#include "reports/html_report.h"
#include "reports/run_results.h"
#include "reports/tables.h"
#include "serve/model_set.h"
#include "systems/explanation_json.h"

namespace mtbench::cli {
namespace {

struct ExplainOptions {
  std::string run_dir;                 // the run directory (holds results.json)
  std::vector<std::size_t> sentences;  // 1-based sentence numbers of the test set
  std::string test;                    // test set name ("" = the first)
  std::vector<std::string> systems;    // labels to explain with ("" = every system with a model)
};

void run_explain(const ExplainOptions& options, const GlobalOptions& global) {
  namespace fs = std::filesystem;
  const fs::path run_dir = options.run_dir;
  reports::RunResults results = reports::load_run_results(run_dir);
  if (results.tests.empty()) fail<DataError>("explain: {} has no test sets", (run_dir / "results.json").string());
  auto test = results.tests.begin();
  if (!options.test.empty()) {
    test =
        std::find_if(results.tests.begin(), results.tests.end(), [&](const auto& t) { return t.name == options.test; });
    if (test == results.tests.end()) {
      std::string names;
      for (const auto& t : results.tests) names += (names.empty() ? "" : ", ") + t.name;
      fail<ConfigError>("explain: no test set '{}' in {} (it has {})", options.test, run_dir.string(), names);
    }
  }
  if (test->source.empty())
    fail<DataError>("explain: test set '{}' has no source side (scored outputs only): nothing to translate",
                    test->name);
  for (std::size_t n : options.sentences)
    if (n < 1 || n > test->source.size())
      fail<ConfigError>("explain: --sentence {} is outside test set '{}' (1 to {})", n, test->name,
                        test->source.size());

  std::vector<std::string> skipped;
  auto sources = serve::run_models(run_dir, &skipped);
  if (!options.systems.empty()) {
    for (const auto& label : options.systems)
      if (std::none_of(sources.begin(), sources.end(), [&](const auto& s) { return s.label == label; }))
        fail<ConfigError>("explain: no model for system '{}' in {}", label, run_dir.string());
    sources.erase(std::remove_if(sources.begin(), sources.end(),
                                 [&](const auto& s) {
                                   return std::find(options.systems.begin(), options.systems.end(), s.label) ==
                                          options.systems.end();
                                 }),
                  sources.end());
  }
  if (sources.empty()) fail<DataError>("explain: no system of {} has a model directory", run_dir.string());
  Progress progress(global.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  const auto systems = serve::load_systems(sources, progress);
  std::vector<std::string> inputs;
  for (std::size_t n : options.sentences) inputs.push_back(test->source[n - 1]);
  std::size_t explained = 0;
  for (const auto& system : systems) {
    if (!system->translator) {
      std::cerr << fmt::format("explain: {} not loaded: {}\n", system->label, system->load_error);
      continue;
    }
    TranslateOptions t;
    t.explain = true;
    t.threads = resolved_threads(global);
    const auto out = system->translator->translate(inputs, t);
    auto& list = test->explanations[system->label];
    for (std::size_t k = 0; k < options.sentences.size(); ++k) {
      const std::size_t i = options.sentences[k] - 1;
      if (list.size() <= i) list.resize(i + 1, nullptr);
      list[i] = explanation_to_json(out[k].explanation);
      ++explained;
    }
  }
  for (std::size_t n : options.sentences)
    if (std::find(test->explained_on_demand.begin(), test->explained_on_demand.end(), n - 1) ==
        test->explained_on_demand.end())
      test->explained_on_demand.push_back(n - 1);
  reports::save_run_results(results, run_dir);
  reports::write_html_report(results, run_dir / "report.html");
  if (!global.quiet)
    std::cerr << fmt::format("explain: {} explanations of {} sentence(s) of {} saved in {}; report redrawn: {}\n",
                             explained, options.sentences.size(), test->name, (run_dir / "results.json").string(),
                             (run_dir / "report.html").string());
}

}  // namespace

void add_explain_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ExplainOptions>();
  auto* sub = app.add_subcommand("explain", "Explain test sentences of a compare run after the fact (into its report)");
  sub->add_option("run_dir", options->run_dir, "Run directory written by `mtbench compare`")->required();
  sub->add_option("--sentence", options->sentences, "Sentence number(s) of the test set, from 1")->required();
  sub->add_option("--test", options->test, "Test set name (default: the run's first)");
  sub->add_option("--systems", options->systems, "Only these system labels (default: every system with a model)");
  sub->footer("Example:\n  mtbench explain runs/default --sentence 500 --systems \"Transformer (2017)\"");
  sub->callback([options, &global] {
    apply_global_options(global);
    run_explain(*options, global);
  });
}

}  // namespace mtbench::cli
