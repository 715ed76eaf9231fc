// `mtbench corpus`: the dataset registry (list), the downloader (get, path) and corpus
// statistics with validation (info).

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "corpus/corpus_stats.h"
#include "corpus/datasets.h"
#include "corpus/download.h"
#include "corpus/error.h"
#include "corpus/parallel.h"
#include "corpus/tokenizer.h"

namespace mtbench::cli {
namespace {

// Options shared by the subcommands that fetch files.
struct SourceOptions {
  std::string mirror;  // --mirror DIR (overrides MTBENCH_DATA_MIRROR)
  std::string url;     // --url URL (overrides MTBENCH_DATA_URL)
};

void add_source_options(CLI::App& sub, SourceOptions& options) {
  sub.add_option("--mirror", options.mirror,
                 "Copy files from DIR/<dataset>/<file> instead of downloading (default: "
                 "$MTBENCH_DATA_MIRROR)");
  sub.add_option("--url", options.url,
                 "Download from URL/<dataset>/<file> instead of the public addresses (default: "
                 "$MTBENCH_DATA_URL)");
}

FetchOptions fetch_options(const SourceOptions& options) {
  FetchOptions out;
  out.mirror = options.mirror;
  out.base_url = options.url;
  out.log_fetches = false;  // the subcommands print their own listing
  return out;
}

std::string state_name(CacheState state) {
  switch (state) {
    case CacheState::kValid:
      return "cached";
    case CacheState::kCorrupt:
      return "corrupt";
    case CacheState::kMissing:
      break;
  }
  return "-";
}

std::string format_size(std::uint64_t bytes) {
  if (bytes >= 1000000) return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
  return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
}

// --- list -------------------------------------------------------------------------------

struct ListOptions {
  bool json = false;  // machine-readable output
};

void run_list(const ListOptions& options) {
  const FetchOptions fetch;
  nlohmann::json all = nlohmann::json::array();
  std::string text;
  for (const Dataset& d : dataset_registry()) {
    nlohmann::json files = nlohmann::json::array();
    std::size_t cached = 0;
    text += fmt::format("{}: {}\n  cite:  {}\n", d.name, d.description, d.citation);
    std::string grid = fmt::format("  {:<20}", "split");
    for (const auto& lang : d.languages) grid += fmt::format(" {:<8}", lang);
    grid += "\n";
    for (const auto& split : d.splits) {
      const bool is_default = std::find(d.default_splits.begin(), d.default_splits.end(), split) !=
                              d.default_splits.end();
      grid += fmt::format("  {:<20}", split + (is_default ? " *" : ""));
      for (const auto& lang : d.languages) {
        const DatasetFile* f = d.file(split, lang);
        if (f == nullptr) {
          grid += fmt::format(" {:<8}", "");
          continue;
        }
        const CacheState state = cache_state(d, *f, fetch);
        cached += state == CacheState::kValid;
        grid += fmt::format(" {:<8}", state_name(state));
        files.push_back({{"name", f->name},
                         {"split", f->split},
                         {"language", f->language},
                         {"url", f->url},
                         {"sha256", f->sha256},
                         {"cache", state == CacheState::kValid     ? "valid"
                                   : state == CacheState::kCorrupt ? "corrupt"
                                                                   : "missing"}});
      }
      grid += "\n";
    }
    const auto cache_dir = resolved_home(fetch) / "datasets" / d.name;
    text += fmt::format("  cache: {} ({} of {} files cached)\n", cache_dir.string(), cached,
                        d.files.size());
    text += grid;
    text += fmt::format(
        "  (* fetched by `mtbench corpus get {}`; -: not cached; blank: no such file)\n", d.name);
    all.push_back({{"name", d.name},
                   {"description", d.description},
                   {"citation", d.citation},
                   {"languages", d.languages},
                   {"splits", d.splits},
                   {"default_splits", d.default_splits},
                   {"cache_dir", cache_dir.string()},
                   {"files", files}});
  }
  if (options.json) {
    std::cout << all.dump(2) << "\n";
  } else {
    std::cout << text;
  }
}

// --- get --------------------------------------------------------------------------------

struct GetOptions {
  std::string dataset;                 // registry name
  std::vector<std::string> splits;     // --split (default: the dataset's default splits)
  std::vector<std::string> languages;  // --lang (default: all)
  bool all = false;                    // every registered file
  SourceOptions source;                // mirror / URL overrides
};

void run_get(const GetOptions& options) {
  const Dataset& d = find_dataset(options.dataset);
  const FetchOptions fetch = fetch_options(options.source);
  const auto files = select_files(d, {options.splits, options.languages, options.all});
  std::size_t counts[3] = {0, 0, 0};  // by FetchSource
  std::vector<std::string> failures;
  for (const DatasetFile* f : files) {
    try {
      const FetchResult result = fetch_dataset_file(d, *f, fetch);
      ++counts[static_cast<int>(result.source)];
      const char* how = result.source == FetchSource::kCache    ? "cached"
                        : result.source == FetchSource::kMirror ? "copied"
                                                                : "downloaded";
      std::cout << fmt::format("{:<12} {} ({})\n", how, result.path.string(),
                               format_size(result.bytes));
    } catch (const Error& e) {
      failures.push_back(e.what());
      std::cout << fmt::format("{:<12} {}: {}\n", "FAILED", f->name, e.what());
    }
  }
  std::cout.flush();
  const auto cache_dir = resolved_home(fetch) / "datasets" / d.name;
  if (!failures.empty()) {
    fail("{} of {} files of {} could not be fetched (listed above); the first: {}", failures.size(),
         files.size(), d.name, failures.front());
  }
  std::cout << fmt::format(
      "{}: {} files verified in {} ({} already cached, {} copied from the mirror, {} downloaded)\n",
      d.name, files.size(), cache_dir.string(), counts[0], counts[1], counts[2]);
  if (counts[2] > 0) Progress::global().print_summary();  // one stage per downloaded file
}

// --- path -------------------------------------------------------------------------------

struct PathOptions {
  std::string dataset;   // registry name
  std::string split;     // split
  std::string language;  // language code
  SourceOptions source;  // mirror / URL overrides
};

void run_path(const PathOptions& options) {
  const Dataset& d = find_dataset(options.dataset);
  const DatasetFile& f = d.require_file(options.split, options.language);
  std::cout << fetch_dataset_file(d, f, fetch_options(options.source)).path.string() << "\n";
}

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
  const int modes = (!options.source.empty() || !options.target.empty()) + !options.tsv.empty() +
                    !options.dataset.empty();
  if (modes != 1) {
    fail<ConfigError>(
        "corpus info needs exactly one input: SRC TGT, --tsv FILE, or --corpus NAME --pair L1-L2");
  }
  ParallelCorpus corpus;
  if (!options.dataset.empty()) {
    if (options.pair.empty())
      fail<ConfigError>("--corpus {} needs --pair SRC-TGT (e.g. de-en)", options.dataset);
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
    if (options.target.empty())
      fail<ConfigError>("corpus info needs both SRC and TGT files (or --tsv FILE)");
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
  const CorpusStats stats = corpus_stats(corpus, source_tokenize, target_tokenize,
                                         options.tokenize ? "moses" : "whitespace");
  if (options.json) {
    std::cout << to_json(stats).dump(2) << "\n";
  } else {
    std::cout << format_stats(stats);
  }
}

}  // namespace

void add_corpus_command(CLI::App& app, GlobalOptions& global) {
  CLI::App* corpus =
      app.add_subcommand("corpus", "Datasets (list, get, path) and corpus statistics (info)");
  corpus->require_subcommand(1);
  corpus->footer(
      "Cache: $MTBENCH_HOME/datasets/<name> (default ~/.cache/mtbench). Offline: "
      "MTBENCH_DATA_MIRROR=DIR\n"
      "copies DIR/<name>/<file> instead of downloading (e.g. ../shared/corpora for multi30k).");

  auto list = std::make_shared<ListOptions>();
  CLI::App* list_cmd = corpus->add_subcommand(
      "list", "List registered datasets, their splits and languages, and what is cached");
  list_cmd->add_flag("--json", list->json, "Print JSON");
  list_cmd->callback([list, &global] {
    apply_global_options(global);
    run_list(*list);
  });

  auto get = std::make_shared<GetOptions>();
  CLI::App* get_cmd = corpus->add_subcommand(
      "get",
      "Fetch a dataset into the cache (download or mirror copy), verifying every file's SHA-256");
  get_cmd->add_option("name", get->dataset, "Dataset name (see `mtbench corpus list`)")->required();
  get_cmd->add_option("--split", get->splits,
                      "Split to fetch (repeatable; default: train, val and the default test set)");
  get_cmd->add_option("--lang", get->languages, "Language to fetch (repeatable; default: all)");
  get_cmd->add_flag("--all", get->all, "Fetch every registered file of the dataset");
  add_source_options(*get_cmd, get->source);
  get_cmd->footer(
      "Files are written to a temporary name and renamed only after their checksum matches; cached "
      "files\n"
      "are verified before use and fetched again when corrupt. Example:\n"
      "  MTBENCH_DATA_MIRROR=../shared/corpora mtbench corpus get multi30k");
  get_cmd->callback([get, &global] {
    apply_global_options(global);
    run_get(*get);
  });

  auto path = std::make_shared<PathOptions>();
  CLI::App* path_cmd =
      corpus->add_subcommand("path", "Print the cached path of one file (fetching it if needed)");
  path_cmd->add_option("name", path->dataset, "Dataset name")->required();
  path_cmd->add_option("split", path->split, "Split, e.g. val")->required();
  path_cmd->add_option("lang", path->language, "Language code, e.g. de")->required();
  add_source_options(*path_cmd, path->source);
  path_cmd->callback([path, &global] {
    apply_global_options(global);
    run_path(*path);
  });

  auto info = std::make_shared<InfoOptions>();
  CLI::App* info_cmd = corpus->add_subcommand(
      "info",
      "Validate a parallel corpus and print segment, token, vocabulary and length statistics");
  info_cmd->add_option("source", info->source, "Source file (plain or gzip, one segment per line)");
  info_cmd->add_option("target", info->target, "Target file, line-aligned with the source");
  info_cmd->add_option("--tsv", info->tsv, "Read both sides from one tab-separated file instead");
  info_cmd
      ->add_option("--src-column", info->source_column, "TSV column of the source side (0-based)")
      ->capture_default_str();
  info_cmd
      ->add_option("--tgt-column", info->target_column, "TSV column of the target side (0-based)")
      ->capture_default_str();
  info_cmd->add_option("--corpus", info->dataset,
                       "Use a registered dataset instead of files (with --pair)");
  info_cmd->add_option("--pair", info->pair, "Language pair SRC-TGT of --corpus, e.g. de-en");
  info_cmd->add_option("--split", info->split, "Split of --corpus (default: its training split)");
  info_cmd->add_flag(
      "--tokenize", info->tokenize,
      "Count Moses tokens (tokenizer.perl rules) instead of whitespace-separated tokens");
  info_cmd->add_option("--src-lang", info->source_lang,
                       "Source language for --tokenize (default: from the file name)");
  info_cmd->add_option("--tgt-lang", info->target_lang,
                       "Target language for --tokenize (default: from the file name)");
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
