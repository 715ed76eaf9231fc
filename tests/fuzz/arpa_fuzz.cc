// The ARPA language-model reader, then scoring a sentence with what it read.
#include "systems/lm/ngram_lm.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  fuzz::expect_success_or_error([&] {
    const auto model = lm::Model::parse_arpa(fuzz::text(data, size), "fuzz.arpa");
    lm::State state = model->begin_sentence_state(), next;
    for (const char* word : {"a", "dog", "</s>"}) {
      model->score(state, model->index(word), &next);
      state = next;
    }
  });
  return 0;
}
