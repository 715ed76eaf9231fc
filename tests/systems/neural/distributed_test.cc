// Data-parallel training (systems/neural/distributed.h), end to end through the mtbench
// executable: `--nproc 2` takes the same updates as one process, processes launched by hand
// with torchrun's environment equal `--nproc 2`, a killed rank is named by the survivor and
// --resume finishes, and ranks that disagree are refused.

#ifdef MTBENCH_HAVE_TORCH
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>
#include <torch/torch.h>
#include <nlohmann/json.hpp>

#include "base/text_file.h"
#include "tests/cli/run_mtbench.h"
#include "tests/systems/neural/toy_task.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::run_mtbench;
using Clock = std::chrono::steady_clock;

const std::string kTransformer =
    std::string(testing::kTransformerToyTraining) +
    "vocab_size: 60\ndim: 32\nheads: 2\nffn_dim: 64\nencoder_layers: 2\ndecoder_layers: 2\ndropout: 0\n"
    "attention_dropout: 0\nrelu_dropout: 0\nbatch_tokens: 300\nlearning_rate: 0.5\nwarmup_steps: 30\n"
    "max_minutes: 0\npatience: 0\n";
const std::string kRnn =
    std::string(testing::kRnnToyTraining) +
    "vocab_size: 60\nembedding_dim: 16\nencoder_dim: 16\ndecoder_dim: 32\noutput_dim: 16\ndropout: 0\n"
    "batch_tokens: 300\nlearning_rate: 0.003\nmax_minutes: 0\npatience: 0\n";

// The toy task as files, and the common arguments of `mtbench train` on it.
std::string write_toy_files(const std::filesystem::path& dir, bool with_dev) {
  const TrainData d = testing::toy_task_data();
  auto write = [&](const std::string& name, const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& l : lines) text += l + "\n";
    write_file_atomic(dir / name, text);
  };
  write("train.de", d.train_source);
  write("train.en", d.train_target);
  write("dev.de", d.dev_source);
  write("dev.en", d.dev_target);
  std::string args = "--train-src '" + (dir / "train.de").string() + "' --train-tgt '" + (dir / "train.en").string() +
                     "' --src-lang de --tgt-lang en";
  if (with_dev) args += " --dev-src '" + (dir / "dev.de").string() + "' --dev-tgt '" + (dir / "dev.en").string() + "'";
  return args;
}

std::vector<nlohmann::json> log_lines(const std::filesystem::path& model, const std::string& type) {
  std::vector<nlohmann::json> out;
  std::ifstream in(model / "training_log.jsonl");
  for (std::string line; std::getline(in, line);) {
    auto j = nlohmann::json::parse(line);
    if (j.at("type") == type) out.push_back(j);
  }
  return out;
}

// Every tensor of a file written by save_module, by its path in the module tree.
void read_tensors(torch::serialize::InputArchive& archive, const std::string& prefix,
                  std::map<std::string, torch::Tensor>& out) {
  for (const auto& key : archive.keys()) {
    torch::Tensor t;
    if (archive.try_read(key, t)) {
      out[prefix + key] = t;
      continue;
    }
    torch::serialize::InputArchive child;
    if (archive.try_read(key, child)) read_tensors(child, prefix + key + ".", out);
  }
}

std::map<std::string, torch::Tensor> model_tensors(const std::filesystem::path& file) {
  torch::serialize::InputArchive archive;
  archive.load_from(file.string());
  std::map<std::string, torch::Tensor> out;
  read_tensors(archive, "", out);
  return out;
}

