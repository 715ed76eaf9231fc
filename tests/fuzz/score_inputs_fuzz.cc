// `mtbench score`'s inputs: a reference file (tab-separated multi-reference) and system files
// read from arbitrary bytes, then scored with BLEU, chrF and TER.
#include "cli/score_inputs.h"
#include "cli/score_options.h"
#include "eval/metric_factory.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mtbench;
  if (size == 0) return 0;
  const auto path = fuzz::as_file(data + 1, size - 1, ".txt");
  fuzz::expect_success_or_error([&] {
    cli::ScoreOptions options;
    options.refs = {path.string()};
    options.inputs = {path.string()};
    options.input_given = true;
    options.num_refs = 1 + data[0] % 3;
    const auto inputs = cli::read_score_inputs(options, false);
    for (const char* name : {"bleu", "chrf", "ter"}) {
      auto metric = eval::make_metric(name, eval::MetricOptions{});
      metric->set_references(inputs.refs);
      for (const auto& system : inputs.systems) metric->corpus_score(system);
    }
  });
  return 0;
}
