#include "reports/html_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/text_file.h"
#include "tests/reports/sample_results.h"
#include "tests/test_util.h"

namespace mtbench::reports {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The text of the embedded data blob.
std::string data_blob(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"mtbench-data\">";
  const auto begin = html.find(open);
  if (begin == std::string::npos) return "";
  const auto end = html.find("</script>", begin);
  return html.substr(begin + open.size(), end - begin - open.size());
}

TEST(HtmlReport, HasEverySectionIdOnce) {
  const std::string html = render_html_report(samples::sample_run());
  ASSERT_EQ(html_section_ids().size(), 17u);
  for (const auto& id : html_section_ids()) {
    const std::string needle = "<section id=\"" + id + "\"";
    const auto first = html.find(needle);
    EXPECT_NE(first, std::string::npos) << id;
    EXPECT_EQ(html.find(needle, first + 1), std::string::npos) << id;
  }
}

TEST(HtmlReport, EmbeddedJsonIsValidAndCannotCloseTheScript) {
  const auto run = samples::sample_run();
  const std::string html = render_html_report(run);
  const std::string blob = data_blob(html);
  ASSERT_FALSE(blob.empty());
  EXPECT_THAT(blob, Not(HasSubstr("<")));
  const auto data = nlohmann::json::parse(blob);
  // The outputs holding "</script>" and "<!--" come back unchanged.
  EXPECT_EQ(data["tests"][0]["outputs"][run.systems[1].label][1], "two men </script> <!-- play .");
  EXPECT_EQ(data["tests"][0]["source"][1], "zwei Männer </script> spielen .");
  EXPECT_FALSE(data.contains("train_word_counts"));
  // Exactly two scripts (data, code) and no external resources.
  std::size_t scripts = 0;
  for (auto p = html.find("<script"); p != std::string::npos; p = html.find("<script", p + 1)) ++scripts;
  EXPECT_EQ(scripts, 2u);
  EXPECT_THAT(html, Not(HasSubstr("src=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
}

TEST(HtmlReport, TitleIsEscaped) {
  HtmlReportOptions options;
  options.title = "<b>R&D</b>";
  const std::string html = render_html_report(samples::sample_run(), options);
  EXPECT_THAT(html, HasSubstr("<title>&lt;b&gt;R&amp;D&lt;/b&gt;</title>"));
  EXPECT_EQ(html_escape("\"'<>&"), "&quot;&#39;&lt;&gt;&amp;");
}

TEST(HtmlReport, AttentionIsQuantizedAndExplanationsCapped) {
  auto run = samples::sample_run();
  HtmlReportOptions options;
  options.max_explained_segments = 1;
  const auto data = html_report_data(run, options);
  const auto& expl = data["tests"][0]["explanations"][run.systems[1].label];
  ASSERT_EQ(expl.size(), 1u);
  const auto& first = expl[0]["attention"][0];
  EXPECT_FALSE(first.contains("weights"));
  // Bytes 230, 26, 51, 204 (0.9, 0.1, 0.2, 0.8 of 255) in base64.
  EXPECT_EQ(first["q"], "5hozzA==");
  EXPECT_EQ(first["lo"], 0.0);
  // Token lists once per explanation: rows "a dog", columns "ein Hund" for cross attention.
  const auto& lists = expl[0]["token_lists"];
  EXPECT_EQ(lists[first["r"].get<std::size_t>()], nlohmann::json({"a", "dog"}));
  EXPECT_EQ(lists[first["c"].get<std::size_t>()], nlohmann::json({"ein", "Hund"}));
  EXPECT_FALSE(first.contains("row_tokens"));
  EXPECT_EQ(lists.size(), 4u);  // "a dog", "ein Hund", and the positional encoding's two lists
  EXPECT_EQ(first["hi"], 1.0);
  // The positional encoding goes below zero nowhere here, but keeps its own range when it does.
  run.tests[0].explanations[run.systems[1].label][0]["attention"].back()["weights"] = {-1.0, 1.0, 0.0, 0.5};
  const auto pe =
      html_report_data(run, options)["tests"][0]["explanations"][run.systems[1].label][0]["attention"].back();
  EXPECT_EQ(pe["lo"], -1.0);
  EXPECT_EQ(pe["q"], "AP+Avw==");  // bytes 0, 255, 128, 191
}

// A default run's size: 1000 sentences, 5 systems, a 6-layer 8-head Transformer explaining
// every sentence with all three attention kinds over 16 tokens (the first 100 are kept).
TEST(HtmlReport, DefaultSizedRunStaysUnderTwentyMegabytes) {
  RunResults run = samples::sample_run();
  TestSetResults& t = run.tests[0];
  const std::size_t n = 1000;
  t.source.assign(n, "eine Frau mit einem roten Hut sitzt auf einer Bank vor einem großen Gebäude .");
  t.references = {std::vector<std::string>(n, "a woman in a red hat sits on a bench in front of a big building .")};
  t.outputs.clear();
  t.explanations.clear();
  t.sentence_scores.clear();
  for (const char* label : {"rule-based", "phrase-based", "rnn", "transformer", "moses"}) {
    t.outputs[label] = std::vector<std::string>(n, "a woman with a red hat sits on a bench before a large building .");
    for (const char* m : {"BLEU", "chrF2++", "TER"}) t.sentence_scores[label][m] = std::vector<double>(n, 42.123456789);
  }
  const std::vector<std::string> tokens(16, "token");
  std::vector<double> weights(16 * 16);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = static_cast<double>((i * 7919) % 1000) / 16000.0;
  nlohmann::json attention = nlohmann::json::array();
  for (const char* kind : {"cross", "encoder-self", "decoder-self"})
    for (int layer = 0; layer < 6; ++layer)
      for (int head = 0; head < 8; ++head)
        attention.push_back({{"kind", kind},
                             {"layer", layer},
                             {"head", head},
                             {"row_tokens", tokens},
                             {"col_tokens", tokens},
                             {"weights", weights}});
  const nlohmann::json explanation = {{"source_tokens", tokens}, {"target_tokens", tokens}, {"attention", attention}};
  // Segments past the cap are never rendered; null keeps the test's memory small.
  t.explanations["transformer"] = std::vector<nlohmann::json>(n, nullptr);
  for (std::size_t i = 0; i < 120; ++i) t.explanations["transformer"][i] = explanation;
  const std::string html = render_html_report(run);
  EXPECT_LT(html.size(), 20u * 1000 * 1000);
  std::cerr << "default-sized report: " << html.size() / 1e6 << " MB\n";
  const auto data = html_report_data(run, {});
  EXPECT_EQ(data["tests"][0]["explanations"]["transformer"].size(), 100u);
}

TEST(HtmlReport, WritesAtomicallyCreatingParents) {
  mtbench::testing::ScratchDir dir;
  const auto run = samples::sample_run();
  write_html_report(run, dir / "sub" / "report.html");
  EXPECT_EQ(read_file(dir / "sub" / "report.html"), render_html_report(run));
}

}  // namespace
}  // namespace mtbench::reports
