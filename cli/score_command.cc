// `mtbench score`: a drop-in for the `sacrebleu` command (sacrebleu/sacrebleu.py main()) on
// reference and system files: same options, same text/JSON/LaTeX output, same paired tests
// and signatures; plus --all-pairs, several metrics with -sl, and --segment-scores.
// Deliberate differences: no -t/-l test-set download (give reference files), UTF-8 only,
// no terminal colours, and statistics are computed on all cores.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/score_format.h"
#include "corpus/error.h"
#include "corpus/text_file.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/segment_scores.h"
#include "eval/significance.h"
#include "eval/ter.h"

namespace mtbench::cli {
namespace {

// Options of `mtbench score` (sacrebleu's argument names in parentheses where they differ).
struct ScoreOptions {
  std::vector<std::string> refs;                   // reference files (positional)
  std::vector<std::string> inputs;                 // system files (-i); stdin when empty
  bool input_given = false;                        // -i appeared (possibly without files)
  std::vector<std::string> metrics = {"bleu"};     // bleu, chrf, ter (-m)
  int num_refs = 1;                                // tab-separated references per line (-nr)
  std::string encoding = "utf-8";                  // only UTF-8 is supported (-e)
  bool sentence_level = false;                     // per-segment scores (-sl)
  // BLEU
  std::string tokenize;                            // -tok; empty = 13a
  bool lowercase = false;                          // -lc
  std::string smooth_method = "exp";               // -s
  std::optional<double> smooth_value;              // -sv
  bool force = false;                              // accepted for compatibility
  // chrF
  int chrf_char_order = 6, chrf_word_order = 0, chrf_beta = 2;  // -cc, -cw, --chrf-beta
  bool chrf_whitespace = false, chrf_lowercase = false, chrf_eps_smoothing = false;
  // TER
  bool ter_case_sensitive = false, ter_asian_support = false, ter_no_punct = false, ter_normalized = false;
  // statistics
  bool confidence = false;                         // -ci
  int confidence_n = 1000;                         // -cin
  bool paired_bs = false, paired_ar = false;       // -pbs, -par
  int paired_bs_n = 1000, paired_ar_n = 10000;     // -pbsn, -parn
  int paired_jobs = 1;                             // -j (accepted; all cores are used)
  bool all_pairs = false;                          // every pair of systems (mtbench)
  std::string segment_scores;                      // JSONL of per-segment scores (mtbench)
  // reporting
  bool quiet = false, short_signature = false, score_only = false, no_color = false;
  int width = 1;                                   // -w
  std::string format = "json";                     // -f json|text|latex
};

// Python's str.rstrip(): ASCII whitespace, separators 0x1c-0x1f and Unicode spaces.
std::string rstrip(const std::string& s) {
  static const std::vector<std::string> unicode_spaces = {
      "\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
      "\xe2\x81\x9f", "\xe3\x80\x80"};
  std::size_t end = s.size();
  while (end > 0) {
    const auto c = static_cast<unsigned char>(s[end - 1]);
    if (c == ' ' || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f)) {
      --end;
      continue;
    }
    bool matched = false;
    if (end >= 3 && s.compare(end - 3, 2, "\xe2\x80") == 0 &&
        static_cast<unsigned char>(s[end - 1]) >= 0x80 && static_cast<unsigned char>(s[end - 1]) <= 0x8a) {
      end -= 3;  // U+2000..U+200A
      matched = true;
    }
    for (const auto& sp : unicode_spaces)
      if (!matched && end >= sp.size() && s.compare(end - sp.size(), sp.size(), sp) == 0) {
        end -= sp.size();
        matched = true;
      }
    if (!matched) break;
  }
  return s.substr(0, end);
}

std::vector<std::string> split_tabs(const std::string& line, std::size_t max_fields) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (out.size() + 1 < max_fields) {
    const std::size_t tab = line.find('\t', start);
    if (tab == std::string::npos) break;
    out.push_back(line.substr(start, tab - start));
    start = tab + 1;
  }
  out.push_back(line.substr(start));
  return out;
}

