// `mtbench score`: a drop-in for the `sacrebleu` command (sacrebleu/sacrebleu.py main()) on
// reference and system files: same options, same text/JSON/LaTeX output, same paired tests
// and signatures; plus --all-pairs, several metrics with -sl, and --segment-scores.
// Test sets (-t/-l/--echo/--list/--origlang) come from corpus/test_sets.h: the WMT news
// sets of 2014-2022 and Multi30k. Deliberate differences: UTF-8 only, no terminal colours,
// one test set per run (no comma lists), and statistics are computed on all cores (--threads).
// The command's options (score_options.h), inputs (score_inputs.cc) and multi-system tables
// (score_tables.cc) live beside it.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/error.h"
#include "cli/app.h"
#include "cli/score_format.h"
#include "cli/score_inputs.h"
#include "cli/score_options.h"
#include "cli/score_tables.h"
#include "cli/validators.h"
#include "corpus/test_sets.h"
#include "eval/metric_factory.h"
#include "eval/segment_scores.h"
#include "eval/significance.h"

namespace mtbench::cli {
namespace {

// The metrics' options from the command line (sacreBLEU's arguments).
eval::MetricOptions metric_options(const ScoreOptions& o) {
  eval::MetricOptions m;
  m.bleu.lowercase = o.lowercase;
  m.bleu.tokenize = o.tokenize.empty() ? "13a" : o.tokenize;
  m.bleu.smooth_method = o.smooth_method;
  m.bleu.smooth_value = o.smooth_value;
  m.bleu.effective_order = o.sentence_level;  // sacreBLEU enables it for -sl
  m.chrf.char_order = o.chrf_char_order;
  m.chrf.word_order = o.chrf_word_order;
  m.chrf.beta = o.chrf_beta;
  m.chrf.whitespace = o.chrf_whitespace;
  m.chrf.lowercase = o.chrf_lowercase;
  m.chrf.eps_smoothing = o.chrf_eps_smoothing;
  m.ter.case_sensitive = o.ter_case_sensitive;
  m.ter.asian_support = o.ter_asian_support;
  m.ter.no_punct = o.ter_no_punct;
  m.ter.normalized = o.ter_normalized;
  return m;
}

void validate(ScoreOptions& o) {
  if (const char* env = std::getenv("SACREBLEU_FORMAT")) {
    std::string f = env;
    std::transform(f.begin(), f.end(), f.begin(), [](unsigned char c) { return std::tolower(c); });
    if (f == "json" || f == "text" || f == "latex") o.format = f;
  }
  std::vector<std::string> unique;
  for (auto m : o.metrics) {
    std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!eval::is_metric_name(m)) eval::make_metric(m);  // throws, naming the valid metrics
    if (std::find(unique.begin(), unique.end(), m) == unique.end()) unique.push_back(m);
  }
  o.metrics = unique;
  static const std::set<std::string> tokenizers = {"none", "zh", "13a", "char", "intl"};
  if (!o.tokenize.empty() && tokenizers.count(o.tokenize) == 0)
    fail<ConfigError>("unknown or unsupported BLEU tokenizer '{}' (choose from 13a, intl, char, zh, none)", o.tokenize);
  static const std::set<std::string> smooths = {"none", "floor", "add-k", "exp"};
  if (smooths.count(o.smooth_method) == 0)
    fail<ConfigError>("unknown smoothing method '{}' (choose from exp, floor, add-k, none)", o.smooth_method);
  if (o.format != "json" && o.format != "text" && o.format != "latex")
    fail<ConfigError>("unknown output format '{}' (choose from json, text, latex)", o.format);
  std::string enc = o.encoding;
  std::transform(enc.begin(), enc.end(), enc.begin(), [](unsigned char c) { return std::tolower(c); });
  if (enc != "utf-8" && enc != "utf8") fail<ConfigError>("only UTF-8 input is supported, not '{}'", o.encoding);
  if (o.paired_bs && o.paired_ar) fail<ConfigError>("--paired-bs and --paired-ar are mutually exclusive");
  if (o.width < 0) fail<ConfigError>("--width must be non-negative, got {}", o.width);
}

void run_score(ScoreOptions o, const GlobalOptions& global);

}  // namespace

