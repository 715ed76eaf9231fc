// `mtbench serve`'s routes and request validation: arbitrary bytes as the body of
// POST /api/translate (and as a URL path), with two echoing test systems. Every answer must be
// a JSON error or a job whose answer is JSON; nothing may throw.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "serve/api.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

class EchoTranslator : public mtbench::Translator {
 public:
  mtbench::SystemInfo info() const override { return {"echo", "Echo", "2024", 2024, "test", "", ""}; }
  void train(const mtbench::TrainData&, const mtbench::TrainOptions&) override {}
  void save(const std::filesystem::path&) const override {}
  void load(const std::filesystem::path&) override {}
  std::vector<mtbench::Translation> translate(const std::vector<std::string>& sources,
                                              const mtbench::TranslateOptions& o) override {
    std::vector<mtbench::Translation> out(sources.size());
    for (std::size_t i = 0; i < sources.size(); ++i) {
      out[i].text = sources[i];
      if (o.explain) out[i].explanation.source_tokens = {sources[i]};
    }
    return out;
  }
};

const mtbench::serve::ServeState& state() {
  static mtbench::serve::ServeState* s = [] {
    auto* st = new mtbench::serve::ServeState();
    for (const char* label : {"A", "B (2)"}) {
      auto sys = std::make_unique<mtbench::serve::ServedSystem>();
      sys->label = label;
      sys->translator = std::make_unique<EchoTranslator>();
      sys->info = sys->translator->info();
      st->systems.push_back(std::move(sys));
    }
    return st;
  }();
  return *s;
}

void check(const mtbench::serve::Routed& routed, bool json_expected) {
  const mtbench::serve::HttpResponse r = routed.response ? *routed.response : routed.job();
  if (r.status < 200 || r.status > 599) __builtin_trap();
  if (json_expected || r.content_type == "application/json") {
    if (!nlohmann::json::accept(r.body)) __builtin_trap();  // every API answer is JSON
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench::serve;
  static const Router router = make_router(state());
  const std::string bytes = mtbench::fuzz::text(data, size);
  check(router(HttpRequest{"POST", "/api/translate", "/api/translate", "application/json", bytes}), true);
  const std::string path = "/" + bytes.substr(0, std::min<std::size_t>(bytes.size(), 200));
  check(router(HttpRequest{"GET", path, path.substr(0, path.find_first_of("?#")), "", ""}), false);
  return 0;
}
