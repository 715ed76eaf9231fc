// The API's routes and its validation, with a test translator (no model files): what is
// accepted, what each bad request gets, and the security headers.

#include "serve/api.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace mtbench::serve {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

// Upper-cases its input; explains with one attention matrix; fails on "FAIL".
class UpperTranslator : public Translator {
 public:
  SystemInfo info() const override { return {"upper", "Upper-casing", "2024", 2024, "test", "", "for tests"}; }
  void train(const TrainData&, const TrainOptions&) override {}
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}
  std::vector<Translation> translate(const std::vector<std::string>& sources, const TranslateOptions& o) override {
    last_beam = o.beam_size;
    std::vector<Translation> out;
    for (const auto& s : sources) {
      if (s == "FAIL") throw std::runtime_error("cannot translate this\nstack trace line");
      Translation t;
      t.text = s;
      std::transform(t.text.begin(), t.text.end(), t.text.begin(), [](unsigned char c) { return std::toupper(c); });
      if (o.explain) t.explanation.attention.push_back({"cross", 0, 0, {"A"}, {"a"}, {1.0f / 3.0f}});
      out.push_back(std::move(t));
    }
    return out;
  }
  int last_beam = -1;
};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* label : {"one", "two"}) {
      auto s = std::make_unique<ServedSystem>();
      s->label = label;
      s->translator = std::make_unique<UpperTranslator>();
      s->info = s->translator->info();
      s->manifest.source_lang = "de";
      s->manifest.target_lang = "en";
      state_.systems.push_back(std::move(s));
    }
    auto broken = std::make_unique<ServedSystem>();
    broken->label = "broken";
    broken->load_error = "model.pt: checksum mismatch";
    state_.systems.push_back(std::move(broken));
    state_.limits.max_words = 20;
    state_.limits.max_bytes = 100000;
    state_.limits.max_sentences = 3;
    router_ = make_router(state_);
  }

  // Routes a request; runs the job when there is one.
  HttpResponse call(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest req{method, path, path.substr(0, path.find('?')), "application/json", body};
    Routed r = router_(req);
    if (r.response) return *r.response;
    EXPECT_TRUE(r.job) << "neither an answer nor a job";
    return r.job();
  }
  HttpResponse translate(const std::string& body) { return call("POST", "/api/translate", body); }

  ServeState state_;
  Router router_;
};

TEST_F(ApiTest, TranslatesWithEveryLoadedSystemOrTheChosenOnes) {
  auto r = translate(R"({"text": "ein hund"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["results"].size(), 2u) << "the broken model is not run";
  EXPECT_EQ(j["results"][0]["label"], "one");
  EXPECT_EQ(j["results"][0]["output"], "EIN HUND");
  EXPECT_TRUE(j["results"][0]["ms"].is_number());
  EXPECT_FALSE(j["results"][0].contains("explanation"));

  r = translate(R"({"texts": ["a", "b"], "systems": ["two"], "explain": true, "beam": 3})");
  ASSERT_EQ(r.status, 200) << r.body;
  j = json::parse(r.body);
  ASSERT_EQ(j["results"].size(), 1u);
  EXPECT_EQ(j["results"][0]["outputs"], json({"A", "B"}));
  ASSERT_EQ(j["results"][0]["explanations"].size(), 2u);
  EXPECT_EQ(j["results"][0]["explanations"][0]["attention"][0]["weights"][0], 0.3333) << "rounded to 4 decimals";
  EXPECT_EQ(static_cast<UpperTranslator*>(state_.systems[1]->translator.get())->last_beam, 3);
}

TEST_F(ApiTest, ASystemThatFailsReportsItsErrorAndTheOthersStillAnswer) {
  const auto r = translate(R"({"text": "FAIL"})");
  ASSERT_EQ(r.status, 200);
  const auto j = json::parse(r.body);
  EXPECT_EQ(j["results"][0]["error"], "cannot translate this") << "first line only";
  EXPECT_FALSE(j["results"][0].contains("output"));
}

TEST_F(ApiTest, BadRequestsGetAClear4xx) {
  const std::string long_sentence = [] {
    std::string s;
    for (int i = 0; i < 2000; ++i) s += "Wort ";
    return s;
  }();
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {"not json", 400, "not valid JSON"},
      {"{\"text\": \"" + std::string(100001, 'x') + "\"}", 413, "100001 bytes, over the limit of 100000 bytes"},
      {"[1, 2]", 400, "must be a JSON object"},
      {"{\"text\": \"a\", \"path\": \"/etc/passwd\"}", 400, "unknown field \"path\""},
      {"{}", 400, "exactly one of"},
      {R"({"text": "a", "texts": ["b"]})", 400, "exactly one of"},
      {R"({"text": 5})", 400, "must be a string"},
      {R"({"texts": []})", 400, "non-empty list"},
      {R"({"texts": ["a", "b", "c", "d"]})", 413, "over the limit of 3"},
      {"{\"text\": \"" + long_sentence + "\"}", 413, "2000 words, over the limit of 20"},
      {R"({"text": "one\ntwo"})", 400, "control character U+000A"},
      {R"({"text": "a", "systems": ["../../etc/passwd"]})", 400,
       "unknown system \"../../etc/passwd\" (served: one, two)"},
      {R"({"text": "a", "systems": ["broken"]})", 409, "failed to load: model.pt: checksum mismatch"},
      {R"({"text": "a", "systems": "one"})", 400, "non-empty list"},
      {R"({"text": "a", "beam": 0})", 400, "from 1 to 16"},
      {R"({"text": "a", "beam": 1e9})", 400, "from 1 to 16"},
      {R"({"text": "a", "explain": "yes"})", 400, "true or false"},
      {"{\"text\": \"caf\xe9\"}", 400, "not valid UTF-8 (byte 13)"},
  };
  for (const auto& [body, status, message] : cases) {
    const auto r = translate(body);
    EXPECT_EQ(r.status, status) << body.substr(0, 80) << " -> " << r.body;
    const auto j = json::parse(r.body);  // errors are JSON
    EXPECT_THAT(j.at("error").get<std::string>(), HasSubstr(message)) << body.substr(0, 80);
    EXPECT_EQ(j.at("status"), status);
  }
}

