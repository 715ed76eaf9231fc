#include "systems/example_based/example_based_translator.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "corpus/tokenizer.h"
#include "systems/alignment/symmetrize.h"
#include "systems/alignment/vocab.h"

namespace mtbench::example_based {
namespace {

// Runs f(i) for i in [0, n) on `threads` threads; the first exception is rethrown.
void parallel(std::size_t n, int threads, const std::function<void(std::size_t)>& f) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(std::max<std::size_t>(1, n))));
  std::atomic<std::size_t> next{0};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      try {
        for (std::size_t i = next++; i < n; i = next++) f(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        next = n;
      }
    });
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

std::string join(const std::vector<std::string>& tokens, std::size_t begin, std::size_t end) {
  std::string out;
  for (std::size_t i = begin; i < end && i < tokens.size(); ++i) out += (i > begin ? " " : "") + tokens[i];
  return out;
}

}  // namespace

SystemInfo ExampleBasedTranslator::static_info() {
  SystemInfo info;
  info.name = "example-based";
  info.title = "Example-based MT (translation by analogy)";
  info.era = "1984";
  info.year = 1984;
  info.paradigm = "example-based";
  info.citation =
      "Nagao (1984), A Framework of a Mechanical Translation between Japanese and English by Analogy Principle; "
      "Sato & Nagao (1990), Toward Memory-based Translation";
  info.description =
      "Keeps the training pairs as word-aligned examples; retrieves the most similar example (IDF index + fuzzy "
      "match), keeps its translation where the sentences agree and fills the differences with fragments of other "
      "examples. No probabilities and no language model.";
  return info;
}

TranslatorEntry example_based_translator_entry() {
  TranslatorEntry entry = builtin_entry<ExampleBasedTranslator>();
  add_option_listing<ExampleBasedOptions>(
      entry, example_based_option_table(), example_based_presets(),
      [](const std::string& preset) { return parse_example_based_options("", preset, "example-based options"); });
  entry.check_config = [](const TrainOptions& o) {
    parse_example_based_options(o.config_yaml, o.preset,
                                o.config_origin.empty() ? "example-based options" : o.config_origin);
  };
  return entry;
}

std::vector<std::string> ExampleBasedTranslator::prepare(const std::string& raw) const {
  TokenizerOptions topt;
  topt.lang = source_lang_;
  const auto tokens = MosesTokenizer(topt).tokenize(raw);
  return source_truecaser_.empty() ? tokens : source_truecaser_.truecase(tokens);
}

void ExampleBasedTranslator::train(const TrainData& data, const TrainOptions& options) {
  options_ = parse_example_based_options(options.config_yaml, options.preset, options.config_origin);
  if (!options.source_lang.empty()) source_lang_ = options.source_lang;
  if (!options.target_lang.empty()) target_lang_ = options.target_lang;
  if (data.train_source.size() != data.train_target.size() || data.train_source.empty())
    fail<DataError>("example-based: {} training source segments and {} target segments", data.train_source.size(),
                    data.train_target.size());
  Progress local(ProgressMode::kQuiet);
  Progress& progress = options.progress ? *options.progress : local;
  const int threads = std::max(1, options.threads);

  progress.begin("tokenize + truecase", 2, "side");
  std::vector<std::vector<std::string>> src(data.train_source.size()), tgt(data.train_target.size());
  {
    TokenizerOptions sopt, topt;
    sopt.lang = source_lang_;
    topt.lang = target_lang_;
    const MosesTokenizer stok(sopt), ttok(topt);
    parallel(src.size(), threads, [&](std::size_t i) {
      src[i] = stok.tokenize(data.train_source[i]);
      tgt[i] = ttok.tokenize(data.train_target[i]);
    });
    std::vector<std::string> s_lines, t_lines;
    for (const auto& t : src) s_lines.push_back(join_tokens(t));
    for (const auto& t : tgt) t_lines.push_back(join_tokens(t));
    source_truecaser_ = Truecaser();
    target_truecaser_ = Truecaser();
    source_truecaser_.train(s_lines);
    target_truecaser_.train(t_lines);
  }
  progress.advance();
  parallel(src.size(), threads, [&](std::size_t i) {
    src[i] = source_truecaser_.truecase(src[i]);
    tgt[i] = target_truecaser_.truecase(tgt[i]);
  });
  progress.advance();
  progress.end();

  // Examples: pairs with both sides non-empty and short enough, word-aligned.
  std::vector<Example> examples;
  alignment::Vocab sv, tv;
  std::vector<std::vector<alignment::WordId>> src_ids, tgt_ids;
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (src[i].empty() || tgt[i].empty()) continue;
    if (static_cast<int>(src[i].size()) > options_.max_sentence_length ||
        static_cast<int>(tgt[i].size()) > options_.max_sentence_length)
      continue;
    std::vector<alignment::WordId> s, t;
    for (const auto& w : src[i]) s.push_back(sv.add(w));
    for (const auto& w : tgt[i]) t.push_back(tv.add(w));
    src_ids.push_back(std::move(s));
    tgt_ids.push_back(std::move(t));
    examples.push_back({std::move(src[i]), std::move(tgt[i]), {}});
  }
  if (examples.empty()) fail<DataError>("example-based: no usable examples (all empty or over max_sentence_length)");
  alignment::AlignOptions aopt;
  aopt.iterations = options_.align_iterations;
  aopt.threads = threads;
  const auto forward = alignment::train_alignment(src_ids, tgt_ids, aopt, false, &progress);
  const auto reverse = alignment::train_alignment(src_ids, tgt_ids, aopt, true, &progress);
  for (std::size_t i = 0; i < examples.size(); ++i)
    examples[i].links =
        alignment::symmetrize(forward.alignments[i], reverse.alignments[i], static_cast<int>(src_ids[i].size()),
                              static_cast<int>(tgt_ids[i].size()), alignment::Symmetrization::kGrowDiagFinalAnd);
  progress.begin("index examples");
  base_ = ExampleBase(std::move(examples), options_);
  progress.end(fmt::format("{} examples", base_.size()));
  trained_ = true;
}

