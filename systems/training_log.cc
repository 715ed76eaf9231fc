#include "systems/training_log.h"

#include <fstream>
#include <initializer_list>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench {

void append_training_log(const std::filesystem::path& model_dir, const nlohmann::json& line) {
  const auto path = model_dir / kTrainingLogFile;
  std::ofstream out(path, std::ios::app);
  out << line.dump() << '\n';
  if (!out) fail("cannot append to {}", path.string());
}

void clear_training_log(const std::filesystem::path& model_dir) {
  std::filesystem::remove(model_dir / kTrainingLogFile);
}

std::string parameter_group(const std::string& name) {
  const auto first = name.find('.');
  if (first == std::string::npos) return name;
  const auto second = name.find('.', first + 1);
  const std::string part = name.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  const bool numbered = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
  return numbered ? name.substr(0, first + 1 + part.size()) : name.substr(0, first);
}

std::vector<TrainingLogPoint> read_training_log(const std::filesystem::path& model_dir) {
  namespace k = training_log_keys;
  std::vector<TrainingLogPoint> log;
  const auto path = model_dir / kTrainingLogFile;
  if (!std::filesystem::exists(path)) return log;
  // Our keys first, then the spellings other trainers (plugins) use.
  auto number = [](const nlohmann::json& j, std::initializer_list<const char*> keys) -> std::optional<double> {
    for (const char* key : keys) {
      if (j.contains(key) && j[key].is_number()) return j[key].get<double>();
    }
    return std::nullopt;
  };
  for (const auto& line : read_lines(path)) {
    if (line.empty()) continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) continue;  // a line cut by an interruption
    TrainingLogPoint p;
    p.step = static_cast<std::uint64_t>(number(j, {k::kStep}).value_or(0));
    p.epoch = number(j, {k::kEpoch}).value_or(0);
    p.loss = number(j, {k::kLoss, "train_loss"});
    p.dev_loss = number(j, {k::kDevLoss, "val_loss"});
    p.dev_bleu = number(j, {k::kDevBleu, "bleu"});
    p.learning_rate = number(j, {k::kLearningRate, "learning_rate"});
    p.tokens_per_second = number(j, {k::kTokensPerSecond, "tokens_per_second", "tok_per_s"});
    if (j.contains(k::kType) && j[k::kType].is_string()) p.type = j[k::kType].get<std::string>();
    if (j.contains(k::kGradNorms) && j[k::kGradNorms].is_object())
      for (const auto& [group, value] : j[k::kGradNorms].items())
        if (value.is_number()) p.grad_norms[group] = value.get<double>();
    if (p.type == "end" && j.contains("stop") && j["stop"].is_string()) p.note = j["stop"].get<std::string>();
    if (p.type == "average" && j.contains("kept") && j["kept"].is_boolean())
      p.note = std::string(j["kept"].get<bool>() ? "kept " : "discarded ") +
               std::to_string(
                   j.contains("checkpoints") && j["checkpoints"].is_number_integer() ? j["checkpoints"].get<int>() : 0);
    log.push_back(p);
  }
  return log;
}

}  // namespace mtbench