std::unique_ptr<eval::Metric> make_metric(const std::string& name, const ScoreOptions& o) {
  if (name == "bleu") {
    eval::BleuOptions b;
    b.lowercase = o.lowercase;
    b.tokenize = o.tokenize.empty() ? "13a" : o.tokenize;
    b.smooth_method = o.smooth_method;
    b.smooth_value = o.smooth_value;
    b.effective_order = o.sentence_level;  // sacreBLEU enables it for -sl
    return std::make_unique<eval::Bleu>(b);
  }
  if (name == "chrf") {
    eval::ChrfOptions c;
    c.char_order = o.chrf_char_order;
    c.word_order = o.chrf_word_order;
    c.beta = o.chrf_beta;
    c.whitespace = o.chrf_whitespace;
    c.lowercase = o.chrf_lowercase;
    c.eps_smoothing = o.chrf_eps_smoothing;
    return std::make_unique<eval::Chrf>(c);
  }
  eval::TerOptions t;
  t.case_sensitive = o.ter_case_sensitive;
  t.asian_support = o.ter_asian_support;
  t.no_punct = o.ter_no_punct;
  t.normalized = o.ter_normalized;
  return std::make_unique<eval::Ter>(t);
}

// sacreBLEU's --short signatures: every key abbreviated as the metric's Signature does.
std::string shorten(const std::string& metric, const std::string& signature) {
  std::map<std::string, std::string> abbr = {{"version", "v"}, {"nrefs", "#"}, {"bs", "bs"},
                                             {"ar", "ar"},     {"seed", "rs"}, {"test", "t"},
                                             {"lang", "l"},    {"subset", "S"}, {"origlang", "o"},
                                             {"case", "c"}};
  if (metric == "bleu") abbr.insert({{"eff", "e"}, {"tok", "tok"}, {"smooth", "s"}});
  if (metric == "chrf") abbr.insert({{"eff", "e"}, {"nc", "nc"}, {"nw", "nw"}, {"space", "s"}});
  if (metric == "ter") abbr.insert({{"tok", "t"}, {"norm", "nr"}, {"punct", "pn"}, {"asian", "as"}});
  std::string out;
  std::size_t start = 0;
  while (start <= signature.size()) {
    std::size_t bar = signature.find('|', start);
    if (bar == std::string::npos) bar = signature.size();
    std::string field = signature.substr(start, bar - start);
    const std::size_t colon = field.find(':');
    auto it = abbr.find(field.substr(0, colon));
    if (it != abbr.end() && colon != std::string::npos) field = it->second + field.substr(colon);
    out += (out.empty() ? "" : "|") + field;
    start = bar + 1;
  }
  return out;
}

struct Inputs {
  std::vector<std::vector<std::string>> refs;  // [stream][segment]
  std::vector<std::string> ref_names;          // file per stream (for messages)
  std::vector<std::vector<std::string>> systems;
  std::vector<std::string> names;              // display names (sacreBLEU's)
  std::vector<std::string> files;              // source of each system (for messages)
};

