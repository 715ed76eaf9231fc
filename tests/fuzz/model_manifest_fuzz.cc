// The model manifest (mtbench-model.json) reader.
#include "systems/model_dir.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  fuzz::expect_success_or_error([&] {
    const auto manifest = manifest_from_json(fuzz::text(data, size), "fuzz.json");
    manifest_from_json(manifest_to_json(manifest), "again.json");  // what was read writes back readably
  });
  return 0;
}
