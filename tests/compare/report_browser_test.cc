// The HTML report in a real browser: headless Chromium loads a report built from real data
// (Multi30k test_2016_flickr with Moses' output, WMT17 newstest2017 outputs) plus synthetic
// explanations of every kind, from disk, with no script errors; every section exists and a
// screenshot is produced (BUILD_DIR/report-screenshot.png). Skips only where Chromium or the
// shared data is absent. MTBENCH_KEEP_REPORT=DIR keeps the reports and results.json (a run
// directory for `mtbench report DIR`).

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "compare/analyze.h"
#include "eval/bleu.h"
#include "eval/chrf.h"
#include "eval/significance.h"
#include "eval/ter.h"
#include "reports/html_report.h"
#include "tests/serve/cdp_client.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

namespace fs = std::filesystem;

const char* kChromium = "/usr/bin/chromium";

std::vector<std::string> head(const fs::path& path, std::size_t n) {
  auto lines = read_lines(path);
  if (lines.size() > n) lines.resize(n);
  return lines;
}

// A crude word-for-word German->English "1954" system: a few dictionary entries, the rest
// passed through (so it has unknown and untranslated words).
std::string word_for_word(const std::string& source, nlohmann::json* explanation) {
  static const std::map<std::string, std::string> lexicon = {
      {"ein", "a"},        {"eine", "a"},       {"einem", "a"},        {"einer", "a"},    {"der", "the"},
      {"die", "the"},      {"das", "the"},      {"den", "the"},        {"dem", "the"},    {"und", "and"},
      {"mit", "with"},     {"auf", "on"},       {"in", "in"},          {"im", "in the"},  {"ist", "is"},
      {"Mann", "man"},     {"Frau", "woman"},   {"Hund", "dog"},       {"zwei", "two"},   {"drei", "three"},
      {"spielt", "plays"}, {"sitzt", "sits"},   {"steht", "stands"},   {"Männer", "men"}, {"Kinder", "children"},
      {"Junge", "boy"},    {"Mädchen", "girl"}, {"vor", "in front of"}};
  std::string out;
  nlohmann::json lex = nlohmann::json::array(), unknown = nlohmann::json::array(), tokens = nlohmann::json::array();
  for (const auto& word : eval::words_13a(source)) {
    tokens.push_back(word);
    auto it = lexicon.find(word);
    const std::string target = it == lexicon.end() ? word : it->second;
    if (it == lexicon.end() && std::isalpha(static_cast<unsigned char>(word[0]))) unknown.push_back(word);
    lex.push_back({{"source", word},
                   {"lemma", word},
                   {"target", target},
                   {"pos", it == lexicon.end() ? "?" : "X"},
                   {"note", it == lexicon.end() ? "unknown: passed through" : "only sense"}});
    out += (out.empty() ? "" : " ") + target;
  }
  if (explanation) {
    *explanation = {{"source_tokens", tokens},
                    {"lexicon", lex},
                    {"unknown_words", unknown},
                    {"rules",
                     {{{"rule", "ARTICLE"}, {"detail", "ein/eine -> a"}},
                      {{"rule", "VERB-SECOND"}, {"detail", "kept finite verb in place"}}}}};
  }
  return out;
}

// Attention-like weights: a soft diagonal, each row sums to 1.
std::vector<double> soft_diagonal(std::size_t rows, std::size_t cols, double sharpness, int shift) {
  std::vector<double> w(rows * cols);
  for (std::size_t i = 0; i < rows; ++i) {
    double sum = 0;
    for (std::size_t j = 0; j < cols; ++j) {
      const double centre =
          (static_cast<double>(i) + 0.5) * static_cast<double>(cols) / static_cast<double>(rows) + shift;
      w[i * cols + j] = std::exp(-sharpness * std::pow(static_cast<double>(j) - centre, 2));
      sum += w[i * cols + j];
    }
    for (std::size_t j = 0; j < cols; ++j) w[i * cols + j] /= sum;
  }
  return w;
}

nlohmann::json attention(const std::string& kind, int layer, int head, const std::vector<std::string>& rows,
                         const std::vector<std::string>& cols) {
  return {{"kind", kind},       {"layer", layer},
          {"head", head},       {"row_tokens", rows},
          {"col_tokens", cols}, {"weights", soft_diagonal(rows.size(), cols.size(), 0.3 + 0.4 * head, head - 1)}};
}

// Queries and keys [n x d] of one encoder head (deterministic), and the attention they give,
// softmax(q.k / sqrt(d)): the neuron view recomputes the latter from the former.
void neuron_vectors(int layer, int head, const std::vector<std::string>& src, nlohmann::json& heads) {
  const std::size_t n = src.size(), d = 8;
  std::vector<double> q(n * d), k(n * d), w(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t x = 0; x < d; ++x) {
      q[i * d + x] = std::round(1000 * std::sin(0.7 * i + 1.3 * x + layer + 0.5 * head)) / 1000;
      k[i * d + x] = std::round(1000 * std::cos(0.9 * i - 0.4 * x + 2 * layer + head)) / 1000;
    }
  for (std::size_t i = 0; i < n; ++i) {
    double z = 0;
    for (std::size_t j = 0; j < n; ++j) {
      double dot = 0;
      for (std::size_t x = 0; x < d; ++x) dot += q[i * d + x] * k[j * d + x];
      z += w[i * n + j] = std::exp(dot / std::sqrt(double(d)));
    }
    for (std::size_t j = 0; j < n; ++j) w[i * n + j] /= z;
  }
  std::vector<std::string> dims;
  for (std::size_t x = 0; x < d; ++x) dims.push_back(std::to_string(x));
  for (auto& m : heads)
    if (m["kind"] == "encoder-self" && m["layer"] == layer && m["head"] == head) m["weights"] = w;
  heads.push_back({{"kind", "encoder-query"},
                   {"layer", layer},
                   {"head", head},
                   {"row_tokens", src},
                   {"col_tokens", dims},
                   {"weights", q}});
  heads.push_back({{"kind", "encoder-key"},
                   {"layer", layer},
                   {"head", head},
                   {"row_tokens", src},
                   {"col_tokens", dims},
                   {"weights", k}});
}

