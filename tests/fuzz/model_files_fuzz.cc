// The memory-mapped model files: the binary phrase table (MTBPT2) and the binary language
// model (MTBLM1), opened from arbitrary bytes, then read the way decoding reads them.
#include <vector>

#include "systems/lm/ngram_lm.h"
#include "systems/phrase_based/phrase_table.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  const auto path = fuzz::as_file(data, size, ".bin");
  fuzz::expect_success_or_error([&] {
    const auto table = phrase_based::PhraseTable::load(path);
    std::vector<phrase_based::PhraseEntry> entries;
    for (phrase_based::WordId w = 0; w < table.source_vocab().size() && w < 64; ++w) table.find(&w, 1, &entries);
    table.for_each([](std::string_view, const std::vector<phrase_based::PhraseEntry>&) {});
  });
  fuzz::expect_success_or_error([&] {
    const auto model = lm::Model::load(path);
    lm::State state = model->begin_sentence_state(), next;
    for (const char* word : {"a", "b", "</s>"}) {
      model->score(state, model->index(word), &next);
      state = next;
    }
  });
  return 0;
}