// Starts `mtbench ARGS` as rank `rank` of `world` with torchrun's variables; stderr to `err`.
pid_t start_rank(const std::string& args, int rank, int world, int port, const std::filesystem::path& err,
                 const std::string& extra_env = "") {
  const std::string command = "exec env WORLD_SIZE=" + std::to_string(world) + " RANK=" + std::to_string(rank) +
                              " LOCAL_RANK=" + std::to_string(rank) +
                              " MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(port) + " " + extra_env +
                              " '" MTBENCH_BINARY_DIR "/mtbench' " + args + " > /dev/null 2> '" + err.string() + "'";
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// Waits for `pid` up to `seconds`; its exit status (128 + signal), or -1 on timeout.
int wait_for(pid_t pid, double seconds) {
  const auto start = Clock::now();
  while (std::chrono::duration<double>(Clock::now() - start).count() < seconds) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

// A port unlikely to collide with a parallel test run.
int test_port(int offset) {
  return 20000 + static_cast<int>(::getpid() % 20000) + offset;
}

// --nproc 2 against one process: the loss of every update within 1e-4 relative, the final
// weights within 1e-4 absolute (float sums in another order are all that differ).
void expect_same_training_split(const std::string& system, const std::string& options) {
  testing::ScratchDir dir;
  const std::string data = write_toy_files(dir.path(), false);  // no dev: model.pt is the last update's
  write_file_atomic(dir / "opts.yaml", options + "max_steps: 30\nlog_every: 1\nmax_epochs: 100\n");
  const std::string common = "train " + system + " " + data + " --config '" + (dir / "opts.yaml").string() + "'";
  const auto one = run_mtbench("--threads 2 -q " + common + " --out '" + (dir / "one").string() + "'", dir.path());
  ASSERT_EQ(one.status, 0) << one.err;
  const auto two =
      run_mtbench("--threads 2 " + common + " --nproc 2 --out '" + (dir / "two").string() + "'", dir.path());
  ASSERT_EQ(two.status, 0) << two.err;
  EXPECT_NE(two.err.find("starting 2 worker processes with 1 thread each"), std::string::npos) << two.err;

  const auto a = log_lines(dir / "one", "train"), b = log_lines(dir / "two", "train");
  ASSERT_EQ(a.size(), 30u);
  ASSERT_EQ(b.size(), 30u);
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double la = a[i].at("loss"), lb = b[i].at("loss");
    EXPECT_LE(std::abs(la - lb), 1e-4 * std::abs(la)) << system << " step " << i + 1 << ": " << la << " vs " << lb;
    EXPECT_EQ(b[i].at("world_size"), 2);
    EXPECT_GE(b[i].at("allreduce_ms").get<double>(), 0.0);
  }
  const auto wa = model_tensors(dir / "one" / "model.pt"), wb = model_tensors(dir / "two" / "model.pt");
  ASSERT_EQ(wa.size(), wb.size());
  ASSERT_GT(wa.size(), 5u);
  double max_diff = 0;
  for (const auto& [name, t] : wa) {
    ASSERT_TRUE(wb.count(name)) << name;
    ASSERT_EQ(t.sizes(), wb.at(name).sizes()) << name;
    if (!t.is_floating_point()) continue;
    torch::Tensor ta = t, tb = wb.at(name);
    if (name.size() > 8 && name.compare(name.size() - 8, 8, ".in_bias") == 0) {
      // The key bias [dim, 2 dim) of an attention layer: it adds q.b_k to every score of a
      // query, which softmax cancels, so its gradient is exactly zero in exact arithmetic and
      // pure rounding noise in floats; Adam normalizes that noise into full-size steps of
      // random sign. It differs between any two runs summing in another order (1 vs 2 threads
      // too) and changes no output: compare the query and value biases only.
      const auto dim = t.size(0) / 3;
      ta = torch::cat({t.narrow(0, 0, dim), t.narrow(0, 2 * dim, dim)});
      tb = torch::cat({tb.narrow(0, 0, dim), tb.narrow(0, 2 * dim, dim)});
    }
    const double diff = (ta - tb).abs().max().item<double>();
    EXPECT_LE(diff, 1e-4) << system << " " << name;
    max_diff = std::max(max_diff, diff);
  }
  EXPECT_LE(max_diff, 1e-4) << system;
  double max_loss = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    max_loss = std::max(max_loss, std::abs(a[i].at("loss").get<double>() - b[i].at("loss").get<double>()) /
                                      std::abs(a[i].at("loss").get<double>()));
  std::printf("%s: largest relative loss difference %.2e, largest weight difference %.2e\n", system.c_str(), max_loss,
              max_diff);
  // Training moved the weights at all (the comparison is not of two initialisations).
  EXPECT_LT(b.back().at("loss").get<double>(), b.front().at("loss").get<double>() - 0.3);
}

TEST(DataParallel, TransformerSplitOverTwoProcessesTrainsLikeOne) {
  expect_same_training_split("transformer", kTransformer);
}

TEST(DataParallel, RnnSplitOverTwoProcessesTrainsLikeOne) {
  expect_same_training_split("rnn-attention", kRnn);
}

TEST(DataParallel, ProcessesLaunchedWithTorchrunsEnvironmentEqualNproc) {
  testing::ScratchDir dir;
  const std::string data = write_toy_files(dir.path(), true);
  write_file_atomic(dir / "opts.yaml", std::string(kTransformer) + "max_steps: 20\nlog_every: 1\nvalidate_every: 10\n");
  const std::string common =
      "--threads 1 train transformer " + data + " --config '" + (dir / "opts.yaml").string() + "'";
  const auto launched = run_mtbench(
      "--threads 2 -q " + common.substr(12) + " --nproc 2 --out '" + (dir / "launched").string() + "'", dir.path());
  ASSERT_EQ(launched.status, 0) << launched.err;
  const int port = test_port(1);
  const auto out = "'" + (dir / "by-hand").string() + "'";
  const pid_t r1 = start_rank(common + " --out " + out, 1, 2, port, dir / "r1.err");
  const pid_t r0 = start_rank(common + " --out " + out, 0, 2, port, dir / "r0.err");
  EXPECT_EQ(wait_for(r0, 120), 0) << read_file(dir / "r0.err");
  EXPECT_EQ(wait_for(r1, 30), 0) << read_file(dir / "r1.err");
  // Rank 1 wrote nothing; rank 0 the whole model.
  EXPECT_TRUE(std::filesystem::exists(dir / "by-hand" / "mtbench-model.json"));
  EXPECT_EQ(read_file(dir / "r1.err"), "");
  for (const std::string type : {"train", "valid"}) {
    const auto a = log_lines(dir / "launched", type), b = log_lines(dir / "by-hand", type);
    ASSERT_EQ(a.size(), b.size()) << type;
    ASSERT_FALSE(a.empty()) << type;
    for (std::size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].at("step"), b[i].at("step"));
      const char* key = type == "train" ? "loss" : "dev_loss";
      EXPECT_DOUBLE_EQ(a[i].at(key).get<double>(), b[i].at(key).get<double>()) << type << " " << i;
    }
  }
}