// Scores, intervals, significance and analyses of one test set, as the compare pipeline fills them.
void score(TestSetResults& t, const std::vector<std::string>& labels) {
  eval::Bleu bleu;
  eval::ChrfOptions chrf_options;
  chrf_options.word_order = 2;
  eval::Chrf chrf(chrf_options);
  eval::Ter ter;
  std::vector<const eval::Metric*> metrics = {&bleu, &chrf, &ter};
  for (auto* m :
       {static_cast<eval::Metric*>(&bleu), static_cast<eval::Metric*>(&chrf), static_cast<eval::Metric*>(&ter)})
    m->set_references(t.references);
  std::vector<std::vector<eval::StatsMatrix>> stats(labels.size());
  std::vector<std::vector<const eval::StatsMatrix*>> ptrs(labels.size());
  for (std::size_t s = 0; s < labels.size(); ++s) {
    for (auto* m : metrics) stats[s].push_back(m->segment_stats(t.outputs.at(labels[s])));
    for (auto& x : stats[s]) ptrs[s].push_back(&x);
  }
  const std::size_t n = 200;
  const auto resamples = eval::bootstrap_scores(metrics, ptrs, n, 12345, 2);
  for (std::size_t m = 0; m < metrics.size(); ++m) {
    SignificanceMatrix matrix{metrics[m]->name(), "bootstrap", n, labels, {}, {}};
    std::vector<double> actual;
    for (std::size_t s = 0; s < labels.size(); ++s) {
      actual.push_back(metrics[m]->score_from_stats(stats[s][m].sum()).score);
      const auto [mean, ci] = eval::estimate_ci(resamples[s][m]);
      t.scores[labels[s]].push_back(
          {metrics[m]->name(), actual[s], metrics[m]->signature(), "", mean, ci, metrics[m]->higher_is_better()});
      std::vector<double> sentence;
      for (std::size_t i = 0; i < stats[s][m].rows; ++i)
        sentence.push_back(metrics[m]->sentence_score_from_stats(stats[s][m].row(i)).score);
      t.sentence_scores[labels[s]][metrics[m]->name()] = sentence;
    }
    for (std::size_t i = 0; i < labels.size(); ++i) {
      matrix.p_values.emplace_back();
      matrix.deltas.emplace_back();
      for (std::size_t j = 0; j < labels.size(); ++j) {
        matrix.deltas[i].push_back(actual[i] - actual[j]);
        if (i == j) {
          matrix.p_values[i].push_back(std::nullopt);
        } else {
          matrix.p_values[i].push_back(
              eval::bootstrap_p_value(resamples[i][m], resamples[j][m], std::abs(actual[i] - actual[j])));
        }
      }
    }
    t.significance.push_back(matrix);
  }
}

