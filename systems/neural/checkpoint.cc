#include "systems/neural/checkpoint.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/ranges.h>

#include "base/error.h"
#include "base/text_file.h"

namespace mtbench::neural {
namespace {

torch::Tensor string_tensor(const std::string& s) {
  auto t = torch::empty({static_cast<std::int64_t>(s.size())}, torch::kUInt8);
  if (!s.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), s.data(), s.size());
  return t;
}

std::string tensor_string(const torch::Tensor& t) {
  auto c = t.to(torch::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

// LibTorch's messages carry a C++ backtrace of 15-20 lines: keep the message itself.
std::string torch_message(const std::exception& e) {
  if (const auto* c10 = dynamic_cast<const c10::Error*>(&e)) return c10->what_without_backtrace();
  const std::string what = e.what();
  return what.substr(0, what.find('\n'));
}

// Module::load reads the tensors the module has and ignores the rest of the archive: a model
// saved with more layers than its (edited) configuration would load silently truncated.
void check_no_extra_entries(torch::serialize::InputArchive& archive, const torch::nn::Module& module,
                            const std::string& prefix, const std::filesystem::path& path) {
  std::set<std::string> known = {"training"};  // an attribute every scripted module has
  for (const auto& p : module.named_parameters(/*recurse=*/false)) known.insert(p.key());
  for (const auto& b : module.named_buffers(/*recurse=*/false)) known.insert(b.key());
  for (const auto& c : module.named_children()) known.insert(c.key());
  for (const auto& key : archive.keys()) {
    if (!known.count(key))
      fail<DataError>("{}: holds '{}{}', which the model does not have (was its configuration changed after training?)",
                      path.string(), prefix, key);
  }
  for (const auto& c : module.named_children()) {
    torch::serialize::InputArchive child;
    if (archive.try_read(c.key(), child)) check_no_extra_entries(child, *c.value(), prefix + c.key() + ".", path);
  }
}

void save_archive_atomic(torch::serialize::OutputArchive& archive, const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path().empty() ? "." : path.parent_path());
  const auto temp = temp_path_for(path);
  try {
    archive.save_to(temp.string());
    std::filesystem::rename(temp, path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    fail("cannot write {}: {}", path.string(), torch_message(e));
  }
}

void load_archive(torch::serialize::InputArchive& archive, const std::filesystem::path& path,
                  const torch::Device& device) {
  if (!std::filesystem::exists(path)) fail("{}: no such file", path.string());
  try {
    archive.load_from(path.string(), device);
  } catch (const std::exception& e) {
    fail<DataError>("{}: not a readable checkpoint: {}", path.string(), torch_message(e));
  }
}

}  // namespace

void save_checkpoint(const std::filesystem::path& path, const torch::nn::Module& module,
                     torch::optim::Optimizer* optimizer, const std::string& meta_json) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  module.save(model_archive);
  archive.write("model", model_archive);
  if (optimizer) {
    torch::serialize::OutputArchive optimizer_archive;
    optimizer->save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
  }
  auto generator = at::detail::getDefaultCPUGenerator();
  {
    std::lock_guard<std::mutex> lock(generator.mutex());
    archive.write("rng", generator.get_state());
  }
  archive.write("meta", string_tensor(meta_json));
  save_archive_atomic(archive, path);
}

std::string load_checkpoint(const std::filesystem::path& path, torch::nn::Module& module,
                            torch::optim::Optimizer* optimizer, bool restore_rng, const torch::Device& device) {
  torch::serialize::InputArchive archive;
  load_archive(archive, path, device);
  try {
    torch::serialize::InputArchive model_archive;
    if (!archive.try_read("model", model_archive)) fail<DataError>("{}: checkpoint has no model", path.string());
    // Module::load replaces tensors whatever their shape: check against the architecture.
    std::vector<std::pair<std::string, std::vector<std::int64_t>>> shapes;
    for (const auto& p : module.named_parameters()) shapes.emplace_back(p.key(), p.value().sizes().vec());
    module.load(model_archive);
    check_no_extra_entries(model_archive, module, "", path);
    const auto loaded = module.named_parameters();
    for (const auto& [name, shape] : shapes)
      if (loaded[name].sizes().vec() != shape)
        fail<DataError>("{}: parameter '{}' has shape {} in the checkpoint but {} in the model", path.string(), name,
                        fmt::format("{}", fmt::join(loaded[name].sizes().vec(), "x")),
                        fmt::format("{}", fmt::join(shape, "x")));
    if (optimizer) {
      torch::serialize::InputArchive optimizer_archive;
      if (!archive.try_read("optimizer", optimizer_archive))
        fail<DataError>("{}: checkpoint has no optimizer state (cannot resume from it)", path.string());
      optimizer->load(optimizer_archive);
    }
    torch::Tensor rng, meta;
    if (restore_rng && archive.try_read("rng", rng)) {
      auto generator = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(rng.to(torch::kCPU));
    }
    if (!archive.try_read("meta", meta)) return "{}";
    return tensor_string(meta);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    fail<DataError>("{}: checkpoint does not match the model: {}", path.string(), torch_message(e));
  }
}

void save_module(const std::filesystem::path& path, const torch::nn::Module& module) {
  torch::serialize::OutputArchive archive;
  torch::serialize::OutputArchive model_archive;
  module.save(model_archive);
  archive.write("model", model_archive);
  save_archive_atomic(archive, path);
}

void load_module(const std::filesystem::path& path, torch::nn::Module& module, const torch::Device& device) {
  load_checkpoint(path, module, nullptr, false, device);
}

void average_modules(const std::vector<std::filesystem::path>& paths, torch::nn::Module& module,
                     const torch::Device& device) {
  if (paths.empty()) fail("checkpoint averaging needs at least one file");
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> sums;
  auto tensors = [&module] {  // parameters, then floating buffers, in a fixed order
    std::vector<torch::Tensor> out;
    for (const auto& p : module.named_parameters()) out.push_back(p.value());
    for (const auto& b : module.named_buffers())
      if (b.value().is_floating_point()) out.push_back(b.value());
    return out;
  };
  for (const auto& path : paths) {
    load_module(path, module, device);
    const auto current = tensors();
    if (sums.empty()) {
      for (const auto& t : current) sums.push_back(t.detach().to(torch::kFloat64).clone());
    } else {
      for (std::size_t i = 0; i < current.size(); ++i) sums[i].add_(current[i].detach().to(torch::kFloat64));
    }
  }
  const auto current = tensors();
  const double n = static_cast<double>(paths.size());
  for (std::size_t i = 0; i < current.size(); ++i) current[i].copy_(sums[i].div(n));
}

}  // namespace mtbench::neural