Inputs read_inputs(const ScoreOptions& o, bool paired) {
  Inputs in;
  if (o.refs.empty())
    fail<ConfigError>("no reference files given (give them before -i/--input)");
  if (o.num_refs != 1 && o.refs.size() > 1)
    fail<ConfigError>("--num-refs splits one tab-separated reference file; got {} reference files", o.refs.size());
  in.refs.resize(std::max<std::size_t>(o.refs.size(), static_cast<std::size_t>(o.num_refs)));
  for (std::size_t r = 0; r < o.refs.size(); ++r) {
    const auto lines = read_lines(o.refs[r]);
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string line = rstrip(lines[i]);
      if (o.num_refs == 1) {
        in.refs[r].push_back(line);
        continue;
      }
      auto fields = split_tabs(line, static_cast<std::size_t>(o.num_refs));
      if (fields.size() != static_cast<std::size_t>(o.num_refs))
        fail<DataError>("{}:{}: expected {} tab-separated references, found {}", o.refs[r], i + 1, o.num_refs,
                        fields.size());
      for (std::size_t k = 0; k < fields.size(); ++k) in.refs[k].push_back(fields[k]);
    }
  }
  for (std::size_t k = 0; k < in.refs.size(); ++k)
    in.ref_names.push_back(o.num_refs == 1 ? o.refs[k] : fmt::format("{} (field {})", o.refs[0], k + 1));

  if (o.inputs.empty()) {
    const auto lines = read_lines("-");
    std::size_t num = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      auto fields = split_tabs(rstrip(lines[i]), static_cast<std::size_t>(-1));
      if (i == 0) {
        num = fields.size();
        in.systems.resize(num);
      } else if (fields.size() != num) {
        fail<DataError>("stdin:{}: {} tab-separated systems, the first line has {}", i + 1, fields.size(), num);
      }
      for (std::size_t s = 0; s < num; ++s) in.systems[s].push_back(rstrip(fields[s]));
    }
    if (num == 0) in.systems.resize(1);
    for (std::size_t s = 0; s < in.systems.size(); ++s) {
      in.names.push_back(fmt::format("System {}", s + 1));
      in.files.push_back("stdin");
    }
  } else {
    for (const auto& file : o.inputs) {
      if (std::find(in.files.begin(), in.files.end(), file) != in.files.end()) {
        if (paired && file == in.files[0]) continue;  // the baseline given again
        fail<ConfigError>("'{}' already used to name a system", file);
      }
      in.names.push_back(file);
      in.files.push_back(file);
    }
    // Decompressing and validating the files is a good part of the work: read them in
    // parallel (errors are rethrown in file order once every reader is done).
    in.systems.resize(in.files.size());
    std::vector<std::string> errors(in.files.size());
    const long long count = static_cast<long long>(in.files.size());
#pragma omp parallel for schedule(dynamic)
    for (long long f = 0; f < count; ++f) {
      try {
        std::vector<std::string> lines = read_lines(in.files[static_cast<std::size_t>(f)]);
        for (auto& line : lines) line = rstrip(line);
        in.systems[static_cast<std::size_t>(f)] = std::move(lines);
      } catch (const std::exception& e) {
        errors[static_cast<std::size_t>(f)] = e.what();
      }
    }
    for (const auto& error : errors)
      if (!error.empty()) throw DataError(error);
  }
  if (paired) {
    if (o.inputs.empty()) {
      for (std::size_t s = 0; s < in.names.size(); ++s) in.names[s] = s == 0 ? "Baseline" : fmt::format("System {}", s);
    } else {
      in.names[0] = "Baseline: " + in.names[0];
    }
  }
  for (std::size_t s = 0; s < in.systems.size(); ++s) {
    if (in.systems[s].empty()) fail<DataError>("{}: no segments", in.files[s]);
    for (std::size_t k = 0; k < in.refs.size(); ++k)
      if (in.refs[k].size() != in.systems[s].size())
        fail<DataError>("hypothesis {} has {} lines but reference {} has {} lines", in.files[s],
                        in.systems[s].size(), in.ref_names[k], in.refs[k].size());
  }
  return in;
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
    if (m != "bleu" && m != "chrf" && m != "ter")
      fail<ConfigError>("unknown metric '{}' (choose from bleu, chrf, ter)", m);
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

