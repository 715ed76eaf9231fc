// `mtbench align`: word alignment of a tokenized parallel corpus (like fast_align + atools).

#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "base/atomic_output.h"
#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "cli/app.h"
#include "cli/validators.h"
#include "systems/alignment/ibm_align.h"
#include "systems/alignment/symmetrize.h"

namespace mtbench::cli {
namespace {

struct AlignCommandOptions {
  std::string source;                              // tokenized source file (plain or gzip)
  std::string target;                              // tokenized target file, line-aligned
  std::string model = "fastalign";                 // ibm1 | fastalign (= ibm2) | hmm
  int iterations = 5;                              // EM iterations
  std::string direction = "both";                  // forward | reverse | both
  std::string symmetrize = "grow-diag-final-and";  // used with direction both
  double p0 = 0.08;                                // null probability (fastalign)
  double tension = 4.0;                            // initial diagonal tension (fastalign)
  bool no_optimize_tension = false;                // keep the tension fixed
  bool no_vb = false;                              // plain EM M-step instead of variational Bayes
  double prune = 0;                                // drop t(f|e) <= this after each iteration but the last
  std::string output = "-";                        // Pharaoh output ("-" = stdout)
};

// The lines of a tokenized file as word ids, read in one streamed pass (plain or gzip; the
// reader's DataErrors name file and line).
std::vector<std::vector<alignment::WordId>> read_word_ids(const std::string& path, alignment::Vocab& vocab) {
  std::vector<std::vector<alignment::WordId>> ids;
  for_each_line(path, [&](std::string_view line, std::size_t) { ids.push_back(vocab.add_sentence(line)); });
  return ids;
}

void run_align(const AlignCommandOptions& o, const GlobalOptions& global) {
  using namespace mtbench::alignment;
  apply_global_options(global);
  Progress& progress = Progress::global();
  AlignOptions options;
  options.model = parse_align_model(o.model);
  if (o.direction != "forward" && o.direction != "reverse" && o.direction != "both")
    fail<ConfigError>("--direction: '{}' is not one of forward, reverse, both", o.direction);
  const Symmetrization method = parse_symmetrization(o.symmetrize);
  options.iterations = o.iterations;
  options.p0 = o.p0;
  options.diagonal_tension = o.tension;
  options.optimize_tension = !o.no_optimize_tension;
  options.variational_bayes = !o.no_vb;
  options.prune_below = o.prune;
  options.threads = resolved_threads(global);

  // Each side is streamed once into word ids: EM visits the corpus many times, but as ids, so
  // the text is never held whole (issue #17: memory grows with the table, not the corpus).
  Vocab src_vocab, tgt_vocab;
  std::vector<std::vector<WordId>> src = read_word_ids(o.source, src_vocab);
  std::vector<std::vector<WordId>> tgt = read_word_ids(o.target, tgt_vocab);
  if (src.size() != tgt.size()) {
    fail<DataError>("line counts differ: {} has {} lines but {} has {} lines", o.source, src.size(), o.target,
                    tgt.size());
  }
  DirectionalResult forward, reverse;
  if (o.direction != "reverse") forward = train_alignment(src, tgt, options, false, &progress);
  if (o.direction != "forward") reverse = train_alignment(src, tgt, options, true, &progress);
  // Streamed out as well (atomically into a file: a failed run leaves no partial output).
  std::unique_ptr<AtomicOutputFile> file;
  if (o.output != "-" && !o.output.empty()) file = std::make_unique<AtomicOutputFile>(o.output);
  std::ostream& out = file ? file->stream() : std::cout;
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (o.direction == "forward")
      out << format_pharaoh(forward.alignments[i]) << '\n';
    else if (o.direction == "reverse")
      out << format_pharaoh(reverse.alignments[i]) << '\n';
    else
      out << format_pharaoh(symmetrize(forward.alignments[i], reverse.alignments[i], static_cast<int>(src[i].size()),
                                       static_cast<int>(tgt[i].size()), method))
          << '\n';
  }
  if (file)
    file->commit();
  else
    std::cout.flush();
  if (!progress.quiet()) progress.print_summary();
}

}  // namespace

void add_align_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<AlignCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "align", "Word-align a tokenized parallel corpus (IBM Model 1, fast_align's Model 2 or the HMM), Pharaoh output");
  cmd->add_option("-s,--source", options->source, "Tokenized source file (plain or gzip)")->required();
  cmd->add_option("-t,--target", options->target, "Tokenized target file, line-aligned")->required();
  cmd->add_option("--model", options->model, "ibm1 | fastalign (= ibm2) | hmm")->capture_default_str();
  cmd->add_option("--iterations", options->iterations, "EM iterations")
      ->capture_default_str()
      ->check(integer_in(1, 100000));
  cmd->add_option("--direction", options->direction,
                  "forward (each source word picks a target word, as fast_align), reverse (as fast_align -r), "
                  "or both (symmetrized)")
      ->capture_default_str();
  cmd->add_option("--symmetrize", options->symmetrize,
                  "intersect | union | grow-diag | grow-diag-final | grow-diag-final-and (gdfa)")
      ->capture_default_str();
  cmd->add_option("--p0", options->p0, "Null alignment probability (fastalign, hmm)")
      ->capture_default_str()
      ->check(finite_number() & CLI::Range(0.0, 1.0));
  cmd->add_option("--tension", options->tension, "Initial diagonal tension (fastalign)")
      ->capture_default_str()
      ->check(finite_number());
  cmd->add_flag("--fixed-tension", options->no_optimize_tension, "Do not re-estimate the diagonal tension");
  cmd->add_flag("--no-vb", options->no_vb, "Plain EM instead of the variational Bayes M-step");
  cmd->add_option("--prune", options->prune,
                  "Drop word pairs whose t(f|e) is at most this after each iteration but the last (GIZA++'s t-table "
                  "cutoff, e.g. 1e-7; 0 keeps all)")
      ->capture_default_str()
      ->check(finite_number() & CLI::Range(0.0, 0.999999));
  cmd->add_option("-o,--output", options->output, "Output file ('-' = standard output)")->capture_default_str();
  cmd->callback([options, &global] { run_align(*options, global); });
}

}  // namespace mtbench::cli