RunResults realistic_run(const fs::path& multi30k, const fs::path& moses, const fs::path& wmt17) {
  RunResults r;
  r.mtbench_version = "0.1.0";
  r.created = "2024-05-01T12:00:00Z";
  r.corpus = "multi30k";
  r.source_lang = "de";
  r.target_lang = "en";
  r.train_size = 29000;
  for (const auto& line : head(multi30k / "train.en.gz", 29000))
    for (const auto& w : eval::words_13a(line)) ++r.train_word_counts[w];
  auto system = [](std::string label, std::string name, int year, std::string paradigm, std::string citation) {
    SystemResults s;
    s.label = std::move(label);
    s.system = std::move(name);
    s.year = year;
    s.paradigm = std::move(paradigm);
    s.citation = std::move(citation);
    return s;
  };
  r.systems = {system("rule-based", "rule-based", 1954, "rule-based", "Dostert 1955, Georgetown-IBM experiment"),
               system("Moses", "external", 2007, "phrase-based", "Koehn et al. 2007 (Moses output from shared data)"),
               system("rnn-attention", "rnn-attention", 2014, "neural", "Bahdanau, Cho & Bengio 2014"),
               system("transformer", "transformer", 2017, "neural", "Vaswani et al. 2017")};
  r.systems[0].translate_seconds = 0.8;
  r.systems[0].sentences_per_second = 1250;
  r.systems[0].model_bytes = 40000;
  r.systems[2].train_seconds = 420;
  r.systems[2].translate_seconds = 20;
  r.systems[2].sentences_per_second = 50;
  r.systems[2].model_bytes = 48000000;
  r.systems[2].parameters = 12000000;
  r.systems[3].train_seconds = 380;
  r.systems[3].translate_seconds = 14;
  r.systems[3].sentences_per_second = 71;
  r.systems[3].model_bytes = 36000000;
  r.systems[3].parameters = 9000000;
  for (int k = 0; k < 2; ++k) {
    for (int step = 100; step <= 2000; step += 100) {
      const double x = step / 2000.0;
      r.systems[2 + k].training_log.push_back(
          {static_cast<std::uint64_t>(step),
           x * 10,
           6.5 - 3.5 * std::sqrt(x) - k * 0.3,
           step % 500 == 0 ? std::optional<double>(6.6 - 3.2 * std::sqrt(x) - k * 0.3) : std::nullopt,
           step % 500 == 0 ? std::optional<double>(30 * std::sqrt(x) + 4 * k) : std::nullopt,
           1e-3,
           900.0,
           step % 500 == 0 ? "valid" : "train",
           "",
           {}});
    }
    // The Transformer ends with a kept checkpoint average, both with the stop reason.
    if (k == 1)
      r.systems[3].training_log.push_back(
          {2000, 10, std::nullopt, 3.5, 40.0, std::nullopt, std::nullopt, "average", "kept 5", {}});
    r.systems[2 + k].training_log.push_back({2000,
                                             0,
                                             std::nullopt,
                                             std::nullopt,
                                             std::nullopt,
                                             std::nullopt,
                                             900.0,
                                             "end",
                                             k ? "max_minutes" : "patience",
                                             {}});
  }
  TestSetResults t;
  t.name = "test_2016_flickr";
  t.source = read_lines(multi30k / "test_2016_flickr.de.gz");
  t.references = {read_lines(multi30k / "test_2016_flickr.en.gz")};
  t.outputs["Moses"] = read_lines(moses);
  for (std::size_t i = 0; i < t.source.size(); ++i) {
    nlohmann::json rule;
    t.outputs["rule-based"].push_back(word_for_word(t.source[i], &rule));
    const auto ref = eval::words_13a(t.references[0][i]);
    std::string rnn, transformer;
    for (std::size_t k = 0; k < ref.size(); ++k) {
      if (k % 5 != 4 || ref.size() < 12) rnn += (rnn.empty() ? "" : " ") + ref[k];
      transformer += (transformer.empty() ? "" : " ") + (k % 9 == 8 ? std::string("the") : ref[k]);
    }
    t.outputs["rnn-attention"].push_back(rnn);
    t.outputs["transformer"].push_back(transformer);
    if (i >= 40) {
      for (const auto& l : {"rule-based", "Moses", "rnn-attention", "transformer"})
        t.explanations[l].push_back(nullptr);
      continue;
    }
    const auto src = eval::words_13a(t.source[i]);
    const auto rnn_tokens = eval::words_13a(rnn), tr_tokens = eval::words_13a(transformer);
    t.explanations["rule-based"].push_back(rule);
    nlohmann::json phrases = nlohmann::json::array();
    for (std::size_t k = 0; k < src.size(); k += 2) {
      const std::size_t end = std::min(src.size(), k + 2);
      std::string s = src[k] + (end > k + 1 ? " " + src[k + 1] : "");
      phrases.push_back({{"source_begin", k},
                         {"source_end", end},
                         {"source", s},
                         {"target", word_for_word(s, nullptr)},
                         {"scores", {{"p(e|f)", -1.2}, {"lex(e|f)", -2.5}}}});
    }
    t.explanations["Moses"].push_back({{"source_tokens", src}, {"phrases", phrases}});
    t.explanations["rnn-attention"].push_back({{"source_tokens", src},
                                               {"target_tokens", rnn_tokens},
                                               {"attention", {attention("bahdanau", 0, 0, rnn_tokens, src)}}});
    nlohmann::json heads = nlohmann::json::array();
    for (int layer = 0; layer < 3; ++layer) {
      for (int h = 0; h < 4; ++h) {
        heads.push_back(attention("cross", layer, h, tr_tokens, src));
        heads.push_back(attention("encoder-self", layer, h, src, src));
        heads.push_back(attention("decoder-self", layer, h, tr_tokens, tr_tokens));
      }
    }
    if (i < 3)
      for (int layer = 0; layer < 3; ++layer)
        for (int h = 0; h < 4; ++h) neuron_vectors(layer, h, src, heads);
    std::vector<std::string> positions, dims;
    std::vector<double> pe;
    for (int p = 0; p < 20; ++p) positions.push_back(std::to_string(p));
    for (int d = 0; d < 64; ++d) dims.push_back("d" + std::to_string(d));
    for (int p = 0; p < 20; ++p)
      for (int d = 0; d < 64; ++d) {
        const double angle = p / std::pow(10000.0, (d / 2 * 2) / 64.0);
        pe.push_back(d % 2 ? std::cos(angle) : std::sin(angle));
      }
    heads.push_back({{"kind", "positional-encoding"},
                     {"layer", 0},
                     {"head", 0},
                     {"row_tokens", positions},
                     {"col_tokens", dims},
                     {"weights", pe}});
    t.explanations["transformer"].push_back(
        {{"source_tokens", src}, {"target_tokens", tr_tokens}, {"attention", heads}});
  }
  const std::vector<std::string> labels = {"rule-based", "Moses", "rnn-attention", "transformer"};
  score(t, labels);
  t.analyses = compare::analyze_test_set(t, r.train_word_counts, compare::AnalysisOptions{});
  r.tests.push_back(std::move(t));

  if (!wmt17.empty()) {
    TestSetResults w;
    w.name = "newstest2017 (WMT17 en-de, first 1000)";
    w.references = {head(wmt17 / "newstest2017.ref.de.gz", 1000)};
    std::vector<std::string> wmt_labels;
    for (const auto* name : {"uedin-nmt.4722", "KIT.4950", "PROMT-Rule-based.4735", "online-A.0"}) {
      const std::string label = std::string(name).substr(0, std::string(name).find('.'));
      w.outputs[label] = head(wmt17 / ("newstest2017." + std::string(name) + ".en-de.gz"), 1000);
      wmt_labels.push_back(label);
    }
    score(w, wmt_labels);
    w.analyses = compare::analyze_test_set(w, {}, compare::AnalysisOptions{});
    r.tests.push_back(std::move(w));
  }
  DataEfficiency d;
  d.test = "test_2016_flickr";
  d.sizes = {1000, 5000, 29000};
  d.bleu["rule-based"] = {8.1, 8.1, 8.1};
  d.bleu["Moses"] = {18.0, 27.5, 35.0};
  d.bleu["rnn-attention"] = {3.0, 18.0, 33.0};
  d.bleu["transformer"] = {2.0, 19.5, 36.5};
  r.data_efficiency = d;
  return r;
}

