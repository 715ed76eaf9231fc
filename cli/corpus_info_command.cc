#include "cli/corpus_info_command.h"

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "corpus/corpus_stats.h"
#include "corpus/datasets.h"
#include "corpus/parallel.h"
#include "corpus/tokenizer.h"

namespace mtbench::cli {
namespace {

// --- info -------------------------------------------------------------------------------

struct InfoOptions {
  std::string source;             // SRC file
  std::string target;             // TGT file
  std::string tsv;                // --tsv FILE
  std::size_t source_column = 0;  // --src-column (TSV)
  std::size_t target_column = 1;  // --tgt-column (TSV)
  std::string dataset;            // --corpus NAME
  std::string pair;               // --pair SRC-TGT (with --corpus)
  std::string split;              // --split (with --corpus; default: its training split)
  bool tokenize = false;          // count Moses tokens instead of whitespace tokens
  std::string source_lang;        // --src-lang (for --tokenize)
  std::string target_lang;        // --tgt-lang (for --tokenize)
  bool json = false;              // machine-readable output
};

// "val.de.gz" -> "de": the language suffix of a corpus file name, empty when there is none.
std::string language_from_name(const std::string& path) {
  std::filesystem::path p(path);
  if (p.extension() == ".gz") p = p.stem();
  std::string ext = p.extension().string();
  if (ext.size() >= 3 && ext.size() <= 4) return ext.substr(1);
  return "";
}

std::pair<std::string, std::string> split_pair(const std::string& pair) {
  const auto dash = pair.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == pair.size()) {
    fail<ConfigError>("--pair expects SRC-TGT (e.g. de-en), got '{}'", pair);
  }
  return {pair.substr(0, dash), pair.substr(dash + 1)};
}

void run_info(InfoOptions options) {
  const int modes =
      (!options.source.empty() || !options.target.empty()) + !options.tsv.empty() + !options.dataset.empty();
  if (modes != 1) {
    fail<ConfigError>("corpus info needs exactly one input: SRC TGT, --tsv FILE, or --corpus NAME --pair L1-L2");
  }
  ParallelCorpus corpus;
  if (!options.dataset.empty()) {
    if (options.pair.empty()) fail<ConfigError>("--corpus {} needs --pair SRC-TGT (e.g. de-en)", options.dataset);
    const auto [src, tgt] = split_pair(options.pair);
    const Dataset& d = find_dataset(options.dataset);
    const std::string split = options.split.empty() ? d.train_split : options.split;
    const auto paths = dataset_split_paths(d.name, src, tgt, split);
    corpus = load_parallel(paths.first, paths.second);
    if (options.source_lang.empty()) options.source_lang = src;
    if (options.target_lang.empty()) options.target_lang = tgt;
  } else if (!options.tsv.empty()) {
    corpus = load_parallel_tsv(options.tsv, options.source_column, options.target_column);
  } else {
    if (options.target.empty()) fail<ConfigError>("corpus info needs both SRC and TGT files (or --tsv FILE)");
    corpus = load_parallel(options.source, options.target);
    if (options.source_lang.empty()) options.source_lang = language_from_name(options.source);
    if (options.target_lang.empty()) options.target_lang = language_from_name(options.target);
  }
  TokenizeFn source_tokenize = [](std::string_view s) { return whitespace_tokens(s); };
  TokenizeFn target_tokenize = source_tokenize;
  if (options.tokenize) {
    if (options.source_lang.empty() || options.target_lang.empty()) {
      fail<ConfigError>(
          "--tokenize needs --src-lang and --tgt-lang (they could not be read from the file "
          "names)");
    }
    auto make = [](const std::string& lang) {
      TokenizerOptions tok;
      tok.lang = lang;
      auto tokenizer = std::make_shared<MosesTokenizer>(tok);
      return TokenizeFn([tokenizer](std::string_view s) { return tokenizer->tokenize(s); });
    };
    source_tokenize = make(options.source_lang);
    target_tokenize = make(options.target_lang);
  }
  const CorpusStats stats =
      corpus_stats(corpus, source_tokenize, target_tokenize, options.tokenize ? "moses" : "whitespace");
  if (options.json) {
    std::cout << to_json(stats).dump(2) << "\n";
  } else {
    std::cout << format_stats(stats);
  }
}

}  // namespace

void add_corpus_info_command(CLI::App& corpus, GlobalOptions& global) {
  auto info = std::make_shared<InfoOptions>();
  CLI::App* info_cmd = corpus.add_subcommand(
      "info", "Validate a parallel corpus and print segment, token, vocabulary and length statistics");
  info_cmd->add_option("source", info->source, "Source file (plain or gzip, one segment per line)");
  info_cmd->add_option("target", info->target, "Target file, line-aligned with the source");
  info_cmd->add_option("--tsv", info->tsv, "Read both sides from one tab-separated file instead");
  info_cmd->add_option("--src-column", info->source_column, "TSV column of the source side (0-based)")
      ->capture_default_str();
  info_cmd->add_option("--tgt-column", info->target_column, "TSV column of the target side (0-based)")
      ->capture_default_str();
  info_cmd->add_option("--corpus", info->dataset, "Use a registered dataset instead of files (with --pair)");
  info_cmd->add_option("--pair", info->pair, "Language pair SRC-TGT of --corpus, e.g. de-en");
  info_cmd->add_option("--split", info->split, "Split of --corpus (default: its training split)");
  info_cmd->add_flag("--tokenize", info->tokenize,
                     "Count Moses tokens (tokenizer.perl rules) instead of whitespace-separated tokens");
  info_cmd->add_option("--src-lang", info->source_lang, "Source language for --tokenize (default: from the file name)");
  info_cmd->add_option("--tgt-lang", info->target_lang, "Target language for --tokenize (default: from the file name)");
  info_cmd->add_flag("--json", info->json, "Print JSON");
  info_cmd->footer(
      "Fails (exit 1) when line counts differ (naming both files and counts), on invalid UTF-8 "
      "(naming\n"
      "file and line) and on missing files. CRLF line ends and a missing final newline are "
      "accepted.\n"
      "Lengths are in tokens; percentiles interpolate linearly (as numpy).");
  info_cmd->callback([info, &global] {
    apply_global_options(global);
    run_info(*info);
  });
}

}  // namespace mtbench::cli
