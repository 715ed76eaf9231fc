// The rule-based system's transfer-rule files and FreeDict dictd entries.
#include "systems/rule_based/dictd.h"
#include "systems/rule_based/rule_file.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  const std::string text = fuzz::text(data, size);
  fuzz::expect_success_or_error([&] { rule_based::parse_rules(text, "fuzz.rules"); });
  fuzz::expect_success_or_error([&] { rule_based::parse_dict_entry(text); });
  fuzz::expect_success_or_error([&] { rule_based::clean_translations(text); });
  fuzz::expect_success_or_error([&] { rule_based::decode_dictd_number(text, "fuzz"); });
  const auto path = fuzz::as_file(data, size, ".index");
  fuzz::expect_success_or_error([&] { rule_based::read_dictd_index(path); });
  return 0;
}