std::string chromium_flags(const fs::path& profile) {
  return std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
         "--disable-background-networking"
         " --disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars "
         "--user-data-dir='" +
         profile.string() + "'";
}

TEST(Browser, ReportRendersWithoutErrorsAndScreenshots) {
  if (!fs::exists(kChromium)) GTEST_SKIP() << kChromium << " not found: install Debian's chromium (scripts/setup.sh)";
  MTBENCH_REQUIRE_SHARED(multi30k, "corpora/multi30k/test_2016_flickr.de.gz");
  MTBENCH_REQUIRE_SHARED(moses, "corpora/multi30k-outputs/moses.test_2016_flickr.de-en.en");
  const fs::path wmt17 = mtbench::testing::shared_file("corpora/wmt17-en-de/newstest2017.ref.de.gz");
  const RunResults run = realistic_run(multi30k.parent_path(), moses, wmt17.empty() ? wmt17 : wmt17.parent_path());

  mtbench::testing::ScratchDir dir;
  const fs::path html = dir / "report.html";
  write_html_report(run, html);
  const auto bytes = fs::file_size(html);
  EXPECT_LT(bytes, 20u * 1000 * 1000) << "report too large";
  std::cerr << "report: " << bytes / 1e6 << " MB\n";

  const fs::path dom = dir / "dom.html";
  const std::string dump = "timeout 120 " + chromium_flags(dir / "profile1") +
                           " --virtual-time-budget=15000 --dump-dom 'file://" + html.string() + "' > '" + dom.string() +
                           "' 2> '" + (dir / "chromium1.log").string() + "'";
  ASSERT_EQ(std::system(dump.c_str()), 0) << dump << "\n" << read_file(dir / "chromium1.log");
  const std::string page = read_file(dom);
  std::smatch html_tag;
  ASSERT_TRUE(std::regex_search(page, html_tag, std::regex("<html[^>]*>"))) << page.substr(0, 500);
  EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-rendered=\"true\""));
  EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-errors=\"0\""));
  const auto errors = page.find("<pre id=\"js-errors\"");
  ASSERT_NE(errors, std::string::npos);
  EXPECT_EQ(page.find("</pre>", errors), page.find(">", errors) + 1) << page.substr(errors, 3000);
  for (const auto& id : html_section_ids()) {
    EXPECT_NE(page.find("<section id=\"" + id + "\""), std::string::npos) << id;
    // Every section rendered something other than the no-script placeholder.
    const auto start = page.find("id=\"" + id + "-body\"");
    const auto end = page.find("</section>", start);
    ASSERT_NE(start, std::string::npos) << id;
    EXPECT_EQ(page.substr(start, end - start).find("Rendering needs JavaScript"), std::string::npos) << id;
  }
  EXPECT_NE(page.find("<svg"), std::string::npos);
  EXPECT_NE(page.find("Georgetown"), std::string::npos);

  const fs::path png = MTBENCH_BINARY_DIR "/report-screenshot.png";
  fs::remove(png);
  const std::string shot = "timeout 120 " + chromium_flags(dir / "profile2") +
                           " --virtual-time-budget=15000 --window-size=1280,2000 --screenshot='" + png.string() +
                           "' 'file://" + html.string() + "' > '" + (dir / "chromium2.log").string() + "' 2>&1";
  ASSERT_EQ(std::system(shot.c_str()), 0) << shot << "\n" << read_file(dir / "chromium2.log");
  ASSERT_TRUE(fs::exists(png));
  EXPECT_GT(fs::file_size(png), 20000u);
  const std::string header = read_file(png).substr(0, 8);
  EXPECT_EQ(header, std::string("\x89PNG\r\n\x1a\n", 8));
  if (const char* keep = std::getenv("MTBENCH_KEEP_REPORT")) {
    fs::create_directories(keep);
    fs::copy_file(html, fs::path(keep) / "report.html", fs::copy_options::overwrite_existing);
    save_run_results(run, keep);
  }

  // The page renders the first test set; with WMT17 (no source side, no explanations, no
  // training counts) first, every section must cope as well.
  if (run.tests.size() > 1) {
    RunResults wmt_first = run;
    std::swap(wmt_first.tests[0], wmt_first.tests[1]);
    write_html_report(wmt_first, dir / "wmt.html");
    const std::string wmt_dump = "timeout 120 " + chromium_flags(dir / "profile3") +
                                 " --virtual-time-budget=15000 --dump-dom 'file://" + (dir / "wmt.html").string() +
                                 "' > '" + (dir / "wmt-dom.html").string() + "' 2> /dev/null";
    ASSERT_EQ(std::system(wmt_dump.c_str()), 0) << wmt_dump;
    const std::string wmt_page = read_file(dir / "wmt-dom.html");
    ASSERT_TRUE(std::regex_search(wmt_page, html_tag, std::regex("<html[^>]*>")));
    EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-rendered=\"true\""));
    EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-errors=\"0\""))
        << wmt_page.substr(wmt_page.find("js-errors"), 2000);
    EXPECT_NE(wmt_page.find("uedin-nmt"), std::string::npos);
    if (const char* keep = std::getenv("MTBENCH_KEEP_REPORT"))
      fs::copy_file(dir / "wmt.html", fs::path(keep) / "report-wmt-first.html", fs::copy_options::overwrite_existing);
  }

  // compare --pairs: one page for two pairs (the second with a left-out system) renders its
  // "Language pairs" table and every section of the first pair without errors.
  RunResults other = run;
  other.source_lang = "fr";
  other.left_out.push_back({"RB2", "rule-based", "plan", "rule-based does not support fr-en"});
  write_multi_pair_report({run, other}, dir / "pairs.html");
  const std::string pairs_dump = "timeout 120 " + chromium_flags(dir / "profile4") +
                                 " --virtual-time-budget=15000 --dump-dom 'file://" + (dir / "pairs.html").string() +
                                 "' > '" + (dir / "pairs-dom.html").string() + "' 2> /dev/null";
  ASSERT_EQ(std::system(pairs_dump.c_str()), 0) << pairs_dump;
  const std::string pairs_page = read_file(dir / "pairs-dom.html");
  ASSERT_TRUE(std::regex_search(pairs_page, html_tag, std::regex("<html[^>]*>")));
  EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-errors=\"0\""))
      << pairs_page.substr(pairs_page.find("js-errors"), 2000);
  const auto pairs_body = pairs_page.find("id=\"pairs-body\"");
  ASSERT_NE(pairs_body, std::string::npos);
  const std::string pairs_section =
      pairs_page.substr(pairs_body, pairs_page.find("</section>", pairs_body) - pairs_body);
  EXPECT_NE(pairs_section.find("fr\u2192en"), std::string::npos) << pairs_section.substr(0, 2000);
  EXPECT_NE(pairs_section.find("unsupported"), std::string::npos);
  EXPECT_NE(pairs_page.find("Language pair: "), std::string::npos);
}

