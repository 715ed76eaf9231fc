// Golden values from sacreBLEU 2.6.0 on the WMT17 en-de systems (../shared/testdata, see its
// README): corpus scores under 19 configurations, with signature and text, and sentence
// scores of the first 300 segments. Every metric is set up once per configuration and then
// scores all 8 systems (exercising the reference cache).

#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <memory>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/text_file.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/ter.h"
#include "tests/test_util.h"

namespace mtbench::eval {
namespace {

using Factory = std::function<std::unique_ptr<Metric>()>;

template <typename M, typename O>
Factory make(O options) {
  return [options] { return std::make_unique<M>(options); };
}

BleuOptions bleu_with(std::function<void(BleuOptions&)> f) {
  BleuOptions o;
  f(o);
  return o;
}
ChrfOptions chrf_with(std::function<void(ChrfOptions&)> f) {
  ChrfOptions o;
  f(o);
  return o;
}
TerOptions ter_with(std::function<void(TerOptions&)> f) {
  TerOptions o;
  f(o);
  return o;
}

// The configurations of the golden file and the options behind them (README).
const std::map<std::string, Factory>& configurations() {
  static const std::map<std::string, Factory> configs = {
      {"bleu", make<Bleu>(BleuOptions{})},
      {"bleu.tok-intl", make<Bleu>(bleu_with([](auto& o) { o.tokenize = "intl"; }))},
      {"bleu.tok-char", make<Bleu>(bleu_with([](auto& o) { o.tokenize = "char"; }))},
      {"bleu.tok-none", make<Bleu>(bleu_with([](auto& o) { o.tokenize = "none"; }))},
      {"bleu.lc", make<Bleu>(bleu_with([](auto& o) { o.lowercase = true; }))},
      {"bleu.smooth-none", make<Bleu>(bleu_with([](auto& o) { o.smooth_method = "none"; }))},
      {"bleu.smooth-floor", make<Bleu>(bleu_with([](auto& o) {
         o.smooth_method = "floor";
         o.smooth_value = 0.1;
       }))},
      {"bleu.smooth-add-k", make<Bleu>(bleu_with([](auto& o) {
         o.smooth_method = "add-k";
         o.smooth_value = 1;
       }))},
      {"chrf", make<Chrf>(ChrfOptions{})},
      {"chrf++", make<Chrf>(chrf_with([](auto& o) { o.word_order = 2; }))},
      {"chrf.lc", make<Chrf>(chrf_with([](auto& o) { o.lowercase = true; }))},
      {"chrf.ws", make<Chrf>(chrf_with([](auto& o) { o.whitespace = true; }))},
      {"ter", make<Ter>(TerOptions{})},
      {"ter.cs", make<Ter>(ter_with([](auto& o) { o.case_sensitive = true; }))},
      {"ter.norm", make<Ter>(ter_with([](auto& o) { o.normalized = true; }))},
      {"ter.nopunct", make<Ter>(ter_with([](auto& o) { o.no_punct = true; }))},
      {"bleu.2refs", make<Bleu>(BleuOptions{})},
      {"chrf++.2refs", make<Chrf>(chrf_with([](auto& o) { o.word_order = 2; }))},
      {"ter.2refs", make<Ter>(TerOptions{})},
  };
  return configs;
}

// The golden file and the corpora, read once for all tests of the suite.
struct GoldenData {
  nlohmann::json golden;
  std::vector<std::string> reference;
  std::vector<std::string> second_reference;
  std::map<std::string, std::vector<std::string>> outputs;  // system name -> segments
};

class GoldenWmt17 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const auto golden_path = ::mtbench::testing::shared_file("testdata/sacrebleu-2.6.0-wmt17.json");
    const auto corpus_dir = ::mtbench::testing::shared_file("corpora/wmt17-en-de");
    if (golden_path.empty() || corpus_dir.empty()) return;
    auto data = std::make_unique<GoldenData>();
    std::ifstream in(golden_path);
    data->golden = nlohmann::json::parse(in);
    data->reference = read_lines(corpus_dir / (data->golden["reference"].get<std::string>() + ".gz"));
    data->second_reference = read_lines(corpus_dir / (data->golden["second_reference"].get<std::string>() + ".gz"));
    for (const auto& [system, _] : data->golden["systems"].items())
      data->outputs[system] = read_lines(corpus_dir / (system + ".gz"));
    data_ = std::move(data);
  }
  static void TearDownTestSuite() { data_.reset(); }

