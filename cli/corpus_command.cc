// `mtbench corpus`: the dataset registry (list) and the downloader (get, path); corpus
// statistics with validation (info) are in corpus_info_command.cc.

#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "cli/app.h"
#include "cli/corpus_info_command.h"
#include "corpus/datasets.h"
#include "corpus/download.h"
#include "corpus/local_datasets.h"
#include "corpus/parallel.h"

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
  for (const Dataset& d : all_datasets()) {
    nlohmann::json files = nlohmann::json::array();
    std::size_t cached = 0;
    text += fmt::format("{}: {}\n  cite:  {}\n", d.name, d.description, d.citation);
    std::string grid = fmt::format("  {:<20}", "split");
    for (const auto& lang : d.languages) grid += fmt::format(" {:<8}", lang);
    grid += "\n";
    for (const auto& split : d.splits) {
      const bool is_default =
          std::find(d.default_splits.begin(), d.default_splits.end(), split) != d.default_splits.end();
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
    const auto cache_dir = d.definition.empty() ? resolved_home(fetch) / "datasets" / d.name : d.definition;
    if (d.definition.empty())
      text += fmt::format("  cache: {} ({} of {} files cached)\n", cache_dir.string(), cached, d.files.size());
    else
      text += fmt::format("  local: {} ({} of {} files present and unchanged)\n", cache_dir.string(), cached,
                          d.files.size());
    text += grid;
    text += fmt::format("  (* fetched by `mtbench corpus get {}`; -: not cached; blank: no such file)\n", d.name);
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
      std::cout << fmt::format("{:<12} {} ({})\n", how, result.path.string(), format_size(result.bytes));
    } catch (const Error& e) {
      failures.push_back(e.what());
      std::cout << fmt::format("{:<12} {}: {}\n", "FAILED", f->name, e.what());
    }
  }
  std::cout.flush();
  const auto cache_dir = resolved_home(fetch) / "datasets" / d.name;
  if (!failures.empty()) {
    fail("{} of {} files of {} could not be fetched (listed above); the first: {}", failures.size(), files.size(),
         d.name, failures.front());
  }
  std::cout << fmt::format(
      "{}: {} files verified in {} ({} already cached, {} copied from the mirror, {} downloaded)\n", d.name,
      files.size(), cache_dir.string(), counts[0], counts[1], counts[2]);
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

// --- add --------------------------------------------------------------------------------

struct AddOptions {
  LocalDatasetSpec spec;                // what to register
  std::vector<std::string> test_srcs;   // --test-src (repeatable)
  std::vector<std::string> test_tgts;   // --test-tgt (repeatable, same count)
  std::vector<std::string> test_names;  // --test-name (optional, same count; default test, test2, ...)
};

void run_add(AddOptions& options) {
  auto& spec = options.spec;
  if (options.test_srcs.size() != options.test_tgts.size())
    fail<ConfigError>("corpus add: {} --test-src but {} --test-tgt files; give them in pairs", options.test_srcs.size(),
                      options.test_tgts.size());
  if (!options.test_names.empty() && options.test_names.size() != options.test_srcs.size())
    fail<ConfigError>("corpus add: {} --test-name for {} test sets", options.test_names.size(),
                      options.test_srcs.size());
  for (std::size_t i = 0; i < options.test_srcs.size(); ++i) {
    const std::string name = !options.test_names.empty() ? options.test_names[i]
                             : i == 0                    ? std::string("test")
                                                         : fmt::format("test{}", i + 1);
    spec.tests.push_back({name, {options.test_srcs[i], options.test_tgts[i]}});
  }
  const auto path = add_local_dataset(spec);
  const Dataset d = find_dataset(spec.name);
  std::cout << fmt::format("registered {} ({}-{}): {} split(s) ({}), {} files checksummed\n", d.name, spec.source_lang,
                           spec.target_lang, d.splits.size(), fmt::join(d.splits, ", "), d.files.size());
  std::cout << fmt::format("definition: {}\nuse it as `corpus: {}` in a compare config or `--corpus {}`\n",
                           path.string(), d.name, d.name);
}

}  // namespace