// What a reader would see as broken at the current window width: the page wider than the
// window, an element sticking out of its section's card (unless it sits in a horizontally
// scrolling container that itself fits), and an SVG label cut by the edge of its figure. Returns
// one line per problem (at most 30).
std::vector<std::string> layout_problems(mtbench::testing::CdpBrowser& browser) {
  const auto result = browser.eval(R"JS((() => {
  const problems = [];
  const vw = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > vw + 1)
    problems.push(`page is ${document.documentElement.scrollWidth}px wide in a ${vw}px window`);
  const describe = el => {
    const cls = typeof el.className === 'string' ? el.className : (el.className.baseVal || '');
    return `<${el.tagName.toLowerCase()}${cls ? ' class="' + cls + '"' : ''}> "${(el.textContent || '').trim().slice(0, 30)}"`;
  };
  const scroller = (el, card) => {
    for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return a;
    }
    return null;
  };
  for (const card of document.querySelectorAll('section.card')) {
    if (!card.offsetParent) continue;  // hidden section
    const cr = card.getBoundingClientRect();
    let reported = 0;
    for (const el of card.querySelectorAll('*')) {
      if (reported >= 3) break;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const box = scroller(el, card);
      const bound = box ? box.getBoundingClientRect() : cr;
      // Inside a scroller, content may extend to the right (it scrolls); the scroller must fit.
      if (box && r.left >= bound.left - 1) continue;
      if (r.left >= bound.left - 1 && r.right <= bound.right + 1) continue;
      problems.push(`#${card.id}: ${describe(el)} spans ${Math.round(r.left)}..${Math.round(r.right)} px, ` +
                    `outside ${Math.round(bound.left)}..${Math.round(bound.right)}`);
      ++reported;
    }
    for (const svg of card.querySelectorAll('svg')) {
      const sr = svg.getBoundingClientRect();
      if (sr.width === 0 || sr.height === 0) continue;
      for (const t of svg.querySelectorAll('text')) {
        const r = t.getBoundingClientRect();
        if (r.width === 0 || !t.textContent.trim()) continue;
        if (r.left < sr.left - 1 || r.right > sr.right + 1 || r.top < sr.top - 1 || r.bottom > sr.bottom + 1)
          problems.push(`#${card.id}: label "${t.textContent.trim().slice(0, 30)}" cut by its figure ` +
                        `(${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(sr.left)}..${Math.round(sr.right)})`);
      }
    }
  }
  return problems.slice(0, 30);
})())JS");
  std::vector<std::string> out;
  for (const auto& p : result) out.push_back(p.get<std::string>());
  return out;
}

