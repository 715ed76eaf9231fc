// Every built-in system's option parser (the option tables, presets and validators), as the
// pre-training check calls them.
#include "systems/builtin/builtin.h"
#include "systems/registry.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  register_builtin_translators();
  const std::string yaml = fuzz::text(data, size);
  for (const auto& entry : TranslatorRegistry::instance().entries()) {
    if (!entry.check_config) continue;
    for (const char* preset : {"", "quick"}) {
      fuzz::expect_success_or_error([&] {
        TrainOptions options;
        options.source_lang = "de";
        options.target_lang = "en";
        options.preset = preset;
        options.config_yaml = yaml;
        options.config_origin = "fuzz.yaml";
        entry.check_config(options);
      });
    }
  }
  return 0;
}
