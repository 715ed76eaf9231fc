#include "reports/run_results.h"

#include "base/error.h"
#include "base/text_file.h"

// std::optional as JSON null / value (nlohmann 3.11 has no built-in support).
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.get<T>();
    }
  }
};
}  // namespace nlohmann

namespace mtbench::reports {

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MetricScore, metric, score, signature, verbose, mean, ci,
                                                higher_is_better)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SignificanceMatrix, metric, test, samples, labels, p_values, deltas)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Bucket, label, count, values, intervals)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NgramDifference, ngram, score, count_a, count_b)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NgramComparison, system_a, system_b, a_better, b_better)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SystemStatistics, length_ratio, output_words, unknown_words,
                                                untranslated_words)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Analyses, length_buckets, frequency_buckets, ngrams, examples,
                                                statistics)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TestSetResults, name, source, references, outputs, scores,
                                                sentence_scores, significance, analyses, explanations,
                                                explained_on_demand)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(TrainingLogEntry, step, epoch, loss, dev_loss, dev_bleu, learning_rate,
                                                tokens_per_second, type, note, grad_norms)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SystemResults, label, system, title, era, year, paradigm, citation,
                                                description, preset, model_dir, train_seconds, train_cached,
                                                translate_seconds, sentences_per_second, model_bytes, parameters,
                                                model_summary, training_log)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DataEfficiency, test, sizes, bleu)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LeftOutSystem, label, system, stage, reason)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunResults, mtbench_version, created, corpus, source_lang, target_lang,
                                                train_size, train_word_counts, systems, tests, data_efficiency,
                                                left_out, manifest)

nlohmann::json to_json(const RunResults& results) {
  nlohmann::json j = results;
  return j;
}

RunResults run_results_from_json(const nlohmann::json& json, const std::string& origin) {
  try {
    return json.get<RunResults>();
  } catch (const nlohmann::json::exception& e) {
    fail<DataError>("{}: malformed run results: {}", origin, e.what());
  }
}

RunResults load_run_results(const std::filesystem::path& run_dir) {
  const auto path = run_dir / "results.json";
  if (!std::filesystem::exists(path)) {
    fail("{} has no results.json: not a finished mtbench compare run directory", run_dir.string());
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    fail<DataError>("{}: invalid JSON: {}", path.string(), e.what());
  }
  return run_results_from_json(j, path.string());
}

void save_run_results(const RunResults& results, const std::filesystem::path& run_dir) {
  write_file_atomic(run_dir / "results.json", to_json(results).dump());
}

}  // namespace mtbench::reports
