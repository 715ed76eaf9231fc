// The `mtbench compare` config parser and every check the dry run performs.
#include "compare/checks.h"
#include "compare/config.h"
#include "systems/builtin/builtin.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  register_builtin_translators();
  fuzz::expect_success_or_error([&] {
    const auto config = compare::parse_compare_config(fuzz::text(data, size), "fuzz.yaml");
    compare::check_comparison(config, TranslatorRegistry::instance());
  });
  return 0;
}