TEST(DataParallel, CompareTrainsEveryNeuralSystemDataParallel) {
  testing::ScratchDir dir;
  write_toy_files(dir.path(), true);
  write_file_atomic(dir / "cfg.yaml", R"(corpus: null
pair: de-en
train: {source: train.de, target: train.en}
dev: {source: dev.de, target: dev.en}
test_sets: [{name: toy, source: dev.de, reference: dev.en}]
systems:
  - {system: transformer, label: tf, options: {vocab_size: 60, dim: 32, heads: 2, ffn_dim: 64, encoder_layers: 1,
     decoder_layers: 1, dropout: 0, batch_tokens: 300, max_steps: 20, validate_every: 10, max_minutes: 0,
     log_every: 5}}
significance: {bootstrap_samples: 0, randomization_trials: 0}
analyses: []
)");
  const auto run =
      run_mtbench("--threads 2 -q compare --config '" + (dir / "cfg.yaml").string() + "' --nproc 2 --out '" +
                      (dir / "run").string() + "'",
                  dir.path(), "cd '" + dir.path().string() + "' && MTBENCH_HOME='" + (dir / "home").string() + "'");
  ASSERT_EQ(run.status, 0) << run.err;
  std::filesystem::path model;
  for (const auto& e : std::filesystem::directory_iterator(dir / "home" / "models"))
    if (e.path().filename().string().rfind("transformer-", 0) == 0) model = e.path();
  ASSERT_FALSE(model.empty());
  const auto lines = log_lines(model, "train");
  ASSERT_EQ(lines.size(), 4u);
  for (const auto& l : lines) EXPECT_EQ(l.at("world_size"), 2);
  // The workers' scratch files are gone; the report has the system.
  for (const auto& e : std::filesystem::directory_iterator(dir / "home" / "models"))
    EXPECT_EQ(e.path().string().find(".workers"), std::string::npos) << e.path();
  EXPECT_TRUE(std::filesystem::exists(dir / "run" / "report.html"));
}

