// Benchmark (target metric_bench, outside `all`): time of each metric's reference caching and
// of scoring the 8 WMT17 en-de systems (newstest2017, 3,004 segments), as in the golden tests.
//   cmake --build build --target metric_bench && build/bench/metric_bench [WMT17_DIR]
// WMT17_DIR defaults to ../shared/corpora/wmt17-en-de next to the checkout. For the whole
// `mtbench score` command against sacreBLEU, see bench/score_bench.sh.

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/text_file.h"
#include "eval/metric_factory.h"

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  const fs::path dir = argc > 1 ? fs::path(argv[1]) : fs::path(MTBENCH_SOURCE_DIR) / "../shared/corpora/wmt17-en-de";
  const std::vector<std::string> systems = {"KIT.4950",   "LMU-nmt-single.4893",  "uedin-nmt.4722",
                                            "C-3MA.4959", "TALP-UPC.4834",        "online-A.0",
                                            "online-F.0", "PROMT-Rule-based.4735"};
  try {
    const auto reference = mtbench::read_lines(dir / "newstest2017.ref.de.gz");
    std::vector<std::vector<std::string>> outputs;
    for (const auto& s : systems) outputs.push_back(mtbench::read_lines(dir / ("newstest2017." + s + ".en-de.gz")));
    mtbench::eval::MetricOptions options;
    options.chrf.word_order = 2;  // chrF++, as `mtbench compare` reports it
    double total = 0;
    for (const std::string name : {"bleu", "chrf", "ter"}) {
      const auto metric = mtbench::eval::make_metric(name, options);
      const auto start = Clock::now();
      metric->set_references({reference});
      const auto cached = Clock::now();
      for (const auto& hyps : outputs) metric->segment_stats(hyps);
      const auto end = Clock::now();
      const double refs_s = std::chrono::duration<double>(cached - start).count();
      const double systems_s = std::chrono::duration<double>(end - cached).count();
      total += refs_s + systems_s;
      std::printf("%-8s references %.3f s, 8 systems %.3f s (%d threads)\n", metric->name().c_str(), refs_s, systems_s,
                  mtbench::eval::parallel_workers());
    }
    std::printf("total    %.3f s\n", total);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "metric_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
