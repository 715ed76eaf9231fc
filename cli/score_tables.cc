#include "cli/score_tables.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "cli/score_format.h"
#include "eval/significance.h"

namespace mtbench::cli {
namespace {

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
  std::vector<std::vector<double>> score(metrics.size(), std::vector<double>(k));
  for (std::size_t m = 0; m < metrics.size(); ++m)
    for (std::size_t s = 0; s < k; ++s) score[m][s] = metrics[m]->score_from_stats(stats[s][m]->sum()).score;
  const auto p = eval::all_pairs_p_values(metrics, stats, opts);  // p[m][i][j]
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

}  // namespace

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
      sigs.emplace_back(metrics[m]->name(), o.short_signature ? metrics[m]->short_signature(sig) : sig);
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
      sigs.emplace_back(metrics[m]->name(),
                        o.short_signature ? metrics[m]->short_signature(full_sigs.back()) : full_sigs.back());
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
          out += ",\n        " + json_string(metrics[m]->name(), true) +
                 ": {\n            \"score\": " + python_float(r.score) +
                 ",\n            \"p_value\": " + opt(r.p_value) + ",\n            \"mean\": " + opt(r.mean) +
                 ",\n            \"ci\": " + opt(r.ci) + "\n        }";
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
        if (r.p_value) cell += line_break + fmt::format("(p = {:.4f}){}", *r.p_value, *r.p_value > 0.05 ? "" : "*");
        rows[s].push_back(cell);
      }
    }
  }
  out = (o.format == "latex" ? latex_booktabs(headers, rows, aligns) : fancy_grid(headers, rows, aligns)) + "\n\n";
  if (paired) {
    const std::string msg =
        fmt::format("Paired {} test with {} {}", o.paired_bs ? "bootstrap resampling" : "approximate randomization",
                    o.paired_bs ? o.paired_bs_n : o.paired_ar_n, o.paired_bs ? "resampling trials" : "trials");
    const std::string baseline = names[0].rfind("Baseline:", 0) == 0 ? names[0] : "";
    out += std::string(msg.size(), '-') + "\n" + msg + "\n" + std::string(msg.size(), '-') + "\n";
    out += " - Each system is pairwise compared to " + baseline + ".\n";
    out += o.paired_bs
               ? "   Actual system score / bootstrap estimated true mean / 95% CI are provided for each metric.\n"
               : "   Actual system score is provided for each metric.\n";
    out +=
        "\n"
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

}  // namespace mtbench::cli