TEST(DataParallel, KilledRankIsNamedAndResumeFinishesWithAnyProcessCount) {
  testing::ScratchDir dir;
  const std::string data = write_toy_files(dir.path(), true);
  write_file_atomic(dir / "opts.yaml",
                    std::string(kTransformer) + "max_steps: 240\nlog_every: 10\nvalidate_every: 40\n");
  const std::string common =
      "--threads 1 train transformer " + data + " --config '" + (dir / "opts.yaml").string() + "'";
  const auto model = dir / "killed";
  const int port = test_port(2);
  const pid_t r0 = start_rank(common + " --out '" + model.string() + "'", 0, 2, port, dir / "r0.err");
  const pid_t r1 = start_rank(common + " --out '" + model.string() + "'", 1, 2, port, dir / "r1.err");
  // Kill rank 1 once the first checkpoint exists (the validation at update 40 is done).
  const auto start = Clock::now();
  while (log_lines(model, "valid").size() < 1 && std::chrono::duration<double>(Clock::now() - start).count() < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_GE(log_lines(model, "valid").size(), 1u) << read_file(dir / "r0.err");
  ASSERT_EQ(kill(r1, SIGKILL), 0);
  const auto killed_at = Clock::now();
  const int status = wait_for(r0, 60);
  const double seconds = std::chrono::duration<double>(Clock::now() - killed_at).count();
  EXPECT_EQ(wait_for(r1, 10), 128 + SIGKILL);
  ASSERT_NE(status, -1) << "rank 0 still running 60 s after rank 1 was killed";
  EXPECT_EQ(status, 1);
  EXPECT_LT(seconds, 60);
  const std::string err = read_file(dir / "r0.err");
  EXPECT_NE(err.find("rank 1 of the training group died or stopped responding"), std::string::npos) << err;
  EXPECT_NE(err.find("--resume"), std::string::npos) << err;
  EXPECT_FALSE(std::filesystem::exists(model / "mtbench-model.json"));

  // The last checkpoint loads and --resume finishes, with one process.
  const auto resumed = run_mtbench(common.substr(12) + " --out '" + model.string() + "' --resume", dir.path());
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("it was written by 2 processes, 1 continue"), std::string::npos) << resumed.err;
  // An uninterrupted run of one process reaches the same dev BLEU (within 0.5) and dev loss.
  const auto whole = run_mtbench(common.substr(12) + " -q --out '" + (dir / "whole").string() + "'", dir.path());
  ASSERT_EQ(whole.status, 0) << whole.err;
  const auto a = log_lines(model, "valid"), b = log_lines(dir / "whole", "valid");
  ASSERT_FALSE(a.empty());
  ASSERT_FALSE(b.empty());
  EXPECT_EQ(a.back().at("step"), 240);
  EXPECT_EQ(b.back().at("step"), 240);
  EXPECT_NEAR(a.back().at("dev_bleu").get<double>(), b.back().at("dev_bleu").get<double>(), 0.5);
  EXPECT_NEAR(a.back().at("dev_loss").get<double>(), b.back().at("dev_loss").get<double>(),
              0.1 * b.back().at("dev_loss").get<double>());  // float noise grows over 200 updates
}

// Two ranks training the toy task without end (plus `extra` arguments), once both have
// logged two training lines: the fault tests' starting point.
struct TrainingPair {
  pid_t rank0, rank1;           // the processes
  std::filesystem::path model;  // their model directory
};
TrainingPair start_endless_pair(const testing::ScratchDir& dir, const std::string& extra, int port) {
  const std::string data = write_toy_files(dir.path(), false);
  write_file_atomic(dir / "opts.yaml", std::string(kTransformer) + "max_steps: 100000\nlog_every: 10\n");
  const auto model = dir / "m";
  const std::string args = "--threads 1 train transformer " + data + " --config '" + (dir / "opts.yaml").string() +
                           "'" + extra + " --out '" + model.string() + "'";
  TrainingPair pair{start_rank(args, 0, 2, port, dir / "r0.err"), start_rank(args, 1, 2, port, dir / "r1.err"), model};
  const auto start = Clock::now();
  while (log_lines(model, "train").size() < 2 && std::chrono::duration<double>(Clock::now() - start).count() < 120)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return pair;
}

TEST(DataParallel, DeadRankZeroIsNamedByTheOthers) {
  testing::ScratchDir dir;
  const auto [r0, r1, model] = start_endless_pair(dir, "", test_port(3));
  ASSERT_EQ(kill(r0, SIGKILL), 0);
  EXPECT_EQ(wait_for(r0, 10), 128 + SIGKILL);
  EXPECT_EQ(wait_for(r1, 60), 1);
  const std::string err = read_file(dir / "r1.err");
  EXPECT_NE(err.find("rank 0 of the training group died or stopped responding"), std::string::npos) << err;
}