// Screenshots of every visible section at `width` px into BUILD_DIR/report-sections/ (named
// WIDTH-ID.png), for people to look at; returns how many were written.
int screenshot_sections(mtbench::testing::CdpBrowser& browser, int width) {
  browser.page("Emulation.setDeviceMetricsOverride",
               {{"width", width}, {"height", 900}, {"deviceScaleFactor", 1}, {"mobile", width < 600}});
  const auto boxes = browser.eval(
      "Array.from(document.querySelectorAll('section.card')).filter(c => c.offsetParent).map(c => { const r = "
      "c.getBoundingClientRect(); return [c.id, r.left + window.scrollX, r.top + window.scrollY, r.width, "
      "r.height]; })");
  const fs::path dir = fs::path(MTBENCH_BINARY_DIR) / "report-sections";
  fs::create_directories(dir);
  int written = 0;
  for (const auto& b : boxes) {
    const double w = b[3].get<double>(), h = b[4].get<double>();
    if (w < 1 || h < 1) continue;
    const auto shot = browser.page("Page.captureScreenshot", {{"format", "png"},
                                                              {"captureBeyondViewport", true},
                                                              {"clip",
                                                               {{"x", b[1].get<double>()},
                                                                {"y", b[2].get<double>()},
                                                                {"width", w},
                                                                {"height", std::min(h, 8000.0)},
                                                                {"scale", 1}}}});
    write_file_atomic(dir / (std::to_string(width) + "-" + b[0].get<std::string>() + ".png"),
                      mtbench::testing::CdpBrowser::decode_base64(shot["data"].get<std::string>()));
    ++written;
  }
  return written;
}

