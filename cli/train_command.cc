// `mtbench train SYSTEM`: reads (and validates) the training and dev data, trains the system
// with progress reporting and writes a self-contained model directory (system files, then
// mtbench-model.json last).

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/distributed_env.h"
#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "base/time.h"
#include "cli/app.h"
#include "cli/launch.h"
#include "cli/validators.h"
#include "compare/train.h"
#include "corpus/datasets.h"
#include "corpus/parallel.h"
#include "systems/model_dir.h"
#ifdef MTBENCH_HAVE_TORCH
#include "systems/neural/neural_module.h"
#endif
#include "systems/registry.h"

namespace mtbench::cli {
namespace {

// Command-line options of `mtbench train`.
struct TrainArgs {
  std::string system;          // registry name
  std::string train_src;       // --train-src
  std::string train_tgt;       // --train-tgt
  std::string dev_src;         // --dev-src
  std::string dev_tgt;         // --dev-tgt
  std::string corpus;          // --corpus NAME (dataset registry)
  std::string pair;            // --pair SRC-TGT (with --corpus)
  std::string src_lang;        // --src-lang
  std::string tgt_lang;        // --tgt-lang
  std::string out;             // --out DIR
  std::string preset;          // --preset NAME
  std::string config;          // --config FILE.yaml
  std::string device = "cpu";  // --device
  bool resume = false;         // --resume
  int nproc = 1;               // --nproc: local data-parallel worker processes (neural systems)
  std::string dist_backend;    // --dist-backend gloo|nccl (default: from --device)
  double dist_timeout = 0;     // --dist-timeout seconds (0 = MTBENCH_DIST_TIMEOUT or 60)
  std::string amp;             // --amp bf16|fp16: the neural option `amp` (mixed precision)
};

// --amp X is the neural systems' option `amp: X` merged into the --config YAML (so the model
// directory records it like any option); a config that says otherwise is an error.
std::string with_amp(const std::string& yaml, const std::string& origin, const std::string& amp) {
  YAML::Node root;
  try {
    root = yaml.empty() ? YAML::Node(YAML::NodeType::Map) : YAML::Load(yaml);
  } catch (const YAML::Exception& e) {
    fail<ConfigError>("{}: not valid YAML: {}", origin, e.what());
  }
  if (!root.IsMap()) fail<ConfigError>("{}: expected a mapping of options", origin);
  if (root["amp"] && root["amp"].as<std::string>() != amp)
    fail<ConfigError>("--amp {} contradicts 'amp: {}' in {}", amp, root["amp"].as<std::string>(), origin);
  root["amp"] = amp;
  YAML::Emitter out;
  out << root;
  return out.c_str();
}

// Resolves --corpus/--pair into files and languages; checks that the options fit together.
void resolve_data(TrainArgs& a) {
  if (!a.corpus.empty() || !a.pair.empty()) {
    if (a.corpus.empty() || a.pair.empty())
      fail<ConfigError>("--corpus and --pair go together (e.g. --corpus multi30k --pair de-en)");
    if (!a.train_src.empty() || !a.train_tgt.empty() || !a.dev_src.empty() || !a.dev_tgt.empty()) {
      fail<ConfigError>("give either --corpus/--pair or --train-src/--train-tgt files, not both");
    }
    const auto dash = a.pair.find('-');
    if (dash == std::string::npos || dash == 0 || dash + 1 == a.pair.size()) {
      fail<ConfigError>("--pair must look like SRC-TGT (e.g. de-en), got '{}'", a.pair);
    }
    const std::string src = a.pair.substr(0, dash), tgt = a.pair.substr(dash + 1);
    if ((!a.src_lang.empty() && a.src_lang != src) || (!a.tgt_lang.empty() && a.tgt_lang != tgt)) {
      fail<ConfigError>("--src-lang/--tgt-lang ({}-{}) contradict --pair {}", a.src_lang, a.tgt_lang, a.pair);
    }
    a.src_lang = src;
    a.tgt_lang = tgt;
    const auto train = dataset_split_paths(a.corpus, src, tgt, "train");
    const auto dev = dataset_split_paths(a.corpus, src, tgt, "val");
    a.train_src = train.first.string();
    a.train_tgt = train.second.string();
    a.dev_src = dev.first.string();
    a.dev_tgt = dev.second.string();
    return;
  }
  if (a.train_src.empty() || a.train_tgt.empty()) {
    fail<ConfigError>("training data missing: give --train-src and --train-tgt, or --corpus NAME --pair SRC-TGT");
  }
  if (a.dev_src.empty() != a.dev_tgt.empty()) fail<ConfigError>("--dev-src and --dev-tgt go together");
  if (a.src_lang.empty() || a.tgt_lang.empty())
    fail<ConfigError>("--src-lang and --tgt-lang are required with --train-src/--train-tgt");
}

TrainingFile describe(const std::string& role, const std::string& path, std::size_t segments) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  return {role, ec ? path : absolute.lexically_normal().string(), sha256_file(path), segments};
}

void run_train(TrainArgs a, GlobalOptions global) {
  // The group's settings travel to the workers (and to this process's neural module) in the
  // environment, as torchrun's do.
  if (!a.dist_backend.empty()) setenv(kBackendVar, a.dist_backend.c_str(), 1);
  if (a.dist_timeout > 0) setenv(kTimeoutVar, fmt::format("{}", a.dist_timeout).c_str(), 1);
  const DistributedEnv env = distributed_env();  // validates the variables
  if (env.backend == "nccl" && a.device != "cuda")
    fail<ConfigError>("--dist-backend nccl needs --device cuda (gloo is the backend on the CPU)");
  if (!env.writer()) global.quiet = true;  // rank 0 speaks for the group; errors still print
  apply_global_options(global);
  auto& registry = TranslatorRegistry::instance();
  const bool neural = registry.entry(a.system).info.paradigm == "neural";  // unknown: error listing names
  if (a.nproc > 1) {
    if (!neural)
      fail<ConfigError>("--nproc {}: {} trains in one process (data-parallel training is for the neural systems)",
                        a.nproc, a.system);
    resolve_data(a);  // errors before starting anything
#ifdef MTBENCH_HAVE_TORCH
    neural::check_neural_device(a.device);  // --device cuda on a CPU build: one error, no workers
#endif
    const int threads = std::max(1, resolved_threads(global) / a.nproc);
    Progress::global().log(
        fmt::format("starting {} worker processes with {} thread{} each", a.nproc, threads, threads == 1 ? "" : "s"));
    run_local_workers(a.nproc, threads, env.timeout_seconds + 30);
    return;
  }
  if (env.distributed() && !neural) {
    // A launcher started every rank with the same command: rank 0 trains, the others are done.
    if (!env.writer()) return;
  }
  auto system = registry.create(a.system);
  resolve_data(a);

  Progress progress(global.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  TrainData data;
  std::vector<TrainingFile> files;
  progress.begin("read data");
  {
    // Read in an arena of its own: the training text is millions of small strings that
    // release_training_text frees before training starts.
    ParallelCorpus train = on_own_arena([&] { return load_parallel(a.train_src, a.train_tgt); });
    if (train.empty()) fail<DataError>("training data {} / {} is empty", a.train_src, a.train_tgt);
    files.push_back(describe("train-src", a.train_src, train.size()));
    files.push_back(describe("train-tgt", a.train_tgt, train.size()));
    data.train_source = std::move(train.source);
    data.train_target = std::move(train.target);
  }
  if (!a.dev_src.empty()) {
    ParallelCorpus dev = load_parallel(a.dev_src, a.dev_tgt);
    files.push_back(describe("dev-src", a.dev_src, dev.size()));
    files.push_back(describe("dev-tgt", a.dev_tgt, dev.size()));
    data.dev_source = std::move(dev.source);
    data.dev_target = std::move(dev.target);
  }
  progress.end(fmt::format("{} training, {} dev segment pairs", data.train_source.size(), data.dev_source.size()));
  // One system trains on this data: it may free the training text once it is done with it.
  data.release_training_text = [&data] {
    std::vector<std::string>().swap(data.train_source);
    std::vector<std::string>().swap(data.train_target);
  };

  TrainOptions options;
  options.source_lang = a.src_lang;
  options.target_lang = a.tgt_lang;
  options.preset = a.preset;
  if (!a.config.empty()) {
    options.config_yaml = read_file(a.config);
    options.config_origin = a.config;
  }
  if (!a.amp.empty()) {
    if (!neural)
      fail<ConfigError>("--amp {}: {} has no mixed-precision training (the neural systems do)", a.amp, a.system);
    options.config_yaml = with_amp(options.config_yaml, a.config.empty() ? "--config" : a.config, a.amp);
    if (options.config_origin.empty()) options.config_origin = "--amp";
  }
  options.model_dir = a.out;
  options.threads = resolved_threads(global);
  options.seed = global.seed;
  options.device = a.device;
  options.resume = a.resume;
  options.progress = &progress;
  const ModelManifest manifest = compare::train_model(*system, data, options, files);
  const std::string budget =
      manifest.training_stop.empty()
          ? ""
          : fmt::format(
                ", {} updates, stopped by {}{}", manifest.training_updates, manifest.training_stop,
                manifest.training_stop == "max_minutes" ? " (the time cap: a faster machine trains further)" : "");
  progress.log(fmt::format("model '{}' written to {} (trained in {}{})", a.system, a.out,
                           format_duration(manifest.training_seconds), budget));
  progress.print_summary();
}

}  // namespace

void add_train_command(CLI::App& app, GlobalOptions& global) {
  auto* sub = app.add_subcommand("train", "Train a system and write a self-contained model directory");
  sub->footer(
      "Examples:\n"
      "  mtbench train rule-based --corpus multi30k --pair de-en --out models/rb\n"
      "  mtbench train transformer --train-src train.de --train-tgt train.en --dev-src val.de "
      "--dev-tgt val.en \\\n"
      "      --src-lang de --tgt-lang en --preset quick --out models/tf\n"
      "  mtbench train external --config ext.yaml --src-lang de --tgt-lang en --train-src x.de "
      "--train-tgt x.en --out models/ext\n"
      "`mtbench systems` lists the systems.");
  auto a = std::make_shared<TrainArgs>();
  sub->add_option("system", a->system, "System to train (see `mtbench systems`)")->required();
  sub->add_option("--train-src", a->train_src, "Training source file (plain or gzip)");
  sub->add_option("--train-tgt", a->train_tgt, "Training target file, line-aligned with --train-src");
  sub->add_option("--dev-src", a->dev_src, "Dev (validation/tuning) source file");
  sub->add_option("--dev-tgt", a->dev_tgt, "Dev target file");
  sub->add_option("--corpus", a->corpus, "Use this dataset's train and val splits (see `mtbench corpus list`)");
  sub->add_option("--pair", a->pair, "Language pair with --corpus, e.g. de-en");
  sub->add_option("--src-lang", a->src_lang, "Source language code (e.g. de)");
  sub->add_option("--tgt-lang", a->tgt_lang, "Target language code (e.g. en)");
  sub->add_option("--out", a->out, "Model directory to write")->required();
  sub->add_option("--preset", a->preset, "Named preset of the system (e.g. quick, full)");
  sub->add_option("--config", a->config, "System-specific YAML options (unknown keys are errors)")
      ->check(CLI::ExistingFile);
  sub->add_option("--device", a->device, "Device for neural systems")->check(CLI::IsMember({"cpu", "cuda"}));
  sub->add_flag("--resume", a->resume, "Continue from checkpoints found in --out");
  sub->add_option("--nproc", a->nproc,
                  "Data-parallel worker processes on this host (neural systems; threads are divided among them)")
      ->check(integer_in(1, 1024));
  sub->add_option("--dist-backend", a->dist_backend,
                  "Collective backend of data-parallel training (default: gloo "
                  "on the CPU, nccl with --device cuda)")
      ->check(CLI::IsMember({"gloo", "nccl"}));
  sub->add_option("--amp", a->amp, "Mixed-precision training of neural systems: bf16 (CPU or CUDA) or fp16 (CUDA)")
      ->check(CLI::IsMember({"bf16", "fp16"}));
  sub->add_option("--dist-timeout", a->dist_timeout,
                  "Seconds after which a silent training process is declared dead (default 60)")
      ->check(CLI::Range(1.0, 86400.0));
  sub->callback([&global, a] { run_train(*a, global); });
}

}  // namespace mtbench::cli