void add_score_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ScoreOptions>();
  CLI::App* cmd =
      app.add_subcommand("score", "Score system outputs like the sacrebleu command (BLEU, chrF, TER, significance)");
  auto& o = *options;
  cmd->add_option("refs", o.refs, "Reference files (plain or gzip; several = multi-reference), before -i");
  cmd->add_option("-t,--test-set", o.test_set, "A registered test set instead of reference files (see --list)");
  cmd->add_option("-l,--language-pair", o.language_pair, "Language pair of -t, e.g. en-de");
  cmd->add_option("--echo", o.echo, "Print a field of the -t test set: src, ref, origlang or docid");
  cmd->add_flag("--list", o.list, "List the test sets (with -t: that set's language pairs)");
  cmd->add_option("--origlang,-o", o.origlang,
                  "Score only segments whose original language is xx (or, with non-xx, is not xx); -t sets only");
  cmd->add_option("-i,--input", o.inputs, "System output files (default: stdin, tab-separated systems)")
      ->expected(0, -1);
  cmd->add_option("-m,--metrics", o.metrics, "Metrics: bleu chrf ter (default: bleu)")->expected(1, -1);
  cmd->add_option("--num-refs", o.num_refs, "Tab-separated references per line of one reference file")
      ->check(integer_in(1, 1000));
  cmd->add_option("-e,--encoding", o.encoding, "Input encoding (only utf-8)");
  cmd->add_flag("--sentence-level", o.sentence_level, "Score every segment (-sl)");
  cmd->add_option("--tokenize", o.tokenize, "BLEU tokenizer: 13a (default), intl, char, zh, none (-tok)");
  cmd->add_flag("--lowercase", o.lowercase, "Case-insensitive BLEU (-lc)");
  cmd->add_option("-s,--smooth-method", o.smooth_method, "BLEU smoothing: exp, floor, add-k, none");
  cmd->add_option("--smooth-value", o.smooth_value, "Value for floor/add-k smoothing (-sv)")->check(finite_number());
  cmd->add_flag("--force", o.force, "Accepted for compatibility");
  cmd->add_option("--chrf-char-order", o.chrf_char_order, "chrF character n-gram order (-cc, default 6)")
      ->check(integer_in(0, 20));
  cmd->add_option("--chrf-word-order", o.chrf_word_order, "chrF word n-gram order; 2 = chrF++ (-cw, default 0)")
      ->check(integer_in(0, 20));
  cmd->add_option("--chrf-beta", o.chrf_beta, "chrF recall weight (default 2)")->check(integer_in(0, 100));
  cmd->add_flag("--chrf-whitespace", o.chrf_whitespace, "Keep whitespace in character n-grams");
  cmd->add_flag("--chrf-lowercase", o.chrf_lowercase, "Case-insensitive chrF");
  cmd->add_flag("--chrf-eps-smoothing", o.chrf_eps_smoothing, "chrF++.py/Moses epsilon smoothing");
  cmd->add_flag("--ter-case-sensitive", o.ter_case_sensitive, "Case-sensitive TER");
  cmd->add_flag("--ter-asian-support", o.ter_asian_support, "TER: split Asian characters");
  cmd->add_flag("--ter-no-punct", o.ter_no_punct, "TER: remove punctuation");
  cmd->add_flag("--ter-normalized", o.ter_normalized, "TER: tercom normalization");
  cmd->add_flag("--confidence", o.confidence, "Bootstrap 95% confidence interval for one system (-ci)");
  cmd->add_option("--confidence-n", o.confidence_n, "Bootstrap resamples for -ci (-cin, default 1000)")
      ->check(integer_in(1, 1000000));
  cmd->add_flag("--paired-bs", o.paired_bs, "Paired bootstrap resampling against the first system (-pbs)");
  cmd->add_flag("--paired-ar", o.paired_ar, "Paired approximate randomization against the first system (-par)");
  cmd->add_option("--paired-bs-n", o.paired_bs_n, "Bootstrap resamples (-pbsn, default 1000)")
      ->check(integer_in(1, 1000000));
  cmd->add_option("--paired-ar-n", o.paired_ar_n, "Approximate randomization trials (-parn, default 10000)")
      ->check(integer_in(1, 1000000));
  cmd->add_option("-j,--paired-jobs", o.paired_jobs, "Accepted for compatibility (all cores are used)")
      ->check(integer_in(0, 4096));
  cmd->add_flag("--all-pairs", o.all_pairs, "With -pbs/-par: test every pair of systems (significance matrix)");
  cmd->add_option("--segment-scores", o.segment_scores, "Write every segment's scores (all systems, metrics) as JSONL");
  cmd->add_flag("-q,--quiet", o.quiet, "No progress messages");
  cmd->add_flag("--short", o.short_signature, "Short signatures (-sh)");
  cmd->add_flag("-b,--score-only", o.score_only, "Print only the scores");
  cmd->add_option("-w,--width", o.width, "Decimals (default 1)")->check(integer_in(0, 17));
  cmd->add_flag("--no-color", o.no_color, "Accepted for compatibility (mtbench never colours)");
  cmd->add_option("-f,--format", o.format, "Output format: json (default), text, latex");
  cmd->callback([options, &global]() { run_score(*options, global); });
}