// The significance matrix of --all-pairs (mtbench's extension): every pair tested with the
// same draws sacreBLEU would use for that pair.
std::string format_all_pairs(const ScoreOptions& o, const std::vector<std::string>& names,
                             const std::vector<const eval::Metric*>& metrics,
                             const std::vector<std::vector<const eval::StatsMatrix*>>& stats, int threads,
                             const std::vector<std::string>& signatures) {
  const bool bs = o.paired_bs;
  eval::SignificanceOptions opts;
  opts.type = bs ? eval::PairedTestType::kBootstrap : eval::PairedTestType::kApproximateRandomization;
  opts.n_samples = static_cast<std::size_t>(std::max(0, bs ? o.paired_bs_n : o.paired_ar_n));
  opts.seed = eval::sacrebleu_seed_from_env();
  opts.threads = threads;
  const std::size_t n = eval::resolved_samples(opts), k = names.size();
  // p[m][i][j]
  std::vector<std::vector<std::vector<double>>> p(metrics.size(), std::vector<std::vector<double>>(k, std::vector<double>(k, 0)));
  std::vector<std::vector<double>> score(metrics.size(), std::vector<double>(k));
  for (std::size_t m = 0; m < metrics.size(); ++m)
    for (std::size_t s = 0; s < k; ++s) score[m][s] = metrics[m]->score_from_stats(stats[s][m]->sum()).score;
  if (bs) {
    const auto resamples = eval::bootstrap_scores(metrics, stats, n, opts.seed, threads);
    for (std::size_t m = 0; m < metrics.size(); ++m)
      for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = i + 1; j < k; ++j)
          p[m][i][j] = p[m][j][i] = eval::bootstrap_p_value(resamples[j][m], resamples[i][m],
                                                            std::abs(score[m][i] - score[m][j]));
  } else {
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = i + 1; j < k; ++j) {
        const auto pv = eval::approximate_randomization(metrics, stats[i], stats[j], n, opts.seed, threads);
        for (std::size_t m = 0; m < metrics.size(); ++m) p[m][i][j] = p[m][j][i] = pv[m];
      }
  }
  std::string out;
  if (o.format == "json") {
    out = "{\n    \"test\": \"" + std::string(bs ? "bs" : "ar") + "\",\n    \"n_samples\": " + std::to_string(n) +
          ",\n    \"seed\": " + json_string(eval::seed_string(opts.seed), true) + ",\n    \"systems\": [";
    for (std::size_t s = 0; s < k; ++s) out += (s ? ", " : "") + json_string(names[s], true);
    out += "],\n    \"metrics\": {";
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      out += std::string(m ? "," : "") + "\n        " + json_string(metrics[m]->name(), true) + ": {\n";
      out += "            \"signature\": " + json_string(signatures[m], true) + ",\n            \"scores\": [";
      for (std::size_t s = 0; s < k; ++s) out += (s ? ", " : "") + python_float(score[m][s]);
      out += "],\n            \"p_values\": [";
      for (std::size_t i = 0; i < k; ++i) {
        out += std::string(i ? ", " : "") + "[";
        for (std::size_t j = 0; j < k; ++j) out += (j ? ", " : "") + (i == j ? "null" : python_float(p[m][i][j]));
        out += "]";
      }
      out += "]\n        }";
    }
    return out + "\n    }\n}\n";
  }
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    std::vector<std::string> headers = {"System", metrics[m]->name()};
    std::vector<Align> aligns = {Align::kRight, Align::kCenter};
    for (std::size_t j = 0; j < k; ++j) {
      headers.push_back(std::to_string(j + 1));
      aligns.push_back(Align::kCenter);
    }
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < k; ++i) {
      rows.push_back({fmt::format("{}: {}", i + 1, names[i]), fmt::format("{:.{}f}", score[m][i], o.width)});
      for (std::size_t j = 0; j < k; ++j)
        rows.back().push_back(i == j ? "-" : fmt::format("{:.4f}{}", p[m][i][j], p[m][i][j] <= 0.05 ? "*" : ""));
    }
    out += (o.format == "latex" ? latex_booktabs(headers, rows, aligns) : fancy_grid(headers, rows, aligns)) + "\n\n";
  }
  out += fmt::format("Pairwise p-values of paired {} ({} {}); * marks p <= 0.05.\n\n",
                     bs ? "bootstrap resampling" : "approximate randomization", n, bs ? "resamples" : "trials");
  return out;
}