TEST_F(ApiTest, RoutesMethodsAndNothingFromDisk) {
  EXPECT_EQ(call("GET", "/").status, 200);
  EXPECT_THAT(call("GET", "/").body, HasSubstr("<script src=\"/assets/serve.js\">"));
  EXPECT_EQ(call("GET", "/assets/explain_view.js").status, 200);
  EXPECT_THAT(call("GET", "/assets/explain_view.js").body, HasSubstr("function explanationView("));
  EXPECT_EQ(call("GET", "/assets/serve.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/assets/../../etc/passwd").status, 404);
  EXPECT_EQ(call("GET", "/etc/passwd").status, 404);
  EXPECT_EQ(call("GET", "/report").status, 404) << "no --run, no report";
  auto r = call("GET", "/api/translate");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.headers.at(0), std::make_pair(std::string("Allow"), std::string("POST")));
  EXPECT_EQ(call("DELETE", "/").status, 405);
  EXPECT_EQ(call("GET", "/healthz").status, 200);
  const auto systems = json::parse(call("GET", "/api/systems").body);
  ASSERT_EQ(systems["systems"].size(), 3u);
  EXPECT_EQ(systems["systems"][2]["loaded"], false);
  EXPECT_EQ(systems["systems"][2]["error"], "model.pt: checksum mismatch");
  EXPECT_FALSE(systems.dump().find("/work") != std::string::npos) << "no model paths are published";
}

TEST_F(ApiTest, ThePageHasNoInlineScriptOrStyleAndTheCspForbidsThem) {
  const std::string page = call("GET", "/").body;
  EXPECT_EQ(page.find("<script>"), std::string::npos);
  EXPECT_EQ(page.find("<style"), std::string::npos);
  EXPECT_EQ(page.find("style=\""), std::string::npos);
  std::string csp;
  for (const auto& [name, value] : security_headers())
    if (name == "Content-Security-Policy") csp = value;
  EXPECT_THAT(csp, HasSubstr("script-src 'self'"));
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
}

TEST(ReportCsp, AllowsExactlyTheReportsInlineScriptsByHash) {
  const std::string html =
      "<html><script type=\"application/json\" id=\"d\">{\"a\": 1}</script>\n<script>\nalert(1);\n</script></html>";
  const std::string csp = csp_for_inline_scripts(html);
  // sha256("\nalert(1);\n") in base64, computed with `printf '\nalert(1);\n' | openssl dgst -sha256 -binary | base64`.
  EXPECT_THAT(csp, HasSubstr("script-src 'sha256-L+t9q3v5LeakHkwTJJlqwHiLsxVtqG4eOt8NDvhN6eg='; ")) << csp;
  EXPECT_THAT(csp, HasSubstr("default-src 'none'"));
}

}  // namespace
}  // namespace mtbench::serve