  void SetUp() override {
    MTBENCH_REQUIRE_SHARED(golden_path, "testdata/sacrebleu-2.6.0-wmt17.json");
    MTBENCH_REQUIRE_SHARED(corpus_dir, "corpora/wmt17-en-de");
    ASSERT_TRUE(data_);
    ASSERT_EQ(data_->outputs.size(), 8u);
  }

  static inline std::unique_ptr<GoldenData> data_;
  const nlohmann::json& golden_ = data_ ? data_->golden : empty_json();
  const std::vector<std::string>& reference_ = data_ ? data_->reference : empty_lines();
  const std::vector<std::string>& second_reference_ = data_ ? data_->second_reference : empty_lines();
  const std::map<std::string, std::vector<std::string>>& outputs_ = data_ ? data_->outputs : empty_outputs();

  static const nlohmann::json& empty_json() {
    static const nlohmann::json empty;
    return empty;
  }
  static const std::vector<std::string>& empty_lines() {
    static const std::vector<std::string> empty;
    return empty;
  }
  static const std::map<std::string, std::vector<std::string>>& empty_outputs() {
    static const std::map<std::string, std::vector<std::string>> empty;
    return empty;
  }

  // Checks every system under the configurations whose key starts with `prefix`.
  void check_corpus(const std::string& prefix) {
    int checked = 0;
    for (const auto& [config, factory] : configurations()) {
      if (config.rfind(prefix, 0) != 0) continue;
      const bool two_refs = config.size() > 6 && config.substr(config.size() - 6) == ".2refs";
      auto metric = factory();
      if (two_refs) {
        metric->set_references({reference_, second_reference_});
      } else {
        metric->set_references({reference_});
      }
      for (const auto& [system, hyps] : outputs_) {
        SCOPED_TRACE(system + " " + config);
        const auto& expected = golden_["systems"][system][config];
        const Score score = metric->corpus_score(hyps);
        EXPECT_NEAR(score.score, expected["score"].get<double>(), 5e-5);
        EXPECT_EQ(metric->signature(), expected["signature"].get<std::string>());
        EXPECT_EQ(score.text(), expected["text"].get<std::string>());
        ++checked;
      }
    }
    EXPECT_GT(checked, 0);
  }

  // Sentence scores of the first 300 segments under the default metric `metric`.
  void check_sentences(Metric& metric, const std::string& key) {
    metric.set_references({reference_});
    for (const auto& [system, hyps] : outputs_) {
      const auto& expected = golden_["systems"][system]["sentence"][key];
      ASSERT_EQ(expected.size(), 300u);
      const StatsMatrix stats = metric.segment_stats(hyps);
      for (std::size_t i = 0; i < expected.size(); ++i) {
        SCOPED_TRACE(system + " " + key + " segment " + std::to_string(i));
        EXPECT_NEAR(metric.sentence_score_from_stats(stats.row(i)).score, expected[i].get<double>(), 5e-5);
      }
    }
  }
};

TEST_F(GoldenWmt17, BleuCorpusScores) {
  check_corpus("bleu");
}
TEST_F(GoldenWmt17, ChrfCorpusScores) {
  check_corpus("chrf");
}
TEST_F(GoldenWmt17, TerCorpusScores) {
  check_corpus("ter");
}

TEST_F(GoldenWmt17, BleuSentenceScores) {
  BleuOptions options;
  options.effective_order = true;
  Bleu bleu(options);
  check_sentences(bleu, "bleu");
}

TEST_F(GoldenWmt17, ChrfSentenceScores) {
  Chrf chrf;
  check_sentences(chrf, "chrf");
}

TEST_F(GoldenWmt17, TerSentenceScores) {
  Ter ter;
  check_sentences(ter, "ter");
}

TEST_F(GoldenWmt17, EveryConfigurationOfTheGoldenFileIsChecked) {
  for (const auto& [system, configs] : golden_["systems"].items())
    for (const auto& [config, _] : configs.items())
      if (config != "sentence") {
        EXPECT_TRUE(configurations().count(config)) << "untested: " << config;
      }
}

}  // namespace
}  // namespace mtbench::eval