std::string signature_block(const std::vector<std::pair<std::string, std::string>>& sigs) {
  std::string out = "-----------------\nMetric signatures\n-----------------\n";
  for (const auto& [name, sig] : sigs) out += fmt::format(" - {:<10} {}\n", name, sig);
  return out;
}

// sacreBLEU's multi-system modes (print_results_table): a score table, or the paired test.
std::string format_multi_system(const ScoreOptions& o, const std::vector<std::string>& names,
                                const std::vector<const eval::Metric*>& metrics,
                                const std::vector<std::vector<const eval::StatsMatrix*>>& stats, int threads,
                                const std::vector<std::size_t>& sorted) {
  const bool paired = o.paired_bs || o.paired_ar;
  const bool json = o.format == "json";
  std::vector<std::string> headers = {"System"};
  std::vector<Align> aligns = {Align::kRight};
  std::vector<std::vector<std::string>> rows(names.size());
  for (std::size_t s = 0; s < names.size(); ++s) rows[s].push_back(names[s]);
  std::vector<std::pair<std::string, std::string>> sigs;
  std::string out;
  if (!paired) {
    for (std::size_t m : sorted) {
      const std::string sig = metrics[m]->signature();
      sigs.emplace_back(metrics[m]->name(), o.short_signature ? shorten(o.metrics[m], sig) : sig);
      headers.push_back(metrics[m]->name());
      aligns.push_back(Align::kCenter);
      for (std::size_t s = 0; s < names.size(); ++s)
        rows[s].push_back(fmt::format("{:.{}f}", metrics[m]->score_from_stats(stats[s][m]->sum()).score, o.width));
    }
    if (json) {  // json.dumps(..., indent=4): every value a formatted string
      out = "[\n";
      for (std::size_t s = 0; s < names.size(); ++s) {
        out += "    {\n        \"system\": " + json_string(names[s], true);
        for (std::size_t c = 1; c < headers.size(); ++c)
          out += ",\n        " + json_string(headers[c], true) + ": " + json_string(rows[s][c], true);
        out += std::string("\n    }") + (s + 1 < names.size() ? ",\n" : "\n");
      }
      return out + "]\n";
    }
  } else {
    eval::SignificanceOptions opts;
    opts.type = o.paired_bs ? eval::PairedTestType::kBootstrap : eval::PairedTestType::kApproximateRandomization;
    opts.n_samples = static_cast<std::size_t>(std::max(0, o.paired_bs ? o.paired_bs_n : o.paired_ar_n));
    opts.seed = eval::sacrebleu_seed_from_env();
    opts.threads = threads;
    const std::size_t n = eval::resolved_samples(opts);
    std::vector<std::string> full_sigs;
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      full_sigs.push_back(eval::signature_with_test(metrics[m]->signature(), o.paired_bs ? "bs" : "ar", n, opts.seed));
      sigs.emplace_back(metrics[m]->name(), o.short_signature ? shorten(o.metrics[m], full_sigs.back()) : full_sigs.back());
    }
    if (o.all_pairs) {
      std::vector<std::string> plain = names;
      if (!plain.empty() && plain[0].rfind("Baseline: ", 0) == 0) plain[0] = plain[0].substr(10);
      if (!plain.empty() && plain[0] == "Baseline") plain[0] = "System 0";
      out = format_all_pairs(o, plain, metrics, stats, threads, full_sigs);
      return json ? out : out + signature_block(sigs);
    }
    const auto results = eval::paired_test(metrics, stats, opts);
    if (json) {  // json.dumps(proper_json, indent=4) of Result.__dict__
      auto opt = [](const std::optional<double>& v) { return v ? python_float(*v) : std::string("null"); };
      out = "[\n";
      for (std::size_t s = 0; s < names.size(); ++s) {
        out += "    {\n        \"system\": " + json_string(names[s], true);
        for (std::size_t m = 0; m < metrics.size(); ++m) {
          const eval::TestResult& r = results[s][m];
          out += ",\n        " + json_string(metrics[m]->name(), true) + ": {\n            \"score\": " +
                 python_float(r.score) + ",\n            \"p_value\": " + opt(r.p_value) +
                 ",\n            \"mean\": " + opt(r.mean) + ",\n            \"ci\": " + opt(r.ci) + "\n        }";
        }
        out += std::string("\n    }") + (s + 1 < names.size() ? ",\n" : "\n");
      }
      return out + "]\n";
    }
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      headers.push_back(metrics[m]->name() + (o.paired_bs ? " (μ ± 95% CI)" : ""));
      aligns.push_back(Align::kCenter);
      const char* line_break = o.format == "text" ? "\n" : " ";
      for (std::size_t s = 0; s < names.size(); ++s) {
        const eval::TestResult& r = results[s][m];
        std::string cell = fmt::format("{:.{}f}", r.score, o.width);
        if (r.mean) cell += fmt::format(" ({:.{}f} ± {:.{}f})", *r.mean, o.width, *r.ci, o.width);
        if (r.p_value)
          cell += line_break + fmt::format("(p = {:.4f}){}", *r.p_value, *r.p_value > 0.05 ? "" : "*");
        rows[s].push_back(cell);
      }
    }
  }
  out = (o.format == "latex" ? latex_booktabs(headers, rows, aligns) : fancy_grid(headers, rows, aligns)) + "\n\n";
  if (paired) {
    const std::string msg = fmt::format("Paired {} test with {} {}",
                                        o.paired_bs ? "bootstrap resampling" : "approximate randomization",
                                        o.paired_bs ? o.paired_bs_n : o.paired_ar_n,
                                        o.paired_bs ? "resampling trials" : "trials");
    const std::string baseline = names[0].rfind("Baseline:", 0) == 0 ? names[0] : "";
    out += std::string(msg.size(), '-') + "\n" + msg + "\n" + std::string(msg.size(), '-') + "\n";
    out += " - Each system is pairwise compared to " + baseline + ".\n";
    out += o.paired_bs ? "   Actual system score / bootstrap estimated true mean / 95% CI are provided for each metric.\n"
                       : "   Actual system score is provided for each metric.\n";
    out += "\n"
           " - Null hypothesis: the system and the baseline translations are essentially\n"
           "   generated by the same underlying process. For a given system and the baseline,\n"
           "   the p-value is roughly the probability of the absolute score difference (delta)\n"
           "   or higher occurring due to chance, under the assumption that the null hypothesis is correct.\n"
           "\n"
           " - Assuming a significance threshold of 0.05, the null hypothesis can be rejected\n"
           "   for p-values < 0.05 (marked with \"*\"). This means that the delta is unlikely to be attributed\n"
           "   to chance, hence the system is significantly \"different\" than the baseline.\n"
           "   Otherwise, the p-values are highlighted in red.\n"
           "\n"
           " - NOTE: Significance does not tell whether a system is \"better\" than the baseline but rather\n"
           "   emphasizes the \"difference\" of the systems in terms of the replicability of the delta.\n"
           "\n";
  }
  return out + signature_block(sigs);
}