TEST(DataParallel, HungRankIsDeclaredDeadAfterTheTimeout) {
  testing::ScratchDir dir;
  const auto [r0, r1, model] = start_endless_pair(dir, " --dist-timeout 4", test_port(4));
  ASSERT_EQ(kill(r1, SIGSTOP), 0);  // alive but silent: no socket closes
  const auto stopped_at = Clock::now();
  const int status = wait_for(r0, 30);
  const double seconds = std::chrono::duration<double>(Clock::now() - stopped_at).count();
  kill(r1, SIGKILL);
  wait_for(r1, 10);
  EXPECT_EQ(status, 1);
  EXPECT_GE(seconds, 3.0);  // the timeout (4 s) from the last heartbeat, up to 1 s before the stop
  EXPECT_LT(seconds, 15);
  const std::string err = read_file(dir / "r0.err");
  EXPECT_NE(err.find("rank 1 of the training group died or stopped responding (no heartbeat for"), std::string::npos)
      << err;
}

TEST(DataParallel, RanksThatDisagreeAreRefusedAtStartUp) {
  testing::ScratchDir dir;
  const std::string data = write_toy_files(dir.path(), false);
  write_file_atomic(dir / "opts.yaml", std::string(kTransformer) + "max_steps: 5\n");
  const std::string common = "train transformer " + data + " --config '" + (dir / "opts.yaml").string() + "'";
  const int port = test_port(5);
  const auto out = " --out '" + (dir / "m").string() + "'";
  const pid_t r0 = start_rank("--threads 1 --seed 1 " + common + out, 0, 2, port, dir / "r0.err");
  const pid_t r1 = start_rank("--threads 1 --seed 2 " + common + out, 1, 2, port, dir / "r1.err");
  EXPECT_EQ(wait_for(r0, 60), 1);
  EXPECT_EQ(wait_for(r1, 60), 1);
  for (const auto* name : {"r0.err", "r1.err"}) {
    const std::string err = read_file(dir / name);
    EXPECT_NE(err.find("the training processes disagree: rank 1 differs from rank 0 in seed: '2' where rank 0 has "
                       "'1'"),
              std::string::npos)
        << name << ": " << err;
  }
}

TEST(DataParallel, BadLaunchesAreOneLineErrors) {
  testing::ScratchDir dir;
  const std::string data = write_toy_files(dir.path(), false);
  const auto out = " --out '" + (dir / "m").string() + "'";
  auto r = run_mtbench("train phrase-based " + data + " --nproc 2" + out, dir.path());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--nproc 2: phrase-based trains in one process"), std::string::npos) << r.err;
  r = run_mtbench("train transformer " + data + out, dir.path(), "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("RANK is not set"), std::string::npos) << r.err;
  r = run_mtbench("train transformer " + data + out, dir.path(),
                  "WORLD_SIZE=2 RANK=2 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=1234");
  EXPECT_NE(r.err.find("RANK=2: expected an integer from 0 to 1"), std::string::npos) << r.err;
  r = run_mtbench("train transformer " + data + " --nproc 2" + out, dir.path(),
                  "WORLD_SIZE=2 RANK=0 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=1234");
  EXPECT_NE(r.err.find("already rank 0 of 2"), std::string::npos) << r.err;
  r = run_mtbench("-q train transformer " + data + out + " --dist-backend nccl", dir.path(),
                  "WORLD_SIZE=2 RANK=0 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=1234");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--dist-backend nccl needs --device cuda"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // This LibTorch has no CUDA: one clear error, before any training.
  r = run_mtbench("-q train transformer " + data + out + " --device cuda --nproc 2", dir.path());
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("--device cuda: this LibTorch build has no usable CUDA device"), std::string::npos) << r.err;
  // --amp is the option amp: recorded in the model's options; a config saying otherwise is refused.
  write_file_atomic(dir / "amp.yaml", "amp: bf16\n");
  r = run_mtbench("-q train transformer " + data + out + " --amp fp16 --config '" + (dir / "amp.yaml").string() + "'",
                  dir.path());
  EXPECT_NE(r.err.find("--amp fp16 contradicts 'amp: bf16'"), std::string::npos) << r.err;
  r = run_mtbench("-q train rule-based " + data + out + " --amp bf16", dir.path());
  EXPECT_NE(r.err.find("--amp bf16: rule-based has no mixed-precision training"), std::string::npos) << r.err;
  // A rank whose partners never come gives up after the timeout, naming the address.
  r = run_mtbench("train transformer " + data + out + " --dist-timeout 2", dir.path(),
                  "WORLD_SIZE=2 RANK=1 LOCAL_RANK=1 MASTER_ADDR=127.0.0.1 MASTER_PORT=" + std::to_string(test_port(6)));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("could not join the training group at 127.0.0.1:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace mtbench
#endif  // MTBENCH_HAVE_TORCH
