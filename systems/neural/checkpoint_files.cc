#include "systems/neural/checkpoint_files.h"

#include <algorithm>

namespace mtbench::neural {

std::vector<std::filesystem::path> step_checkpoints(const std::filesystem::path& model_dir) {
  std::vector<std::filesystem::path> out;
  const auto dir = model_dir / "checkpoints";
  if (!std::filesystem::is_directory(dir)) return out;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("step-", 0) == 0 && entry.path().extension() == ".pt") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());  // zero-padded step numbers: lexical order is step order
  return out;
}

}  // namespace mtbench::neural
