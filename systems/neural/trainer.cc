#include "systems/neural/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <fstream>
#include <map>

#include <unistd.h>

#include <ATen/autocast_mode.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "systems/neural/checkpoint.h"
#include "systems/neural/cpu_block_cache.h"
#include "systems/neural/distributed.h"
#include "systems/training_log.h"

namespace mtbench::neural {

namespace k = training_log_keys;
namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_interrupted{false};
extern "C" void on_sigint(int) {
  g_interrupted.store(true);
}

// Installs the SIGINT handler for the scope of a training run (Ctrl-C: checkpoint, then exit).
class InterruptGuard {
 public:
  InterruptGuard() {
    g_interrupted.store(false);
    previous_ = std::signal(SIGINT, on_sigint);
  }
  ~InterruptGuard() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }

 private:
  void (*previous_)(int) = SIG_DFL;
};

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// The seed of rank `rank`'s random stream (dropout) at update `step` of a data-parallel run
// (splitmix64 of the three): deterministic for a given world size and independent of where a
// run was resumed. One process keeps its single saved stream instead.
std::uint64_t rank_step_seed(std::uint64_t seed, std::int64_t step, int rank) {
  std::uint64_t z =
      seed ^ (static_cast<std::uint64_t>(step) * 0x9E3779B97F4A7C15ULL) ^ (static_cast<std::uint64_t>(rank) << 48);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Autocast for the forward pass of one update (Micikevicius et al. 2018, "Mixed Precision
// Training"): matrix products in bf16/fp16, reductions and the loss in fp32, as
// torch.autocast does; restores the previous state on exit.
class AutocastGuard {
 public:
  AutocastGuard(const std::string& amp, const torch::Device& device) : cuda_(device.is_cuda()) {
    if (amp == "none") return;
    active_ = true;
    const auto dtype = amp == "bf16" ? at::kBFloat16 : at::kHalf;
    if (cuda_) {
      previous_ = at::autocast::is_enabled();
      at::autocast::set_enabled(true);
      at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
      previous_ = at::autocast::is_cpu_enabled();
      at::autocast::set_cpu_enabled(true);
      at::autocast::set_autocast_cpu_dtype(dtype);
    }
    at::autocast::increment_nesting();
  }
  ~AutocastGuard() {
    if (!active_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    if (cuda_)
      at::autocast::set_enabled(previous_);
    else
      at::autocast::set_cpu_enabled(previous_);
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  bool cuda_;
  bool active_ = false;
  bool previous_ = false;
};

// fp16's dynamic loss scaling (Micikevicius et al. 2018, sec. 3.2; torch.cuda.amp.GradScaler's
// defaults): start at 2^16, halve on an overflow (the update is skipped), double after 2,000
// clean updates.
constexpr double kInitialLossScale = 65536.0;
constexpr std::int64_t kLossScaleGrowthInterval = 2000;

}  // namespace

torch::Tensor summed_token_loss(const torch::Tensor& logits, const torch::Tensor& target, std::int64_t pad,
                                double label_smoothing) {
  return torch::nn::functional::cross_entropy(logits.reshape({-1, logits.size(-1)}), target.reshape({-1}),
                                              torch::nn::functional::CrossEntropyFuncOptions()
                                                  .ignore_index(pad)
                                                  .reduction(torch::kSum)
                                                  .label_smoothing(label_smoothing));
}

struct Trainer::State {
  std::int64_t step = 0;                  // updates done
  std::int64_t epoch = 0;                 // current epoch (0-based)
  std::int64_t batch_in_epoch = 0;        // next batch of the epoch's order
  double plateau_lr = 0;                  // plateau schedule: the current learning rate
  bool has_best = false;                  // a validation happened
  double best_metric = 0;                 // dev BLEU or -dev loss at the best validation
  double best_dev_loss = 0;               // its dev loss
  double best_dev_bleu = 0;               // its dev BLEU
  int bad_validations = 0;                // since the best (early stopping)
  int plateau_bad = 0;                    // since the last improvement or decay (plateau schedule)
  double elapsed = 0;                     // seconds of earlier runs (resume)
  int world_size = 1;                     // processes of the run that wrote the checkpoint
  std::map<std::int64_t, double> kept;    // step checkpoints kept: step -> dev metric
  double loss_scale = kInitialLossScale;  // fp16: the current loss scale
  std::int64_t clean_updates = 0;         // fp16: updates since the last overflow or growth

  nlohmann::json kept_json() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [step, metric] : kept) out.push_back({step, metric});
    return out;
  }
  nlohmann::json to_json() const {
    return {{"step", step},
            {"epoch", epoch},
            {"batch_in_epoch", batch_in_epoch},
            {"plateau_lr", plateau_lr},
            {"has_best", has_best},
            {"best_metric", best_metric},
            {"best_dev_loss", best_dev_loss},
            {"best_dev_bleu", best_dev_bleu},
            {"bad_validations", bad_validations},
            {"plateau_bad", plateau_bad},
            {"elapsed", elapsed},
            {"world_size", world_size},
            {"loss_scale", loss_scale},
            {"kept", kept_json()},
            {"clean_updates", clean_updates}};
  }
  void from_json(const nlohmann::json& j) {
    step = j.at("step");
    epoch = j.at("epoch");
    batch_in_epoch = j.at("batch_in_epoch");
    plateau_lr = j.at("plateau_lr");
    has_best = j.at("has_best");
    best_metric = j.at("best_metric");
    best_dev_loss = j.at("best_dev_loss");
    best_dev_bleu = j.at("best_dev_bleu");
    bad_validations = j.at("bad_validations");
    plateau_bad = j.at("plateau_bad");
    elapsed = j.at("elapsed");
    world_size = j.value("world_size", 1);  // checkpoints before data parallelism: one process
    loss_scale = j.value("loss_scale", kInitialLossScale);
    kept.clear();
    if (j.contains("kept"))
      for (const auto& k : j.at("kept")) kept[k.at(0).get<std::int64_t>()] = k.at(1).get<double>();
    clean_updates = j.value("clean_updates", std::int64_t{0});
  }
};

Trainer::Trainer(EncoderDecoder& model, TrainerOptions options, std::filesystem::path dir, torch::Device device,
                 std::uint64_t seed, Progress* progress, SpecialIds ids, DataParallelGroup* group)
    : model_(model),
      options_(std::move(options)),
      dir_(std::move(dir)),
      device_(device),
      seed_(seed),
      progress_(progress),
      ids_(ids),
      state_(std::make_unique<State>()),
      group_(group) {
  optimizer_ = std::make_unique<torch::optim::Adam>(model_.module().parameters(),
                                                    torch::optim::AdamOptions(options_.learning_rate)
                                                        .betas({options_.adam_beta1, options_.adam_beta2})
                                                        .eps(options_.adam_eps));
  state_->plateau_lr = options_.learning_rate;
  if (options_.amp == "fp16" && !device_.is_cuda())
    fail<ConfigError>("amp: fp16 needs --device cuda (autocast on the CPU computes in bf16: use amp: bf16)");
}

Trainer::~Trainer() = default;

double Trainer::scheduled_learning_rate() const {
  return learning_rate_at(options_, state_->step + 1, state_->plateau_lr);
}

void Trainer::set_learning_rate(double lr) {
  for (auto& group : optimizer_->param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

bool Trainer::writer() const {
  return group_ == nullptr || group_->writer();
}

double Trainer::update(const ExampleSet& data, const std::vector<const std::vector<std::size_t>*>& batches,
                       std::int64_t global_tokens, std::array<double, 2>& votes) {
  model_.module().train();
  set_learning_rate(scheduled_learning_rate());
  if (group_) torch::manual_seed(rank_step_seed(seed_, state_->step, group_->rank()));
  optimizer_->zero_grad();
  double loss_value = 0;
  const bool scaled = options_.amp == "fp16";
  skipped_last_ = false;
  // Gradient accumulation (fairseq's update_freq): the batches' gradients add up before the
  // one step, each loss divided by the tokens of the whole update.
  for (const auto* indices : batches) {
    const auto share = group_ ? shard_batch(data, *indices, group_->rank(), group_->world_size()) : *indices;
    if (share.empty()) continue;
    Batch batch = collate(data, share, ids_, device_);
    // Word dropout (Sennrich & Zhang 2019, sec. 3; Bowman et al. 2016 for the decoder input):
    // random real pieces become <unk>. Deliberate difference from Sennrich & Zhang, who zero the
    // word's embedding: <unk> is what the model meets for unknown pieces at test time.
    if (options_.source_word_dropout > 0) {
      const auto drop =
          torch::rand(batch.source.sizes()).lt(options_.source_word_dropout).to(device_) & batch.source_mask;
      batch.source = batch.source.masked_fill(drop, ids_.unk);
    }
    if (options_.target_word_dropout > 0) {
      // Position 0 is <bos>; padding stays padding.
      auto drop = torch::rand(batch.target_in.sizes()).lt(options_.target_word_dropout).to(device_) &
                  batch.target_in.ne(ids_.pad);
      drop.select(1, 0).fill_(false);
      batch.target_in = batch.target_in.masked_fill(drop, ids_.unk);
    }
    torch::Tensor loss;
    {
      AutocastGuard autocast(options_.amp, device_);
      auto logits = model_.forward(batch.source, batch.source_mask, batch.target_in);  // [batch, tgt_len, vocab]
      // Divided by the tokens of the whole (global) batch: summed over the ranks, the gradient
      // is the one process's gradient of the mean loss.
      loss = summed_token_loss(logits.to(torch::kFloat32), batch.target_out, ids_.pad, options_.label_smoothing) /
             static_cast<double>(global_tokens);
    }
    if (scaled)
      (loss * state_->loss_scale).backward();
    else
      loss.backward();
    loss_value += loss.item<double>();
  }
  if (group_) {
    // Every gradient (zeros where this rank's share did not reach a parameter, or was empty)
    // and the scalars [loss, interrupt vote, time-up vote], summed over the ranks.
    std::vector<torch::Tensor> tensors;
    for (auto& p : model_.module().parameters()) {
      if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);
      tensors.push_back(p.grad());
    }
    auto scalars = torch::tensor({loss_value, votes[0], votes[1]}, torch::kFloat64);
    tensors.push_back(scalars);
    const auto t0 = Clock::now();
    group_->allreduce_sum(tensors);
    allreduce_seconds_ += seconds_since(t0);
    loss_value = scalars[0].item<double>();
    votes = {scalars[1].item<double>(), scalars[2].item<double>()};
  }
  if (scaled) {
    // Unscale; an overflow anywhere (the same on every rank: gradients are summed already)
    // skips the update and halves the scale.
    bool finite = true;
    for (auto& p : model_.module().parameters()) {
      if (!p.grad().defined()) continue;
      p.mutable_grad().div_(state_->loss_scale);
      finite = finite && p.grad().isfinite().all().item<bool>();
    }
    if (!finite) {
      state_->loss_scale /= 2;
      state_->clean_updates = 0;
      ++skipped_updates_;
      skipped_last_ = true;
      optimizer_->zero_grad();
      ++state_->step;
      if (group_) group_->set_step(state_->step);
      return loss_value;
    }
    if (++state_->clean_updates >= kLossScaleGrowthInterval) {
      state_->loss_scale *= 2;
      state_->clean_updates = 0;
    }
  }
  if ((state_->step + 1) % options_.log_every == 0) {
    // Per-layer gradient norms for the report's pre-LN vs post-LN section (Xiong et al. 2020,
    // sec. 3: post-LN gradients grow towards the output layers at the start of training).
    // Every log_every updates only: one reduction per parameter.
    std::map<std::string, double> squares;
    for (const auto& item : model_.module().named_parameters()) {
      const auto& grad = item.value().grad();
      if (!grad.defined()) continue;
      squares[parameter_group(item.key())] += grad.pow(2).sum().item<double>();
    }
    grad_norms_ = nlohmann::json::object();
    for (const auto& [group, square] : squares) grad_norms_[group] = std::sqrt(square);
  }
  if (options_.clip_norm > 0) torch::nn::utils::clip_grad_norm_(model_.module().parameters(), options_.clip_norm);
  optimizer_->step();
  ++state_->step;
  if (group_) group_->set_step(state_->step);
  return loss_value;
}

double Trainer::evaluate_loss(const ExampleSet& examples) {
  if (examples.empty()) return 0;
  torch::NoGradGuard no_grad;
  model_.module().eval();
  BatchingOptions bo = options_.batching;
  bo.shuffle = false;
  double total = 0;
  std::int64_t tokens = 0;
  for (const auto& indices : make_batches(examples, bo, seed_, 0)) {
    const Batch batch = collate(examples, indices, ids_, device_);
    auto logits = model_.forward(batch.source, batch.source_mask, batch.target_in);
    total += summed_token_loss(logits, batch.target_out, ids_.pad, 0.0).item<double>();
    tokens += batch.target_tokens;
  }
  return total / static_cast<double>(std::max<std::int64_t>(1, tokens));
}

void Trainer::write_checkpoint(const std::filesystem::path& path, bool with_optimizer) {
  save_checkpoint(path, model_.module(), with_optimizer ? optimizer_.get() : nullptr, state_->to_json().dump());
}

namespace {

std::filesystem::path step_file(const std::filesystem::path& dir, std::int64_t step) {
  return dir / "checkpoints" / fmt::format("step-{:09d}.pt", step);
}

// The `n` best steps of `kept` by metric (the later step on ties), or the `n` last.
std::vector<std::int64_t> choose_steps(const std::map<std::int64_t, double>& kept, std::size_t n, bool best) {
  std::vector<std::pair<std::int64_t, double>> all(kept.begin(), kept.end());
  if (best)
    std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first > b.first;
    });
  else
    std::reverse(all.begin(), all.end());
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < all.size() && i < n; ++i) out.push_back(all[i].first);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

void Trainer::keep_step_checkpoint(double metric) {
  if (!writer()) return;
  const int keep = std::max(options_.keep_checkpoints, options_.average_checkpoints);
  if (keep <= 0) return;
  save_module(step_file(dir_, state_->step), model_.module());
  state_->kept[state_->step] = metric;
  const auto chosen = choose_steps(state_->kept, static_cast<std::size_t>(keep), options_.average_by == "best");
  for (auto it = state_->kept.begin(); it != state_->kept.end();) {
    if (std::find(chosen.begin(), chosen.end(), it->first) == chosen.end()) {
      std::filesystem::remove(step_file(dir_, it->first));
      it = state_->kept.erase(it);
    } else {
      ++it;
    }
  }
  // Files of a run from before `kept` was recorded (or stray ones): the newest stay.
  auto all = step_checkpoints(dir_);
  for (std::size_t i = 0; i + static_cast<std::size_t>(keep) < all.size(); ++i) std::filesystem::remove(all[i]);
}

std::vector<std::filesystem::path> Trainer::averaged_checkpoints() const {
  const auto n = static_cast<std::size_t>(options_.average_checkpoints);
  std::vector<std::filesystem::path> out;
  std::map<std::int64_t, double> present;
  for (const auto& [step, metric] : state_->kept)
    if (std::filesystem::exists(step_file(dir_, step))) present[step] = metric;
  if (present.empty()) {  // nothing recorded: the newest files
    auto all = step_checkpoints(dir_);
    const auto k = std::min(all.size(), n);
    return {all.end() - static_cast<std::ptrdiff_t>(k), all.end()};
  }
  for (std::int64_t step : choose_steps(present, n, options_.average_by == "best"))
    out.push_back(step_file(dir_, step));
  return out;
}

void Trainer::average_last(const ExampleSet& dev, const TrainerHooks& hooks, bool use_bleu, TrainResult& result) {
  const auto chosen = averaged_checkpoints();
  const auto n = chosen.size();
  if (n < 2) return;
  average_modules(chosen, model_.module(), device_);
  const double dev_loss = evaluate_loss(dev);
  const double bleu = use_bleu ? hooks.dev_bleu() : 0.0;
  const double metric = use_bleu ? bleu : -dev_loss;
  // Averaging usually helps (Vaswani et al. 2017, 6.1) but is checked on dev rather than assumed:
  // with early stopping the last N models can lie well past the best one.
  const bool keep = metric >= state_->best_metric;
  log_line(nlohmann::json({{k::kType, "average"},
                           {k::kStep, state_->step},
                           {"checkpoints", n},
                           {"average_by", options_.average_by},
                           {k::kDevLoss, dev_loss},
                           {k::kDevBleu, bleu},
                           {"kept", keep}}));
  if (progress_)
    progress_->log(fmt::format("average of the {} {} checkpoints: dev loss {:.3f}{}; {}", options_.average_by, n,
                               dev_loss, use_bleu ? fmt::format(", dev BLEU {:.2f}", bleu) : "",
                               keep ? "kept" : "worse than the best single model, discarded"));
  if (keep) {
    save_module(dir_ / "checkpoints" / "average.pt", model_.module());
    result.averaged_checkpoints = static_cast<int>(n);
    state_->best_dev_loss = dev_loss;
    state_->best_dev_bleu = bleu;
  } else {
    load_module(dir_ / "checkpoints" / "best.pt", model_.module(), device_);
  }
}

void Trainer::log_line(const nlohmann::json& line) {
  if (!writer()) return;
  append_training_log(dir_, line);
}

TrainResult Trainer::train(const ExampleSet& train, const ExampleSet& dev, const TrainerHooks& hooks, bool resume) {
  if (train.empty()) fail<DataError>("no training examples (all empty or longer than the length limit?)");
  const auto last_path = dir_ / "checkpoints" / "last.pt";
  const auto best_path = dir_ / "checkpoints" / "best.pt";
  const int world = group_ ? group_->world_size() : 1;
  bool resumed = false;
  if (writer()) {
    std::filesystem::create_directories(dir_ / "checkpoints");
    if (resume && std::filesystem::exists(last_path)) {
      state_->from_json(
          nlohmann::json::parse(load_checkpoint(last_path, model_.module(), optimizer_.get(), true, device_)));
      resumed = true;
      if (progress_)
        progress_->log(
            fmt::format("resuming from {} at step {} (epoch {}, batch {}){}", last_path.string(), state_->step,
                        state_->epoch + 1, state_->batch_in_epoch,
                        state_->world_size != world
                            ? fmt::format("; it was written by {} processes, {} continue", state_->world_size, world)
                            : ""));
    } else {
      if (resume && progress_)
        progress_->log(fmt::format("no checkpoint at {}: starting from scratch", last_path.string()));
      clear_training_log(dir_);
      std::filesystem::remove(best_path);
      std::filesystem::remove(dir_ / "checkpoints" / "average.pt");
      for (const auto& old : step_checkpoints(dir_)) std::filesystem::remove(old);
    }
  }
  if (group_) {
    // Rank 0's checkpoint (model, optimizer, position) goes to every rank, so no rank needs to
    // see the model directory; then rank 0's parameters, so every rank starts identical.
    const std::string bytes = group_->broadcast_bytes(resumed ? read_file(last_path) : std::string());
    if (!writer() && !bytes.empty()) {
      const auto temp =
          std::filesystem::temp_directory_path() / fmt::format("mtbench-resume-{}-{}.pt", ::getpid(), group_->rank());
      write_file_atomic(temp, bytes);
      try {
        state_->from_json(
            nlohmann::json::parse(load_checkpoint(temp, model_.module(), optimizer_.get(), false, device_)));
      } catch (...) {
        std::filesystem::remove(temp);
        throw;
      }
      std::filesystem::remove(temp);
    }
    group_->broadcast_module(model_.module());
    group_->set_step(state_->step);
  }
  state_->world_size = world;

  std::int64_t epoch_tokens = 0;
  for (std::size_t i = 0; i < train.size(); ++i) epoch_tokens += static_cast<std::int64_t>(train.target_length(i) + 1);
  const bool use_bleu = options_.dev_bleu && static_cast<bool>(hooks.dev_bleu) && !dev.empty() && writer();
  InterruptGuard interrupt_guard;
  const auto start = Clock::now();
  double update_seconds = 0;
  double trimmed_at = 0, trim_seconds = 0;  // heap trims (update_seconds at the last, its cost)
  std::int64_t run_tokens = 0, run_steps = 0;
  TrainResult result;
  double window_loss = 0, window_seconds = 0, window_allreduce = 0;
  std::int64_t window_steps = 0, window_tokens = 0;

  auto elapsed = [&] { return state_->elapsed + seconds_since(start); };
  std::int64_t last_validated = -1;     // step of the latest validation (never twice at one step)
  auto validate_here = [&]() -> bool {  // returns true when patience ran out
    if (dev.empty()) return false;
    last_validated = state_->step;
    const double dev_loss = evaluate_loss(dev);
    const double bleu = use_bleu ? hooks.dev_bleu() : 0.0;
    const double metric = use_bleu ? bleu : -dev_loss;
    const bool improved = !state_->has_best || metric > state_->best_metric;
    if (improved) {
      state_->has_best = true;
      state_->best_metric = metric;
      state_->best_dev_loss = dev_loss;
      state_->best_dev_bleu = bleu;
      state_->bad_validations = 0;
      state_->plateau_bad = 0;
      save_checkpoint(best_path, model_.module(), nullptr, state_->to_json().dump());
    } else {
      ++state_->bad_validations;
      if (options_.lr_schedule == "plateau" && ++state_->plateau_bad > options_.plateau_patience) {
        state_->plateau_lr = std::max(options_.min_learning_rate, state_->plateau_lr * options_.plateau_factor);
        state_->plateau_bad = 0;
      }
    }
    keep_step_checkpoint(metric);
    nlohmann::json line = {
        {k::kType, "valid"},     {k::kStep, state_->step},        {k::kEpoch, state_->epoch + 1},
        {k::kDevLoss, dev_loss}, {"dev_ppl", std::exp(dev_loss)}, {k::kLearningRate, scheduled_learning_rate()},
        {"best", improved},      {k::kElapsed, elapsed()}};
    if (use_bleu) line[k::kDevBleu] = bleu;
    log_line(line);
    if (progress_)
      progress_->log(fmt::format(
          "step {} epoch {}: dev loss {:.3f} (ppl {:.1f}){}{}{}", state_->step, state_->epoch + 1, dev_loss,
          std::exp(dev_loss), use_bleu ? fmt::format(", dev BLEU {:.2f}", bleu) : "", improved ? " *" : "",
          group_ ? fmt::format(" [{} processes, all-reduce {:.0f} ms/update]", group_->world_size(),
                               1000.0 * allreduce_seconds_ / static_cast<double>(std::max<std::int64_t>(1, run_steps)))
                 : ""));
    return options_.patience > 0 && state_->bad_validations >= options_.patience;
  };
  // Rank 0 validates; the others wait for its verdict and loop state (best, schedule, patience).
  auto validate = [&]() -> bool {
    bool patience_out = false;
    if (writer()) patience_out = validate_here();
    if (group_) {
      const nlohmann::json sync = {{"state", state_->to_json()}, {"patience_out", patience_out}};
      const auto received = nlohmann::json::parse(group_->broadcast_bytes(writer() ? sync.dump() : std::string()));
      if (!writer()) {
        const double own_elapsed = state_->elapsed;
        state_->from_json(received.at("state"));
        state_->elapsed = own_elapsed;
        patience_out = received.at("patience_out");
        last_validated = state_->step;
      }
    }
    return patience_out;
  };
  auto checkpoint_last = [&] {
    if (!writer()) return;
    const double saved = state_->elapsed;
    state_->elapsed = elapsed();
    write_checkpoint(last_path, true);
    state_->elapsed = saved;
  };

  // Progress in updates when they are the budget (every preset's), so the bar's ETA is when
  // max_steps stops training; in tokens when only epochs bound it.
  const bool count_updates = options_.max_steps > 0;
  if (progress_) {
    if (count_updates)
      progress_->begin(
          "train", static_cast<std::uint64_t>(std::max<std::int64_t>(0, options_.max_steps - state_->step)), "updates");
    else
      progress_->begin("train", static_cast<std::uint64_t>(epoch_tokens * options_.max_epochs), "tok");
    if (options_.max_minutes > 0) progress_->set_time_limit(options_.max_minutes * 60 - state_->elapsed);
  }
  std::string stop;
  // A resumed training whose update budget is already spent (`--resume` of a finished run)
  // makes no further update: the loop below checks the budget only after an update, and one
  // more would silently change a model that the same config otherwise reproduces.
  if (options_.max_steps > 0 && state_->step >= options_.max_steps) stop = "max_steps";
  while (stop.empty() && state_->epoch < options_.max_epochs) {
    const auto batches = make_batches(train, options_.batching, seed_, state_->epoch);
    bool patience_out = false;
    while (state_->batch_in_epoch < static_cast<std::int64_t>(batches.size())) {
      // One update: `accumulate` consecutive batches (fewer at the end of the epoch).
      const auto first = static_cast<std::size_t>(state_->batch_in_epoch);
      const std::size_t count =
          std::min<std::size_t>(static_cast<std::size_t>(options_.accumulate), batches.size() - first);
      std::vector<const std::vector<std::size_t>*> group_batches;
      std::int64_t batch_tokens = 0;  // of the whole update (all batches, all ranks)
      for (std::size_t b = first; b < first + count; ++b) {
        group_batches.push_back(&batches[b]);
        for (std::size_t i : batches[b]) batch_tokens += static_cast<std::int64_t>(train.target_length(i) + 1);
      }
      const auto t0 = Clock::now();
      const double lr = scheduled_learning_rate();
      // Stop votes: a rank interrupted, rank 0's clock past the budget (all ranks must agree).
      std::array<double, 2> votes = {
          g_interrupted.load() ? 1.0 : 0.0,
          writer() && options_.max_minutes > 0 && elapsed() >= options_.max_minutes * 60 ? 1.0 : 0.0};
      const double loss = update(train, group_batches, batch_tokens, votes);
      const double dt = seconds_since(t0);
      state_->batch_in_epoch += static_cast<std::int64_t>(count);
      if (!std::isfinite(loss) && !skipped_last_)
        fail("training diverged at step {} (loss {}); lower learning_rate or raise clip_norm", state_->step, loss);
      update_seconds += dt;
      run_tokens += batch_tokens;
      ++run_steps;
      // A mapped corpus: let the pages read so far go (page cache, not this process's memory),
      // so resident memory stays the same at any corpus size. Every update: the kernel maps
      // 64 KB around each touched page (fault-around), so a few hundred random pairs per
      // batch make megabytes resident, and unmapping the untouched rest costs microseconds.
      train.release_pages();
      // And the heap pages freed since: after the first update, then whenever the updates
      // since the last trim took 30 s and 50 times as long as the trim itself. After subword
      // training and encoding in the same process the allocator's arenas are large and
      // fragmented, and each update's blocks land on pages the last one did not use (at 1M
      // pairs the resident set rose 0.3 GB above 100k's within 20 updates; one trim, 76 ms
      // there, gave it back). Not after every update: every page a trim gives back is faulted
      // in and zeroed again by the next update (measured: trimming whenever 50 times its
      // cost had passed, i.e. every update or two, cost the RNN a fifth of its training time).
      if (run_steps == 1 || update_seconds - trimmed_at >= std::max(30.0, 50 * trim_seconds)) {
        const auto trim_start = Clock::now();
        release_free_memory();
        trim_seconds = seconds_since(trim_start);
        trimmed_at = update_seconds;
      }
      if (!skipped_last_) {  // an fp16 overflow's loss may be infinite: not averaged
        result.last_loss = loss;
        window_loss += loss * static_cast<double>(batch_tokens);
        window_tokens += batch_tokens;
      }
      window_seconds += dt;
      ++window_steps;
      if (progress_) progress_->advance(count_updates ? 1 : static_cast<std::uint64_t>(batch_tokens));
      if (state_->step % options_.log_every == 0) {
        nlohmann::json line = {
            {k::kType, "train"},
            {k::kStep, state_->step},
            {k::kEpoch, state_->epoch + 1},
            {k::kLoss, window_loss / static_cast<double>(std::max<std::int64_t>(1, window_tokens))},
            {k::kLearningRate, lr},
            {k::kTokensPerSecond, static_cast<double>(window_tokens) / std::max(1e-9, window_seconds)},
            {k::kElapsed, elapsed()},
            {k::kGradNorms, grad_norms_}};
        if (options_.amp == "fp16") {
          line["loss_scale"] = state_->loss_scale;
          line["skipped_updates"] = skipped_updates_;
        }
        if (group_) {
          // Global tokens/s (above) and the communication share of the window.
          line["world_size"] = world;
          line["allreduce_ms"] = 1000.0 * (allreduce_seconds_ - window_allreduce) / static_cast<double>(window_steps);
          window_allreduce = allreduce_seconds_;
        }
        log_line(line);
        window_loss = window_seconds = 0;
        window_steps = window_tokens = 0;
      }
      if (hooks.after_update) hooks.after_update(state_->step);
      if (group_ ? votes[0] > 0 : g_interrupted.load()) {
        checkpoint_last();
        if (progress_) progress_->end("interrupted");
        fail<InterruptedError>("training interrupted at step {}: checkpoint saved to {}; continue with --resume",
                               state_->step, last_path.string());
      }
      if (options_.validate_every > 0 && state_->step % options_.validate_every == 0) {
        patience_out = validate();
        checkpoint_last();
      }
      if (patience_out)
        stop = "patience";
      else if (options_.max_steps > 0 && state_->step >= options_.max_steps)
        stop = "max_steps";
      else if (group_ ? votes[1] > 0 : options_.max_minutes > 0 && elapsed() >= options_.max_minutes * 60)
        stop = "max_minutes";
      if (!stop.empty()) break;
    }
    if (state_->batch_in_epoch >= static_cast<std::int64_t>(batches.size())) {
      ++state_->epoch;
      state_->batch_in_epoch = 0;
      if (options_.validate_every == 0 && last_validated != state_->step && validate() && stop.empty())
        stop = "patience";
    }
    if (!stop.empty() && last_validated != state_->step) validate();  // stopped: validate what we have
    checkpoint_last();
  }
  if (stop.empty()) stop = "max_epochs";
  if (CpuBlockCache* cache = installed_cpu_block_cache()) {
    if (progress_) {
      const auto s = cache->stats();
      progress_->log(fmt::format(
          "CPU block cache: {} of {} large tensor blocks reused, {} given back at its limit; {} "
          "cached, at most {} in use",
          s.hits, s.hits + s.misses, s.released, format_bytes(s.cached_bytes), format_bytes(s.peak_in_use_bytes)));
    }
    // The training's blocks are of no use to what the process does next (translating, another
    // system's training in `compare`): give them back rather than hold its memory.
    cache->release_cached();
  }
  if (progress_) progress_->end(fmt::format("{} updates, stopped by {}", state_->step, stop));
  result.world_size = world;
  result.allreduce_ms = 1000.0 * allreduce_seconds_ / static_cast<double>(std::max<std::int64_t>(1, run_steps));
  if (group_) {
    group_->finish();
    if (!writer()) {  // rank 0 keeps the model; this rank's work is done
      result.steps = state_->step;
      result.epochs = state_->epoch;
      result.stop_reason = stop;
      result.tokens_per_second = static_cast<double>(run_tokens) / std::max(1e-9, update_seconds);
      return result;
    }
  }
  if (state_->has_best) load_module(best_path, model_.module(), device_);
  if (options_.average_checkpoints > 1 && state_->has_best) average_last(dev, hooks, use_bleu, result);
  model_.module().eval();
  result.steps = state_->step;
  result.epochs = state_->epoch;
  result.best_dev_loss = state_->best_dev_loss;
  result.best_dev_bleu = state_->best_dev_bleu;
  result.tokens_per_second = static_cast<double>(run_tokens) / std::max(1e-9, update_seconds);
  result.seconds = elapsed();
  result.early_stopped = stop == "patience";
  result.stop_reason = stop;
  log_line(nlohmann::json({{k::kType, "end"},
                           {k::kStep, state_->step},
                           {"stop", stop},
                           {"world_size", world},
                           {"allreduce_ms", result.allreduce_ms},
                           {k::kTokensPerSecond, result.tokens_per_second},
                           {k::kElapsed, result.seconds}}));
  return result;
}

}  // namespace mtbench::neural