namespace {

// --list: every test set, or the pairs of -t.
void list_test_sets(const ScoreOptions& o) {
  if (!o.test_set.empty()) {
    const TestSetInfo& set = find_test_set(o.test_set);
    fmt::print("{}\n", fmt::join(set.pairs, " "));
    return;
  }
  fmt::print("The available test sets are:\n");
  for (const auto& set : test_set_registry()) fmt::print("{:>16}: {}\n", set.name, set.description);
}

// The segments an --origlang filter keeps ("xx" or "non-xx").
std::vector<std::size_t> origlang_subset(const std::string& filter, const TestSetText& text, const std::string& set) {
  if (text.origlang.empty()) fail<ConfigError>("--origlang: test set {} has no original-language information", set);
  const bool negate = filter.rfind("non-", 0) == 0;
  const std::string lang = negate ? filter.substr(4) : filter;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < text.origlang.size(); ++i)
    if ((text.origlang[i] == lang) != negate) keep.push_back(i);
  if (keep.empty()) fail<ConfigError>("--origlang {}: no segment of {} matches", filter, set);
  return keep;
}

void run_score(ScoreOptions o, const GlobalOptions& global) {
  validate(o);
  if (o.list) {
    list_test_sets(o);
    return;
  }
  std::optional<TestSetText> test_set;
  if (!o.test_set.empty()) {
    if (o.language_pair.empty()) {
      const TestSetInfo& set = find_test_set(o.test_set);
      fail<ConfigError>("-t {} needs a language pair (-l); it has: {}", o.test_set, fmt::join(set.pairs, ", "));
    }
    if (!o.refs.empty()) fail<ConfigError>("give either reference files or a test set (-t), not both");
    test_set = load_test_set_text(o.test_set, o.language_pair);
    if (!o.echo.empty()) {
      const std::vector<std::string>* field = o.echo == "src"        ? &test_set->source
                                              : o.echo == "ref"      ? &test_set->references[0]
                                              : o.echo == "origlang" ? &test_set->origlang
                                              : o.echo == "docid"    ? &test_set->docid
                                                                     : nullptr;
      if (field == nullptr) fail<ConfigError>("--echo: unknown field '{}'; valid: src, ref, origlang, docid", o.echo);
      if (field->empty())
        fail<ConfigError>("--echo {}: test set {} ({}) has no {} here{}", o.echo, o.test_set, o.language_pair, o.echo,
                          o.echo == "src" ? " (the mirror's processed files hold only the reference)" : "");
      std::string out;
      for (const auto& line : *field) out += line + "\n";
      std::fwrite(out.data(), 1, out.size(), stdout);
      return;
    }
    for (const auto& f : test_set->reference_files) o.refs.push_back(f.string());
  } else if (!o.echo.empty() || !o.language_pair.empty() || !o.origlang.empty()) {
    fail<ConfigError>("--echo, -l and --origlang need a test set (-t)");
  }
  const bool paired = o.paired_bs || o.paired_ar;
  const int threads = resolved_threads(global);
  ScoreInputs in = read_score_inputs(o, paired);
  if (test_set && !o.origlang.empty()) {
    const auto keep = origlang_subset(o.origlang, *test_set, o.test_set);
    auto subset = [&](std::vector<std::string>& lines) {
      std::vector<std::string> out;
      for (std::size_t i : keep) out.push_back(std::move(lines[i]));
      lines = std::move(out);
    };
    for (auto& r : in.refs) subset(r);
    for (auto& s : in.systems) subset(s);
  }
  const std::size_t num_sys = in.systems.size();
  if (o.sentence_level && num_sys > 1) fail<ConfigError>("only one system can be scored in sentence-level mode");
  if (o.sentence_level && (o.confidence || paired))
    fail<ConfigError>("statistical tests are unavailable in sentence-level mode");
  if (paired && num_sys == 1) fail<ConfigError>("paired tests need several systems given to -i/--input");
  if (num_sys > 1 && o.confidence) fail<ConfigError>("use paired tests (--paired-bs/--paired-ar) for several systems");
  if (o.all_pairs && !paired) fail<ConfigError>("--all-pairs needs --paired-bs or --paired-ar");

  std::vector<std::unique_ptr<eval::Metric>> metrics;
  const eval::MetricOptions options = metric_options(o);
  for (const auto& name : o.metrics) {
    metrics.push_back(eval::make_metric(name, options));
    metrics.back()->set_references(in.refs);
  }
  // Statistics of every (system, metric) pair; the metrics' const methods are called
  // concurrently on the shared reference caches.
  std::vector<std::vector<eval::StatsMatrix>> stats(num_sys, std::vector<eval::StatsMatrix>(metrics.size()));
  // eval::parallel_for rethrows a worker's exception (bad_alloc on huge lines, a DataError)
  // after the loop: nothing escapes an OpenMP region.
  eval::parallel_for(num_sys * metrics.size(), [&](std::size_t job, int) {
    const std::size_t s = job / metrics.size(), m = job % metrics.size();
    stats[s][m] = metrics[m]->segment_stats(in.systems[s]);
  });

  std::vector<const eval::Metric*> metric_ptrs;
  for (const auto& m : metrics) metric_ptrs.push_back(m.get());
  std::vector<std::vector<const eval::StatsMatrix*>> stats_ptrs(num_sys);
  for (std::size_t s = 0; s < num_sys; ++s)
    for (auto& st : stats[s]) stats_ptrs[s].push_back(&st);

  if (!o.segment_scores.empty()) eval::write_segment_scores(o.segment_scores, in.names, metric_ptrs, stats_ptrs);

  auto signature = [&](std::size_t m, bool allow_short) {
    const std::string sig = metrics[m]->signature();
    return allow_short && o.short_signature ? metrics[m]->short_signature(sig) : sig;
  };
  // sacreBLEU sorts metrics by their upper-case names outside paired tests.
  std::vector<std::size_t> sorted(metrics.size());
  for (std::size_t m = 0; m < sorted.size(); ++m) sorted[m] = m;
  std::sort(sorted.begin(), sorted.end(), [&](std::size_t a, std::size_t b) { return o.metrics[a] < o.metrics[b]; });

  std::string out;
  if (o.sentence_level) {
    for (std::size_t i = 0; i < in.systems[0].size(); ++i)
      for (std::size_t m = 0; m < metrics.size(); ++m) {
        const eval::Score sc = metrics[m]->sentence_score_from_stats(stats[0][m].row(i));
        out +=
            format_single({sc.name, sc.score, signature(m, true), sc.verbose, {}, {}}, o.width, o.score_only, false) +
            "\n";
      }
  } else if (num_sys == 1) {
    std::vector<std::string> results;
    const std::optional<std::uint64_t> seed =
        o.confidence ? eval::sacrebleu_seed_from_env() : std::optional<std::uint64_t>();
    for (std::size_t m : sorted) {
      const eval::Score sc = metrics[m]->score_from_stats(stats[0][m].sum());
      SingleScore single{sc.name, sc.score, signature(m, o.format != "json"), sc.verbose, {}, {}};
      if (o.confidence) {
        const auto scores = eval::bootstrap_scores({metric_ptrs[m]}, {{stats_ptrs[0][m]}},
                                                   static_cast<std::size_t>(o.confidence_n), seed, threads);
        const auto [mean, ci] = eval::estimate_ci(scores[0][0]);
        single.mean = mean;
        single.ci = ci;
        single.signature =
            eval::signature_with_test(metrics[m]->signature(), "bs", static_cast<std::size_t>(o.confidence_n), seed);
        if (o.format != "json" && o.short_signature) single.signature = metrics[m]->short_signature(single.signature);
      }
      results.push_back(format_single(single, o.width, o.score_only, o.format == "json"));
    }
    out = join_single_results(results, o.format == "json");
  } else {
    out = format_multi_system(o, in.names, metric_ptrs, stats_ptrs, threads, sorted);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fflush(stdout);
}

}  // namespace
}  // namespace mtbench::cli