void run_score(ScoreOptions o, const GlobalOptions& global);

}  // namespace

void add_score_command(CLI::App& app, GlobalOptions& global) {
  auto options = std::make_shared<ScoreOptions>();
  CLI::App* cmd = app.add_subcommand("score", "Score system outputs like the sacrebleu command (BLEU, chrF, TER, significance)");
  auto& o = *options;
  cmd->add_option("refs", o.refs, "Reference files (plain or gzip; several = multi-reference), before -i");
  cmd->add_option("-i,--input", o.inputs, "System output files (default: stdin, tab-separated systems)")
      ->expected(0, -1);
  cmd->add_option("-m,--metrics", o.metrics, "Metrics: bleu chrf ter (default: bleu)")->expected(1, -1);
  cmd->add_option("--num-refs", o.num_refs, "Tab-separated references per line of one reference file");
  cmd->add_option("-e,--encoding", o.encoding, "Input encoding (only utf-8)");
  cmd->add_flag("--sentence-level", o.sentence_level, "Score every segment (-sl)");
  cmd->add_option("--tokenize", o.tokenize, "BLEU tokenizer: 13a (default), intl, char, zh, none (-tok)");
  cmd->add_flag("--lowercase", o.lowercase, "Case-insensitive BLEU (-lc)");
  cmd->add_option("-s,--smooth-method", o.smooth_method, "BLEU smoothing: exp, floor, add-k, none");
  cmd->add_option("--smooth-value", o.smooth_value, "Value for floor/add-k smoothing (-sv)");
  cmd->add_flag("--force", o.force, "Accepted for compatibility");
  cmd->add_option("--chrf-char-order", o.chrf_char_order, "chrF character n-gram order (-cc, default 6)");
  cmd->add_option("--chrf-word-order", o.chrf_word_order, "chrF word n-gram order; 2 = chrF++ (-cw, default 0)");
  cmd->add_option("--chrf-beta", o.chrf_beta, "chrF recall weight (default 2)");
  cmd->add_flag("--chrf-whitespace", o.chrf_whitespace, "Keep whitespace in character n-grams");
  cmd->add_flag("--chrf-lowercase", o.chrf_lowercase, "Case-insensitive chrF");
  cmd->add_flag("--chrf-eps-smoothing", o.chrf_eps_smoothing, "chrF++.py/Moses epsilon smoothing");
  cmd->add_flag("--ter-case-sensitive", o.ter_case_sensitive, "Case-sensitive TER");
  cmd->add_flag("--ter-asian-support", o.ter_asian_support, "TER: split Asian characters");
  cmd->add_flag("--ter-no-punct", o.ter_no_punct, "TER: remove punctuation");
  cmd->add_flag("--ter-normalized", o.ter_normalized, "TER: tercom normalization");
  cmd->add_flag("--confidence", o.confidence, "Bootstrap 95% confidence interval for one system (-ci)");
  cmd->add_option("--confidence-n", o.confidence_n, "Bootstrap resamples for -ci (-cin, default 1000)");
  cmd->add_flag("--paired-bs", o.paired_bs, "Paired bootstrap resampling against the first system (-pbs)");
  cmd->add_flag("--paired-ar", o.paired_ar, "Paired approximate randomization against the first system (-par)");
  cmd->add_option("--paired-bs-n", o.paired_bs_n, "Bootstrap resamples (-pbsn, default 1000)");
  cmd->add_option("--paired-ar-n", o.paired_ar_n, "Approximate randomization trials (-parn, default 10000)");
  cmd->add_option("-j,--paired-jobs", o.paired_jobs, "Accepted for compatibility (all cores are used)");
  cmd->add_flag("--all-pairs", o.all_pairs, "With -pbs/-par: test every pair of systems (significance matrix)");
  cmd->add_option("--segment-scores", o.segment_scores, "Write every segment's scores (all systems, metrics) as JSONL");
  cmd->add_flag("-q,--quiet", o.quiet, "No progress messages");
  cmd->add_flag("--short", o.short_signature, "Short signatures (-sh)");
  cmd->add_flag("-b,--score-only", o.score_only, "Print only the scores");
  cmd->add_option("-w,--width", o.width, "Decimals (default 1)");
  cmd->add_flag("--no-color", o.no_color, "Accepted for compatibility (mtbench never colours)");
  cmd->add_option("-f,--format", o.format, "Output format: json (default), text, latex");
  cmd->callback([options, &global]() { run_score(*options, global); });
}

