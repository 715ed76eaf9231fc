#include "compare/pipeline.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <iterator>
#include <thread>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"
#include "base/file_lock.h"
#include "base/progress.h"
#include "base/sha256.h"
#include "base/text_file.h"
#include "compare/analyze.h"
#include "compare/checks.h"
#include "compare/data.h"
#include "compare/scoring.h"
#include "compare/train.h"
#include "corpus/datasets.h"
#include "corpus/download.h"
#include "corpus/parallel.h"
#include "eval/analysis.h"
#include "eval/bleu.h"
#include "reports/html_report.h"
#include "reports/tables.h"
#include "systems/explanation_json.h"
#include "systems/model_dir.h"
#include "systems/registry.h"

namespace mtbench::compare {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

std::uint64_t directory_bytes(const std::filesystem::path& dir) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    // Checkpoints are training state, not the model.
    if (it->is_directory() && it->path().filename() == "checkpoints") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

nlohmann::json machine_info() {
  nlohmann::json m;
  char host[256] = {0};
  gethostname(host, sizeof(host) - 1);
  m["hostname"] = host;
  m["cores"] = std::thread::hardware_concurrency();
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      m["cpu"] = line.substr(line.find(':') + 2);
      break;
    }
  }
  return m;
}

}  // namespace

std::string config_to_yaml(const CompareConfig& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "corpus" << YAML::Value << c.corpus;
  out << YAML::Key << "pair" << YAML::Value << (c.source_lang + "-" + c.target_lang);
  out << YAML::Key << "train_split" << YAML::Value << c.train_split;
  out << YAML::Key << "dev_split" << YAML::Value << c.dev_split;
  // Keys with their default values are left out, so a run directory made before they existed
  // still matches its config.yaml (and resumes).
  auto data_files = [&out](const char* key, const DataFilesConfig& files) {
    if (files.empty()) return;
    out << YAML::Key << key << YAML::Value << YAML::BeginMap;
    if (!files.tsv.empty()) out << YAML::Key << "tsv" << YAML::Value << std::filesystem::absolute(files.tsv).string();
    if (!files.source.empty())
      out << YAML::Key << "source" << YAML::Value << std::filesystem::absolute(files.source).string();
    if (!files.target.empty())
      out << YAML::Key << "target" << YAML::Value << std::filesystem::absolute(files.target).string();
    out << YAML::EndMap;
  };
  data_files("train", c.train_files);
  data_files("dev", c.dev_files);
  if (c.on_unsupported != "error") out << YAML::Key << "on_unsupported" << YAML::Value << c.on_unsupported;
  if (c.on_error != "stop") out << YAML::Key << "on_error" << YAML::Value << c.on_error;
  out << YAML::Key << "preset" << YAML::Value << c.preset;
  out << YAML::Key << "seed" << YAML::Value << c.seed;
  out << YAML::Key << "test_sets" << YAML::Value << YAML::BeginSeq;
  for (const auto& t : c.test_sets) {
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << t.name;
    if (!t.split.empty()) out << YAML::Key << "split" << YAML::Value << t.split;
    if (!t.tsv.empty()) out << YAML::Key << "tsv" << YAML::Value << std::filesystem::absolute(t.tsv).string();
    if (!t.sacrebleu.empty()) out << YAML::Key << "test_set" << YAML::Value << t.sacrebleu;
    if (t.join > 1) out << YAML::Key << "join" << YAML::Value << t.join;
    if (!t.source.empty()) out << YAML::Key << "source" << YAML::Value << std::filesystem::absolute(t.source).string();
    if (!t.references.empty()) {
      out << YAML::Key << "references" << YAML::Value << YAML::BeginSeq;
      for (const auto& r : t.references) out << std::filesystem::absolute(r).string();
      out << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "systems" << YAML::Value << YAML::BeginSeq;
  for (const auto& s : c.systems) {
    out << YAML::BeginMap << YAML::Key << "system" << YAML::Value << s.system << YAML::Key << "label" << YAML::Value
        << s.label;
    if (!s.preset.empty()) out << YAML::Key << "preset" << YAML::Value << s.preset;
    if (!s.options_yaml.empty()) out << YAML::Key << "options" << YAML::Value << YAML::Load(s.options_yaml);
    if (!s.outputs.empty()) {
      out << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
      for (const auto& [name, file] : s.outputs)
        out << YAML::Key << name << YAML::Value << std::filesystem::absolute(file).string();
      out << YAML::EndMap;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::Key << "metrics" << YAML::Value << YAML::Flow << c.metrics;
  out << YAML::Key << "significance" << YAML::Value << YAML::BeginMap << YAML::Key << "bootstrap_samples" << YAML::Value
      << c.significance.bootstrap_samples << YAML::Key << "randomization_trials" << YAML::Value
      << c.significance.randomization_trials << YAML::Key << "all_pairs" << YAML::Value << c.significance.all_pairs
      << YAML::EndMap;
  out << YAML::Key << "analyses" << YAML::Value << YAML::Flow << c.analyses;
  if (!c.train_sizes.empty()) out << YAML::Key << "train_sizes" << YAML::Value << YAML::Flow << c.train_sizes;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

namespace {

// Translations of one system on one test set, reused when already in the run directory.
void translate_test_set(Translator& translator, const TestData& test, const std::filesystem::path& out_file,
                        const std::filesystem::path& explain_file, const PipelineOptions& options, Progress& progress,
                        std::vector<std::string>& outputs, std::vector<nlohmann::json>& explanations, double& seconds) {
  if (std::filesystem::exists(out_file)) {
    auto cached = read_lines(out_file);
    if (cached.size() == test.source.size()) {
      outputs = std::move(cached);
      if (std::filesystem::exists(explain_file)) {
        for (const auto& line : read_lines(explain_file)) {
          explanations.push_back(nlohmann::json::parse(line, nullptr, false));
          if (explanations.size() >= options.max_explained) break;
        }
      }
      progress.log(fmt::format("  reusing {}", out_file.string()));
      return;
    }
  }
  TranslateOptions topts;
  topts.threads = options.threads;
  topts.device = options.device;
  topts.progress = &progress;
  // Explanations only for the segments the report shows: recording them costs time and space
  // (a Transformer's per-layer, per-head attention is tens of kilobytes per sentence).
  const std::size_t explained = std::min(options.max_explained, test.source.size());
  const auto start = Clock::now();
  std::vector<Translation> translations;
  if (explained > 0) {
    topts.explain = true;
    translations = translator.translate(
        std::vector<std::string>(test.source.begin(), test.source.begin() + static_cast<std::ptrdiff_t>(explained)),
        topts);
  }
  if (explained < test.source.size() && translations.size() == explained) {
    topts.explain = false;
    auto rest = translator.translate(
        std::vector<std::string>(test.source.begin() + static_cast<std::ptrdiff_t>(explained), test.source.end()),
        topts);
    translations.insert(translations.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
  }
  seconds += seconds_since(start);
  if (translations.size() != test.source.size()) {
    fail("system returned {} translations for {} source segments of test set '{}'", translations.size(),
         test.source.size(), test.config.name);
  }
  outputs.clear();
  std::string explain_text;
  for (std::size_t i = 0; i < translations.size(); ++i) {
    outputs.push_back(translations[i].text);
    if (i >= explained) continue;
    const auto j = explanation_to_json(translations[i].explanation);
    explain_text += j.dump() + "\n";
    explanations.push_back(j);
  }
  write_file_atomic(explain_file, explain_text);
  write_lines_atomic(out_file, outputs);  // last: its presence marks the stage as done
}

// A model of the cache, loaded. The lock is held from the check of the cache to the end of
// loading, so a second run with the same model waits and then reuses it: it never deletes or
// rewrites a model another run is training or reading.
struct CacheEntry {
  std::filesystem::path dir;  // the model directory
  LoadedModel loaded;         // the model, loaded and verified
  bool cached = false;        // true when it was there already
};

// True when training left checkpoints worth resuming from.
bool has_checkpoints(const std::filesystem::path& model_dir) {
  std::error_code ec;
  const auto dir = model_dir / "checkpoints";
  return std::filesystem::is_directory(dir, ec) && !std::filesystem::is_empty(dir, ec);
}

// Loads `system` trained on `training` from the model cache, training it first unless a
// complete, intact model with the same key (configuration, data, size, seed, version) is there.
CacheEntry ensure_model(const CompareConfig& config, const SystemConfig& s, const std::string& preset,
                        const TrainingData& training, const std::filesystem::path& model_cache,
                        const PipelineOptions& options, Progress& progress) {
  namespace fs = std::filesystem;
  auto& registry = TranslatorRegistry::instance();
  const std::size_t size = training.data.train_source.size();
  const std::string name = s.system + "-" + model_key(config, s, preset, training.hash, size);
  CacheEntry entry;
  entry.dir = model_cache / name;
  FileLock lock(model_cache / ("." + name + ".lock"), [&] {
    progress.log(fmt::format("[{}] waiting: another mtbench run holds {}", s.label, entry.dir.string()));
  });
  std::string problem;
  const bool complete = fs::exists(entry.dir / kModelManifestFile);
  entry.cached = !options.retrain && complete && is_intact_model(entry.dir, &problem);
  if (complete && !entry.cached) {
    // A finished model that changed afterwards: nothing in it is trusted, checkpoints included.
    if (!problem.empty())
      progress.log(fmt::format("[{}] cached model is not intact ({}); training again", s.label, problem));
    fs::remove_all(entry.dir);
  }
  if (entry.cached) {
    progress.log(fmt::format("[{}] using cached model {}", s.label, entry.dir.string()));
  } else {
    progress.log(fmt::format("[{}] training {} (preset {}, {} pairs) into {}", s.label, s.system, preset, size,
                             entry.dir.string()));
    auto translator = registry.create(s.system);
    TrainOptions topts;
    topts.source_lang = config.source_lang;
    topts.target_lang = config.target_lang;
    topts.preset = preset;
    topts.config_yaml = s.options_yaml;
    topts.config_origin = config.origin.string() + " (" + s.label + ".options)";
    topts.model_dir = entry.dir;
    topts.threads = options.threads;
    topts.seed = config.seed;
    topts.device = options.device;
    topts.resume = true;  // an interrupted training continues from its checkpoints
    topts.progress = &progress;
    try {
      if (options.nproc > 1 && registry.entry(s.system).info.paradigm == "neural")
        train_model_data_parallel(*translator, s.system, training.data, topts, training.files, options.nproc,
                                  model_cache / ("." + name + ".workers"));
      else
        train_model(*translator, training.data, topts, training.files);
    } catch (...) {
      // A failed training leaves nothing in the cache but checkpoints to resume from.
      std::error_code ec;
      if (!fs::exists(entry.dir / kModelManifestFile) && !has_checkpoints(entry.dir)) fs::remove_all(entry.dir, ec);
      throw;
    }
  }
  entry.loaded = load_model(entry.dir, registry);
  return entry;
}

// The data-efficiency study (Koehn & Knowles 2017, figure 3): every trained system again on
// the first N training pairs for each configured size, BLEU on the first test set with a source.
DataEfficiency data_efficiency(const CompareConfig& config, const TrainingData& training,
                               const std::vector<TestData>& tests, const std::filesystem::path& model_cache,
                               const PipelineOptions& options, Progress& progress) {
  DataEfficiency study;
  const TestData* test = nullptr;
  for (const auto& t : tests) {
    if (!t.source.empty()) {
      test = &t;
      break;
    }
  }
  if (!test) fail<ConfigError>("{}: 'train_sizes' needs a test set with a source side", config.origin.string());
  study.test = test->config.name;
  study.sizes = config.train_sizes;
  eval::Bleu bleu{eval::BleuOptions{}};
  bleu.set_references(test->refs);
  for (const auto& s : config.systems) {
    if (!s.outputs.empty()) continue;  // precomputed outputs have no training size
    auto& row = study.bleu[s.label];
    for (std::size_t size : config.train_sizes) {
      TrainingData subset;
      subset.data = training.data;
      const std::size_t n = std::min(size, training.data.train_source.size());
      subset.data.train_source.resize(n);
      subset.data.train_target.resize(n);
      subset.files = training.files;
      subset.hash = training.hash;
      const std::string preset = s.preset.empty() ? config.preset : s.preset;
      auto loaded = ensure_model(config, s, preset, subset, model_cache, options, progress).loaded;
      TranslateOptions topts;
      topts.threads = options.threads;
      topts.device = options.device;
      std::vector<std::string> hyps;
      for (auto& t : loaded.translator->translate(test->source, topts)) hyps.push_back(std::move(t.text));
      row.push_back(bleu.corpus_score(hyps).score);
      progress.log(fmt::format("[{}] {} training pairs: BLEU {:.1f} on {}", s.label, n, *row.back(), study.test));
    }
  }
  return study;
}
}  // namespace

RunResults run_comparison(const CompareConfig& full_config, const PipelineOptions& options) {
  const auto run_start = Clock::now();
  Progress progress(options.quiet ? ProgressMode::kQuiet : ProgressMode::kAuto);
  auto& registry = TranslatorRegistry::instance();
  // Nothing trains before the whole configuration is known good; systems that do not support
  // the pair are left out here (on_unsupported: skip) or refused.
  const std::vector<LeftOutSystem> skipped = check_comparison(full_config, registry);
  for (const auto& l : skipped) progress.log(fmt::format("[{}] left out: {}", l.label, l.reason));
  const CompareConfig config = without_systems(full_config, skipped);
  const auto& run_dir = options.run_dir;
  std::filesystem::create_directories(run_dir);

  // A run directory belongs to one comparison: refuse to mix, never overwrite.
  const std::string yaml = config_to_yaml(full_config);
  const auto config_file = run_dir / "config.yaml";
  if (std::filesystem::exists(config_file) && read_file(config_file) != yaml) {
    fail<ConfigError>("run directory {} holds a different comparison (its config.yaml differs); choose another --out",
                      run_dir.string());
  }
  write_file_atomic(config_file, yaml);

  nlohmann::json manifest = {{"mtbench_version", MTBENCH_VERSION}, {"started", now_iso()},
                             {"config_sha256", sha256_hex(yaml)},  {"seed", config.seed},
                             {"threads", options.threads},         {"machine", machine_info()}};
  nlohmann::json timings = nlohmann::json::object();

  RunResults results;
  results.mtbench_version = MTBENCH_VERSION;
  results.corpus = config.corpus;
  results.source_lang = config.source_lang;
  results.target_lang = config.target_lang;
  results.left_out = skipped;

  // 1. Data.
  auto stage_start = Clock::now();
  progress.begin("data");
  std::vector<TestData> tests;
  for (const auto& t : config.test_sets) tests.push_back(load_test_set(config, t));
  bool needs_training = false;
  for (const auto& s : config.systems) needs_training = needs_training || s.outputs.empty();
  TrainingData training;
  if (needs_training) {
    training = load_training_data(config);
    results.train_size = training.data.train_source.size();
    // Training frequencies in the analyses' units (13a tokens of the target side).
    for (const auto& line : training.data.train_target) {
      for (const auto& word : eval::words_13a(line)) ++results.train_word_counts[word];
    }
    nlohmann::json files = nlohmann::json::array();
    for (const auto& f : training.files) files.push_back({{"role", f.role}, {"path", f.path}, {"sha256", f.sha256}});
    manifest["training_data"] = files;
  }
  nlohmann::json test_files = nlohmann::json::object();
  for (const auto& t : tests) test_files[t.config.name] = t.files;
  manifest["test_data"] = test_files;
  progress.end(fmt::format("{} test set(s), {} training pairs", tests.size(), results.train_size));
  timings["data"] = seconds_since(stage_start);

  for (const auto& t : tests) {
    TestSetResults r;
    r.name = t.config.name;
    r.source = t.source;
    r.references = t.refs;
    results.tests.push_back(std::move(r));
  }

  // 2. Systems: train or load, then translate every test set.
  const auto model_cache = options.model_cache.empty() ? mtbench_home() / "models" : options.model_cache;
  std::vector<std::string> labels;
  auto run_system = [&](const SystemConfig& s, const char*& stage) {
    labels.push_back(s.label);
    SystemResults sr;
    sr.label = s.label;
    sr.system = s.system;
    const auto info = registry.entry(s.system).info;
    sr.title = info.title;
    sr.era = info.era;
    sr.year = info.year;
    sr.paradigm = info.paradigm;
    sr.citation = info.citation;
    sr.description = info.description;
    sr.preset = s.preset.empty() ? config.preset : s.preset;
    stage_start = Clock::now();

    if (!s.outputs.empty()) {
      // Precomputed outputs: nothing to train or run.
      sr.preset.clear();
      sr.paradigm = sr.paradigm.empty() ? "external" : sr.paradigm;
      for (std::size_t k = 0; k < tests.size(); ++k) {
        auto it = s.outputs.find(tests[k].config.name);
        if (it == s.outputs.end()) continue;
        auto lines = read_lines(it->second);
        if (lines.size() != tests[k].refs.front().size()) {
          fail<DataError>("system '{}': {} has {} lines but test set '{}' has {} segments", s.label,
                          it->second.string(), lines.size(), tests[k].config.name, tests[k].refs.front().size());
        }
        results.tests[k].outputs[s.label] = std::move(lines);
      }
      results.systems.push_back(std::move(sr));
      return;
    }

    auto cache_entry = ensure_model(config, s, sr.preset, training, model_cache, options, progress);
    const auto& model_dir = cache_entry.dir;
    auto& loaded = cache_entry.loaded;
    sr.train_cached = cache_entry.cached;
    sr.model_dir = model_dir.string();
    sr.train_seconds = loaded.manifest.training_seconds;
    sr.model_bytes = directory_bytes(model_dir);
    sr.parameters = read_model_parameters(model_dir);
    sr.model_summary = read_model_summary(model_dir);
    sr.training_log = training_log_of(model_dir);

    stage = "translation";
    std::size_t translated = 0;
    for (std::size_t k = 0; k < tests.size(); ++k) {
      if (tests[k].source.empty()) continue;
      const auto dir = run_dir / "outputs" / label_file_name(tests[k].config.name);
      const auto out_file = dir / (label_file_name(s.label) + ".txt");
      const auto explain_file = dir / (label_file_name(s.label) + ".explain.jsonl");
      progress.log(
          fmt::format("[{}] translating {} ({} segments)", s.label, tests[k].config.name, tests[k].source.size()));
      std::vector<nlohmann::json> explanations;
      translate_test_set(*loaded.translator, tests[k], out_file, explain_file, options, progress,
                         results.tests[k].outputs[s.label], explanations, sr.translate_seconds);
      results.tests[k].explanations[s.label] = std::move(explanations);
      translated += tests[k].source.size();
    }
    if (sr.translate_seconds > 0) sr.sentences_per_second = static_cast<double>(translated) / sr.translate_seconds;
    timings["system:" + s.label] = seconds_since(stage_start);
    results.systems.push_back(std::move(sr));
  };

  std::vector<std::string> failed;  // labels of systems that failed (on_error: continue)
  for (const auto& s : config.systems) {
    const char* stage = "training";
    try {
      run_system(s, stage);
    } catch (const std::exception& e) {
      if (config.on_error != "continue") throw;
      // on_error: continue: the others finish; the system's partial outputs are dropped and
      // the report says what failed. bad_alloc and interrupts end the run as before.
      if (dynamic_cast<const std::bad_alloc*>(&e) != nullptr || dynamic_cast<const InterruptedError*>(&e) != nullptr)
        throw;
      progress.log(fmt::format("[{}] failed during {}: {}; continuing without it (on_error: continue)", s.label, stage,
                               e.what()));
      results.left_out.push_back({s.label, s.system, stage, e.what()});
      failed.push_back(s.label);
      labels.erase(std::remove(labels.begin(), labels.end(), s.label), labels.end());
      results.systems.erase(std::remove_if(results.systems.begin(), results.systems.end(),
                                           [&](const SystemResults& r) { return r.label == s.label; }),
                            results.systems.end());
      for (auto& test : results.tests) {
        test.outputs.erase(s.label);
        test.explanations.erase(s.label);
      }
    }
  }
  if (labels.empty()) fail("every system failed; the first: {}", results.left_out.back().reason);
  CompareConfig succeeded = config;
  succeeded.systems.erase(std::remove_if(succeeded.systems.begin(), succeeded.systems.end(),
                                         [&](const SystemConfig& s) {
                                           return std::find(failed.begin(), failed.end(), s.label) != failed.end();
                                         }),
                          succeeded.systems.end());

  // Data efficiency: BLEU against training-set size.
  if (!config.train_sizes.empty()) {
    stage_start = Clock::now();
    results.data_efficiency = data_efficiency(succeeded, training, tests, model_cache, options, progress);
    timings["data_efficiency"] = seconds_since(stage_start);
  }

  // 3. Scores and significance.
  stage_start = Clock::now();
  ScoringOptions scoring;
  scoring.metrics = config.metrics;
  scoring.bootstrap_samples = config.significance.bootstrap_samples;
  scoring.randomization_trials = config.significance.randomization_trials;
  scoring.all_pairs = config.significance.all_pairs;
  scoring.threads = options.threads;
  for (auto& test : results.tests) {
    progress.begin("score " + test.name);
    score_test_set(test, labels, scoring);
    progress.end();
  }
  timings["scoring"] = seconds_since(stage_start);

  // 4. Analyses (compare-mt style).
  stage_start = Clock::now();
  progress.begin("analyses");
  for (auto& test : results.tests) {
    if (!test.outputs.empty()) test.analyses = analyze_test_set(test, results.train_word_counts, AnalysisOptions{});
  }
  progress.end();
  timings["analyses"] = seconds_since(stage_start);

  manifest["finished"] = now_iso();
  timings["total"] = seconds_since(run_start);
  manifest["timings"] = timings;
  results.created = manifest["finished"];
  results.manifest = manifest;
  write_file_atomic(run_dir / "manifest.json", manifest.dump(2));
  save_run_results(results, run_dir);

  // 5. Tables and the HTML report (regenerable later with `mtbench report RUN_DIR`).
  progress.begin("report");
  write_tables(results, run_dir);
  reports::HtmlReportOptions html;
  html.max_explained_segments = options.max_explained;
  write_html_report(results, run_dir / "report.html", html);
  progress.end(fmt::format("{}", (run_dir / "report.html").string()));
  progress.print_summary();
  return results;
}

}  // namespace mtbench::compare