std::vector<Translation> ExampleBasedTranslator::translate(const std::vector<std::string>& sources,
                                                           const TranslateOptions& options) {
  if (!trained_) fail<Error>("example-based: no model (train or load one first)");
  std::vector<Translation> out(sources.size());
  if (options.progress) options.progress->begin("translate", sources.size(), "sent");
  parallel(sources.size(), std::max(1, options.threads), [&](std::size_t i) {
    const auto input = prepare(sources[i]);
    const ExampleTranslation r = base_.translate(input);
    out[i].text = MosesDetokenizer(target_lang_).detokenize(target_truecaser_.detruecase(r.target));
    if (options.progress) options.progress->advance();
    if (!options.explain) return;
    Explanation& e = out[i].explanation;
    e.source_tokens = input;
    e.target_tokens = r.target;
    e.alignment = r.links;
    if (r.example >= 0) {
      const Example& ex = base_.examples()[r.example];
      e.rules.push_back(
          {"retrieve", fmt::format("example {} (fuzzy match {:.0f}%): '{}' = '{}'", r.example + 1, 100 * r.fuzzy,
                                   join(ex.source, 0, ex.source.size()), join(ex.target, 0, ex.target.size()))});
      e.scores.emplace_back("fuzzy match", r.fuzzy);
    }
    for (const auto& piece : r.pieces) {
      PhraseUse use;
      use.source_begin = piece.input_begin;
      use.source_end = piece.input_end;
      use.source = join(input, piece.input_begin, piece.input_end);
      use.target = join(piece.target, 0, piece.target.size());
      if (piece.example < 0) {
        use.scores.emplace_back("unknown", 1.0);
        e.unknown_words.push_back(use.source);
      } else {
        use.scores.emplace_back(piece.matched ? "retrieved example" : "fragment of example", piece.example + 1);
        if (!piece.matched) {
          use.scores.emplace_back("examples agreeing", piece.agreeing);
          use.scores.emplace_back("examples inspected", piece.inspected);
          const Example& ex = base_.examples()[piece.example];
          e.rules.push_back({"fragment", fmt::format("'{}' = '{}' from example {}: '{}'", use.source, use.target,
                                                     piece.example + 1, join(ex.source, 0, ex.source.size()))});
        }
      }
      e.phrases.push_back(std::move(use));
    }
  });
  if (options.progress) options.progress->end();
  return out;
}

void ExampleBasedTranslator::save(const std::filesystem::path& dir) const {
  if (!trained_) fail<Error>("example-based: nothing to save (train or load a model first)");
  base_.save(dir / "examples.tsv");
  source_truecaser_.save(dir / "truecase-model.src");
  target_truecaser_.save(dir / "truecase-model.tgt");
  write_file_atomic(dir / "example-based.yaml",
                    fmt::format("source_lang: {}\ntarget_lang: {}\n", source_lang_, target_lang_) +
                        example_based_options_yaml(options_));
}

void ExampleBasedTranslator::load(const std::filesystem::path& dir) {
  std::string yaml;
  for (const auto& line : read_lines(dir / "example-based.yaml")) {
    if (line.rfind("source_lang: ", 0) == 0)
      source_lang_ = line.substr(13);
    else if (line.rfind("target_lang: ", 0) == 0)
      target_lang_ = line.substr(13);
    else
      yaml += line + "\n";
  }
  options_ = parse_example_based_options(yaml, "", (dir / "example-based.yaml").string());
  base_ = ExampleBase::load(dir / "examples.tsv", options_);
  source_truecaser_ = Truecaser();
  target_truecaser_ = Truecaser();
  source_truecaser_.load(dir / "truecase-model.src");
  target_truecaser_.load(dir / "truecase-model.tgt");
  trained_ = true;
}

}  // namespace mtbench::example_based
