// `mtbench lm`: n-gram language models like KenLM's tools.
//   mtbench lm build --order N [-i TEXT] --arpa OUT [--binary OUT.bin]   (lmplz -o N; build_binary)
//                    [--memory SIZE [--temp-dir DIR]]                     (lmplz -S SIZE -T DIR)
//   mtbench lm query MODEL [-i TEXT]          (query -v summary MODEL < TEXT; ARPA or binary)

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "cli/app.h"
#include "systems/lm/ngram_lm.h"

namespace mtbench::cli {
namespace {

struct LmBuildOptions {
  int order = 3;                         // n-gram order 2..6
  std::string input = "-";               // tokenized training text, one sentence per line ("-" = stdin)
  std::string arpa;                      // output ARPA file
  std::string binary;                    // also write the binary model here (empty = no)
  bool discount_fallback = false;        // lmplz --discount_fallback
  bool no_interpolate_unigrams = false;  // lmplz --interpolate_unigrams 0 (SRILM behaviour)
  std::string memory;                    // sort on disk within this much memory (empty = all in memory)
  std::string temp_dir;                  // where the sorted files go (empty = beside --arpa)
};

struct LmQueryOptions {
  std::string arpa;         // model (ARPA, plain or gzip, or binary)
  std::string input = "-";  // tokenized text to score ("-" = stdin)
  bool sentences = false;   // also print "Total: LOG10PROB OOV: N" per line (query -v sentence)
};

void run_build(const LmBuildOptions& o, const GlobalOptions& global) {
  apply_global_options(global);
  Progress& progress = Progress::global();
  lm::EstimateOptions options;
  options.order = o.order;
  options.discount_fallback = o.discount_fallback;
  options.interpolate_unigrams = !o.no_interpolate_unigrams;
  lm::EstimateStats stats;
  if (!o.memory.empty()) {
    lm::ExternalEstimateOptions external;
    external.memory = static_cast<std::size_t>(parse_byte_size(o.memory, "--memory"));
    external.temp_dir = o.temp_dir;
    external.progress = &progress;
    lm::estimate_arpa_external(o.input, options, external, o.arpa, &stats);
  } else {
    if (!o.temp_dir.empty())
      fail<ConfigError>("--temp-dir {} needs --memory (without it nothing goes to disk)", o.temp_dir);
    progress.begin("read text");
    const std::vector<std::string> sentences = read_lines(o.input);
    progress.end(fmt::format("{} sentences", sentences.size()));
    progress.begin("estimate and write ARPA");
    lm::estimate_arpa(sentences, options, o.arpa, &stats);  // streamed to the file
    progress.end(o.arpa);
  }
  if (!progress.quiet()) {
    // The statistics lmplz prints: n-gram counts and discounts per order.
    std::string summary = fmt::format("Unigram tokens {} types {}\n", stats.tokens, stats.counts[0]);
    for (std::size_t k = 0; k < stats.counts.size(); ++k)
      summary += fmt::format("{} {} D1={} D2={} D3+={}\n", k + 1, stats.counts[k], stats.discounts[k][1],
                             stats.discounts[k][2], stats.discounts[k][3]);
    progress.log(summary.substr(0, summary.size() - 1));
  }
  if (!o.binary.empty()) {
    progress.begin("write binary");
    lm::Model::write_binary(*lm::Model::load_arpa(o.arpa), o.binary);
    progress.end(o.binary);
  }
  if (!progress.quiet()) progress.print_summary();
}

void run_query(const LmQueryOptions& o, const GlobalOptions& global) {
  apply_global_options(global);
  Progress& progress = Progress::global();
  progress.begin("load model");
  const auto model = lm::Model::load(o.arpa);
  progress.end(fmt::format("order {}, {} words", model->order(), model->vocab_size()));
  const std::vector<std::string> sentences = read_lines(o.input);
  progress.begin("query");
  std::vector<lm::SentenceScore> scores;
  const lm::PerplexityReport report = lm::evaluate(*model, sentences, o.sentences ? &scores : nullptr);
  progress.end(fmt::format("{} tokens", report.tokens));
  std::string out;
  for (const auto& s : scores) out += fmt::format("Total: {:g} OOV: {}\n", s.log10_prob, s.oovs);
  out += lm::format_perplexity_report(report);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  if (!progress.quiet() && global.verbose) progress.print_summary();
}

}  // namespace

void add_lm_command(CLI::App& app, GlobalOptions& global) {
  CLI::App* lm = app.add_subcommand("lm", "n-gram language models (modified Kneser-Ney, KenLM-compatible ARPA)");
  lm->require_subcommand(1);

  auto build = std::make_shared<LmBuildOptions>();
  CLI::App* b = lm->add_subcommand(
      "build", "Estimate an interpolated modified Kneser-Ney model like KenLM's lmplz and write ARPA");
  b->add_option("-o,--order", build->order, "n-gram order (2..6)")->capture_default_str()->check(CLI::Range(2, 6));
  b->add_option("-i,--input", build->input,
                "Tokenized text, one sentence per line, plain or gzip ('-' = standard input)")
      ->capture_default_str();
  b->add_option("--arpa", build->arpa, "Output ARPA file")->required();
  b->add_option("--binary", build->binary,
                "Also write the binary model (memory-mapped by `lm query` and the decoders; like KenLM's "
                "build_binary)");
  b->add_option("--memory", build->memory,
                "Estimate with sorted files on disk, sorting in at most SIZE of memory (e.g. 512M, 2G; like "
                "lmplz -S); the same ARPA as without it");
  b->add_option("--temp-dir", build->temp_dir,
                "Directory for the sorted files of --memory (default: the directory of --arpa; like lmplz -T)");
  b->add_flag("--discount-fallback", build->discount_fallback,
              "Use discounts 0.5 1 1.5 when counts-of-counts cannot give them (tiny corpora)");
  b->add_flag("--no-interpolate-unigrams", build->no_interpolate_unigrams,
              "Give the unigram interpolation mass to <unk> instead (SRILM behaviour)");
  b->callback([build, &global] { run_build(*build, global); });

  auto query = std::make_shared<LmQueryOptions>();
  CLI::App* q = lm->add_subcommand(
      "query", "Perplexity of tokenized text under a model, printed like KenLM's `query -v summary`");
  q->add_option("model", query->arpa, "ARPA model (plain or gzip) or binary model (lm build --binary)")->required();
  q->add_option("-i,--input", query->input, "Tokenized text, one sentence per line ('-' = standard input)")
      ->capture_default_str();
  q->add_flag("--sentences", query->sentences,
              "Also print \"Total: LOG10PROB OOV: N\" for every line (KenLM's query -v sentence)");
  q->callback([query, &global] { run_query(*query, global); });
}

}  // namespace mtbench::cli