void add_corpus_command(CLI::App& app, GlobalOptions& global) {
  CLI::App* corpus = app.add_subcommand("corpus", "Datasets (list, get, path, add) and corpus statistics (info)");
  corpus->require_subcommand(1);
  corpus->footer(
      "Cache: $MTBENCH_HOME/datasets/<name> (default ~/.cache/mtbench). Offline: "
      "MTBENCH_DATA_MIRROR=DIR\n"
      "copies DIR/<name>/<file> instead of downloading (e.g. ../shared/corpora for multi30k).");

  auto list = std::make_shared<ListOptions>();
  CLI::App* list_cmd =
      corpus->add_subcommand("list", "List registered datasets, their splits and languages, and what is cached");
  list_cmd->add_flag("--json", list->json, "Print JSON");
  list_cmd->callback([list, &global] {
    apply_global_options(global);
    run_list(*list);
  });

  auto get = std::make_shared<GetOptions>();
  CLI::App* get_cmd = corpus->add_subcommand(
      "get", "Fetch a dataset into the cache (download or mirror copy), verifying every file's SHA-256");
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
  CLI::App* path_cmd = corpus->add_subcommand("path", "Print the cached path of one file (fetching it if needed)");
  path_cmd->add_option("name", path->dataset, "Dataset name")->required();
  path_cmd->add_option("split", path->split, "Split, e.g. val")->required();
  path_cmd->add_option("lang", path->language, "Language code, e.g. de")->required();
  add_source_options(*path_cmd, path->source);
  path_cmd->callback([path, &global] {
    apply_global_options(global);
    run_path(*path);
  });

  auto add = std::make_shared<AddOptions>();
  CLI::App* add_cmd = corpus->add_subcommand(
      "add", "Register your own parallel corpus as a dataset (files stay in place, checksums recorded)");
  add_cmd->add_option("name", add->spec.name, "Dataset name (letters, digits, . _ -)")->required();
  add_cmd->add_option("--src-lang", add->spec.source_lang, "Source language code, e.g. de")->required();
  add_cmd->add_option("--tgt-lang", add->spec.target_lang, "Target language code, e.g. en")->required();
  add_cmd->add_option("--train-src", add->spec.train_src, "Training source file (plain or .gz)")
      ->required()
      ->check(CLI::ExistingFile);
  add_cmd->add_option("--train-tgt", add->spec.train_tgt, "Training target file")->required()->check(CLI::ExistingFile);
  add_cmd->add_option("--dev-src", add->spec.dev_src, "Dev source file (tuning, validation)")
      ->required()
      ->check(CLI::ExistingFile);
  add_cmd->add_option("--dev-tgt", add->spec.dev_tgt, "Dev target file")->required()->check(CLI::ExistingFile);
  add_cmd->add_option("--test-src", add->test_srcs, "Test source file (repeatable)")
      ->required()
      ->check(CLI::ExistingFile);
  add_cmd->add_option("--test-tgt", add->test_tgts, "Test reference file (repeatable, same order)")
      ->required()
      ->check(CLI::ExistingFile);
  add_cmd->add_option("--test-name", add->test_names, "Split name of each test set (default: test, test2, ...)");
  add_cmd->add_option("--description", add->spec.description, "One line describing the corpus");
  add_cmd->add_flag("--force", add->spec.force, "Replace an existing definition of the same name");
  add_cmd->footer(
      "Writes $MTBENCH_HOME/datasets/NAME.yaml (splits train, dev and the test names). Every file is read\n"
      "as a parallel corpus first (UTF-8, equal line counts, not empty); a file that changes later is\n"
      "refused when used. Example:\n"
      "  mtbench corpus add news --src-lang de --tgt-lang en --train-src train.de --train-tgt train.en \\\n"
      "      --dev-src dev.de --dev-tgt dev.en --test-src test.de --test-tgt test.en");
  add_cmd->callback([add, &global] {
    apply_global_options(global);
    run_add(*add);
  });

  add_corpus_info_command(*corpus, global);
}

}  // namespace mtbench::cli