// The report driven as a user drives it (Chrome DevTools Protocol): every control asserts what
// appears, with no console error; screenshots of the page at 1400 and 480 px into the build tree.
TEST(Browser, ReportIsDrivenLikeAUser) {
  if (!mtbench::testing::CdpBrowser::available()) GTEST_SKIP() << kChromium << " not found: install Debian's chromium";
  MTBENCH_REQUIRE_SHARED(multi30k, "corpora/multi30k/test_2016_flickr.de.gz");
  MTBENCH_REQUIRE_SHARED(moses, "corpora/multi30k-outputs/moses.test_2016_flickr.de-en.en");
  const RunResults run = realistic_run(multi30k.parent_path(), moses, fs::path());
  mtbench::testing::ScratchDir dir;
  const fs::path html = dir / "report.html";
  write_html_report(run, html);
  mtbench::testing::CdpBrowser browser(dir / "profile");
  const auto start = std::chrono::steady_clock::now();
  browser.page("Page.navigate", {{"url", "file://" + html.string()}});
  ASSERT_TRUE(browser.wait_for("document.documentElement.getAttribute('data-rendered') === 'true'", 30));
  const double open_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cerr << "report opened and rendered in " << open_s << " s\n";
  auto count = [&](const std::string& selector) {
    return browser.eval("document.querySelectorAll(\"" + selector + "\").length").get<int>();
  };
  auto text = [&](const std::string& selector) {
    return browser.eval("(document.querySelector(\"" + selector + "\") || {}).textContent || ''").get<std::string>();
  };
  // Context first.
  EXPECT_THAT(text("#about-body"), ::testing::HasSubstr("systems trained on"));
  // Explanations: the Transformer, layer 2 of the head view.
  browser.eval(
      "(() => { const s = document.querySelector('#explanations-body select'); s.value = 'transformer'; "
      "s.dispatchEvent(new Event('change')); })()");
  ASSERT_TRUE(browser.wait_for("document.querySelectorAll('#explanations-body .head-view svg line').length > 0", 10));
  browser.eval(
      "(() => { const s = document.querySelectorAll('#explanations-body .head-view select')[1]; s.value = '1'; "
      "s.dispatchEvent(new Event('change')); })()");
  EXPECT_EQ(browser.eval("document.querySelectorAll('#explanations-body .head-view select')[1].value"), "1");
  const int all_lines = count("#explanations-body .head-view svg line");
  ASSERT_GT(all_lines, 0);
  // One head only: its button alone.
  browser.click("#explanations-body .head-view button.head-toggle");
  EXPECT_EQ(count("#explanations-body .head-view button.head-toggle.on"), 3);
  browser.click("#explanations-body .head-view button.head-all");
  EXPECT_EQ(count("#explanations-body .head-view button.head-toggle.on"), 4);
  // Hover-lock a key token: only its links stay, also after the mouse leaves.
  browser.click("#explanations-body .head-view text.tok[data-side=k]");
  const int locked_lines = count("#explanations-body .head-view svg line");
  EXPECT_LT(locked_lines, all_lines);
  EXPECT_EQ(count("#explanations-body .head-view text.tok.locked"), 1);
  browser.eval(
      "document.querySelector('#explanations-body .head-view text.tok[data-side=k]').dispatchEvent(new "
      "MouseEvent('mouseleave'))");
  EXPECT_EQ(count("#explanations-body .head-view svg line"), locked_lines);
  // The model view: 3 layers x 4 heads of the selected kind; a thumbnail opens that head alone.
  EXPECT_EQ(count("#model-view-body button.thumb-button"), 12);
  browser.click("#model-view-body tbody tr:nth-child(3) td:nth-child(3) button.thumb-button");
  EXPECT_EQ(count("#explanations-body .head-view button.head-toggle.on"), 1);
  EXPECT_EQ(browser.eval("document.querySelectorAll('#explanations-body .head-view select')[1].value"), "2");
  // The neuron view: sentence 1 of the Transformer has queries and keys; layer 3, head 1 by
  // default; choosing another query token redraws, and the recomputed softmax matches the
  // recorded attention.
  browser.eval(
      "(() => { const i = document.getElementById('explain-sentence'); i.value = '1'; "
      "i.dispatchEvent(new Event('change')); })()");
  ASSERT_TRUE(browser.wait_for("!!document.querySelector('#neuron-view-body svg.neuronview')", 5));
  EXPECT_EQ(count("#neuron-view-body button.neuron-sentence"), 3);
  const int keys = count("#neuron-view-body button.neuron-query");
  EXPECT_GT(keys, 3);
  browser.click("#neuron-view-body button.neuron-query:nth-of-type(3)");
  EXPECT_EQ(browser.eval("document.querySelector('#neuron-view-body button.neuron-query.on').textContent"),
            browser.eval("document.querySelectorAll('#neuron-view-body button.neuron-query')[2].textContent"));
  EXPECT_THAT(text("#neuron-view-body"),
              ::testing::HasSubstr("differ from the ones the model recorded by at most 0.00"));
  // Softmax column: one bar per key token.
  EXPECT_EQ(browser.eval("document.querySelector('#neuron-view-body svg.neuronview').mtbenchData.length").get<int>(),
            keys + 1);
  browser.eval(
      "(() => { const s = document.querySelectorAll('#neuron-view-body select')[1]; s.value = '2'; "
      "s.dispatchEvent(new Event('change')); })()");
  EXPECT_THAT(browser.eval("document.querySelector('#neuron-view-body svg.neuronview').getAttribute('aria-label')")
                  .get<std::string>(),
              ::testing::HasSubstr("head 3"));
  // Positional encodings: matrix, curves and similarity, each exportable.
  EXPECT_GE(count("#positional-encoding-body svg"), 3);
  // An unexplained sentence says so.
  browser.eval(
      "(() => { const i = document.getElementById('explain-sentence'); i.value = '500'; "
      "i.dispatchEvent(new Event('change')); })()");
  ASSERT_TRUE(browser.wait_for("!!document.getElementById('unexplained')", 5));
  EXPECT_THAT(text("#unexplained"), ::testing::HasSubstr("Sentence 500 has no explanation"));
  // The sentence browser: search, then page.
  browser.eval(
      "(() => { const s = document.querySelector('#examples-body input[type=search]'); s.value = 'Hund'; "
      "s.dispatchEvent(new Event('input')); })()");
  const std::string pager = text("#examples-body .pager");
  EXPECT_THAT(pager, ::testing::HasSubstr("page 1 /"));
  const int hund_cards = count("#examples-body .sentence");
  EXPECT_GT(hund_cards, 0);
  EXPECT_LE(hund_cards, 10);
  browser.eval(
      "(() => { const s = document.querySelector('#examples-body input[type=search]'); s.value = ''; "
      "s.dispatchEvent(new Event('input')); })()");
  browser.eval(
      "Array.from(document.querySelectorAll('#examples-body .pager button')).find(b => "
      "b.textContent.includes('Next')).click()");
  EXPECT_THAT(text("#examples-body .pager"), ::testing::HasSubstr("page 2 /"));
  EXPECT_THAT(text("#examples-body .sentence .head"), ::testing::HasSubstr("#11"));
  // compare-mt's sentence buckets: a count lists its sentences in the browser.
  const int bucket_count = std::stoi(text("#sentence-buckets-body a.bucket-link"));
  browser.click("#sentence-buckets-body a.bucket-link");
  ASSERT_TRUE(browser.wait_for("!!document.getElementById('examples-filter')", 5));
  EXPECT_THAT(text("#examples-filter"), ::testing::HasSubstr("Showing " + std::to_string(bucket_count) + " sentences"));
  EXPECT_THAT(text("#examples-body .pager"), ::testing::HasSubstr("(" + std::to_string(bucket_count) + " sentences)"));
  EXPECT_EQ(count("#sentence-buckets-body table.data tbody tr"), 10 + 10);  // 10 buckets, 10 examples of A over B
  // Export: the length chart as SVG and its data as CSV (downloads captured in the page).
  browser.eval(
      "window.__downloads = []; download = (name, blob) => blob.text().then(t => window.__downloads.push([name, t]));");
  browser.click("#length-buckets-body .export button.export-svg");
  browser.click("#length-buckets-body .export button.export-csv");
  ASSERT_TRUE(browser.wait_for("window.__downloads.length === 2", 5));
  const auto downloads = browser.eval("window.__downloads");
  EXPECT_EQ(downloads[0][0], "mtbench-length-buckets-1.svg");
  const std::string svg = downloads[0][1].get<std::string>();
  EXPECT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_THAT(svg, ::testing::HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_THAT(svg, ::testing::HasSubstr("source sentence length"));
  EXPECT_THAT(downloads[1][1].get<std::string>(), ::testing::HasSubstr("series,source sentence length (13a tokens)"));
  // Screenshots at a desktop and a phone width, for people to look at, of the page and of
  // every section; at both widths nothing sticks out of its card and no label is cut.
  for (int width : {1400, 480}) {
    const std::string png = browser.screenshot(width);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    write_file_atomic(fs::path(MTBENCH_BINARY_DIR) / ("report-screenshot-" + std::to_string(width) + ".png"), png);
    const auto problems = layout_problems(browser);
    EXPECT_TRUE(problems.empty()) << width << " px: " << ::testing::PrintToString(problems);
    EXPECT_GE(screenshot_sections(browser, width), 15) << width;
  }
  // The best score of each metric column is bold.
  EXPECT_GE(count("section.card table.data span.best"), 3);
  EXPECT_EQ(browser.eval("Array.from(document.querySelectorAll('section.card table.data span.best')).every(b => "
                         "Number(getComputedStyle(b).fontWeight) >= 700)"),
            true);
  EXPECT_EQ(browser.eval("document.documentElement.getAttribute('data-errors')"), "0");
  EXPECT_TRUE(browser.errors().empty()) << browser.errors().front();
}

// A run with a post-LN and a pre-LN Transformer (configs/transformer-norms.yaml): the norms
// section draws learning curves, per-layer gradient norms, attention entropy and score spread,
// and states what the run found.
TEST(Browser, NormsSectionComparesPostAndPreLayerNorm) {
  if (!fs::exists(kChromium)) GTEST_SKIP() << kChromium << " not found: install Debian's chromium (scripts/setup.sh)";
  MTBENCH_REQUIRE_SHARED(multi30k, "corpora/multi30k/test_2016_flickr.de.gz");
  RunResults r;
  r.corpus = "multi30k";
  r.source_lang = "de";
  r.target_lang = "en";
  const std::vector<std::string> labels = {"Transformer post-norm", "Transformer pre-norm"};
  for (int k = 0; k < 2; ++k) {
    SystemResults sr;
    sr.label = labels[k];
    sr.system = "transformer";
    sr.model_summary = std::string("d=256 h=4 ff=1024 layers 3+3, ") + (k ? "pre" : "post") + "-norm";
    sr.train_seconds = 300;
    for (int step = 100; step <= 1000; step += 100) {
      TrainingLogEntry e;
      e.step = step;
      e.epoch = step / 250.0;
      e.type = "train";
      e.loss = 6 - step / 400.0 - k * 0.2;
      if (step % 500 == 0) e.dev_bleu = step / 50.0 + k;
      for (int l = 0; l < 3; ++l) {
        // Post-LN: gradients grow towards the output (decoder top); pre-LN: even.
        e.grad_norms["encoder_layers." + std::to_string(l)] = k ? 0.5 : 0.2 * (l + 1);
        e.grad_norms["decoder_layers." + std::to_string(l)] = k ? 0.5 : 0.2 * (l + 4);
      }
      e.grad_norms["source_embedding"] = 0.1;
      sr.training_log.push_back(e);
    }
    r.systems.push_back(sr);
  }
  TestSetResults t;
  t.name = "test_2016_flickr";
  t.source = head(multi30k, 30);
  t.references = {head(multi30k.parent_path() / "test_2016_flickr.en.gz", 30)};
  for (std::size_t i = 0; i < t.source.size(); ++i) {
    const auto src = eval::words_13a(t.source[i]), ref = eval::words_13a(t.references[0][i]);
    for (int k = 0; k < 2; ++k) {
      t.outputs[labels[k]].push_back(t.references[0][i]);
      nlohmann::json heads = nlohmann::json::array();
      for (int layer = 0; layer < 3; ++layer)
        for (int h = 0; h < 4; ++h) {
          heads.push_back(attention("cross", layer, h, ref, src));
          heads.push_back(attention("encoder-self", layer, h, src, src));
          if (i < 3) neuron_vectors(layer, h, src, heads);
        }
      t.explanations[labels[k]].push_back({{"source_tokens", src}, {"target_tokens", ref}, {"attention", heads}});
    }
  }
  score(t, labels);
  r.tests.push_back(std::move(t));
  mtbench::testing::ScratchDir dir;
  write_html_report(r, dir / "norms.html");
  const std::string dump = "timeout 120 " + chromium_flags(dir / "profile") +
                           " --virtual-time-budget=15000 --dump-dom 'file://" + (dir / "norms.html").string() +
                           "' > '" + (dir / "dom.html").string() + "' 2> /dev/null";
  ASSERT_EQ(std::system(dump.c_str()), 0) << dump;
  const std::string page = read_file(dir / "dom.html");
  std::smatch html_tag;
  ASSERT_TRUE(std::regex_search(page, html_tag, std::regex("<html[^>]*>")));
  EXPECT_THAT(html_tag.str(), ::testing::HasSubstr("data-errors=\"0\"")) << page.substr(page.find("js-errors"), 2000);
  const auto start = page.find("id=\"norms-body\""), end = page.find("</section>", start);
  ASSERT_NE(start, std::string::npos);
  const std::string norms = page.substr(start, end - start);
  // Dev BLEU, loss, gradient norms of both systems, across layers (first, last), entropy per kind.
  int charts = 0;
  for (auto at = norms.find("<svg"); at != std::string::npos; at = norms.find("<svg", at + 1)) ++charts;
  EXPECT_GE(charts, 8) << norms.substr(0, 3000);
  EXPECT_THAT(
      norms,
      ::testing::HasSubstr(
          "the largest layer gradient is 6.0\u00d7 the smallest with post-LN and 1.0\u00d7 with pre-LN, as Xiong"));
  EXPECT_THAT(norms, ::testing::HasSubstr("Spread of attention scores"));
  EXPECT_THAT(norms, ::testing::HasSubstr("enc 3"));
  EXPECT_THAT(norms, ::testing::HasSubstr("Attention entropy per layer"));
  if (const char* keep = std::getenv("MTBENCH_KEEP_REPORT")) {
    fs::create_directories(keep);
    fs::copy_file(dir / "norms.html", fs::path(keep) / "norms.html", fs::copy_options::overwrite_existing);
  }
}

}  // namespace
}  // namespace mtbench::reports