namespace {

void run_score(ScoreOptions o, const GlobalOptions& global) {
  validate(o);
  const bool paired = o.paired_bs || o.paired_ar;
  const int threads = resolved_threads(global);
  Inputs in = read_inputs(o, paired);
  const std::size_t num_sys = in.systems.size();
  if (o.sentence_level && num_sys > 1) fail<ConfigError>("only one system can be scored in sentence-level mode");
  if (o.sentence_level && (o.confidence || paired))
    fail<ConfigError>("statistical tests are unavailable in sentence-level mode");
  if (paired && num_sys == 1) fail<ConfigError>("paired tests need several systems given to -i/--input");
  if (num_sys > 1 && o.confidence) fail<ConfigError>("use paired tests (--paired-bs/--paired-ar) for several systems");
  if (o.all_pairs && !paired) fail<ConfigError>("--all-pairs needs --paired-bs or --paired-ar");

  std::vector<std::unique_ptr<eval::Metric>> metrics;
  for (const auto& name : o.metrics) {
    metrics.push_back(make_metric(name, o));
    metrics.back()->set_references(in.refs);
  }
  // Statistics of every (system, metric) pair; the metrics' const methods are called
  // concurrently on the shared reference caches.
  std::vector<std::vector<eval::StatsMatrix>> stats(num_sys, std::vector<eval::StatsMatrix>(metrics.size()));
  const long long jobs = static_cast<long long>(num_sys * metrics.size());
#pragma omp parallel for schedule(dynamic) num_threads(threads)
  for (long long job = 0; job < jobs; ++job) {
    const std::size_t s = static_cast<std::size_t>(job) / metrics.size(), m = static_cast<std::size_t>(job) % metrics.size();
    stats[s][m] = metrics[m]->segment_stats(in.systems[s]);
  }

  std::vector<const eval::Metric*> metric_ptrs;
  for (const auto& m : metrics) metric_ptrs.push_back(m.get());
  std::vector<std::vector<const eval::StatsMatrix*>> stats_ptrs(num_sys);
  for (std::size_t s = 0; s < num_sys; ++s)
    for (auto& st : stats[s]) stats_ptrs[s].push_back(&st);

  if (!o.segment_scores.empty())
    eval::write_segment_scores(o.segment_scores, in.names, metric_ptrs, stats_ptrs);

  auto signature = [&](std::size_t m, bool allow_short) {
    const std::string sig = metrics[m]->signature();
    return allow_short && o.short_signature ? shorten(o.metrics[m], sig) : sig;
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
        out += format_single({sc.name, sc.score, signature(m, true), sc.verbose, {}, {}}, o.width, o.score_only, false) + "\n";
      }
  } else if (num_sys == 1) {
    std::vector<std::string> results;
    const std::optional<std::uint64_t> seed = o.confidence ? eval::sacrebleu_seed_from_env() : std::optional<std::uint64_t>();
    for (std::size_t m : sorted) {
      const eval::Score sc = metrics[m]->score_from_stats(stats[0][m].sum());
      SingleScore single{sc.name, sc.score, signature(m, o.format != "json"), sc.verbose, {}, {}};
      if (o.confidence) {
        const auto scores = eval::bootstrap_scores({metric_ptrs[m]}, {{stats_ptrs[0][m]}},
                                                   static_cast<std::size_t>(o.confidence_n), seed, threads);
        const auto [mean, ci] = eval::estimate_ci(scores[0][0]);
        single.mean = mean;
        single.ci = ci;
        single.signature = eval::signature_with_test(metrics[m]->signature(), "bs",
                                                     static_cast<std::size_t>(o.confidence_n), seed);
        if (o.format != "json" && o.short_signature) single.signature = shorten(o.metrics[m], single.signature);
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
