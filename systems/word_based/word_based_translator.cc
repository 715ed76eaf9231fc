#include "systems/word_based/word_based_translator.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "corpus/tokenizer.h"
#include "eval/bleu.h"

namespace mtbench::word_based {
namespace {

using alignment::Vocab;
using alignment::WordId;

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

}  // namespace

SystemInfo WordBasedTranslator::static_info() {
  SystemInfo info;
  info.name = "word-based";
  info.title = "Word-based statistical MT (IBM models)";
  info.era = "1990-1993";
  info.year = 1990;
  info.paradigm = "statistical";
  info.citation =
      "Brown et al. (1990), A Statistical Approach to Machine Translation, Computational Linguistics 16(2); "
      "Brown et al. (1993), The Mathematics of Statistical Machine Translation: Parameter Estimation";
  info.description =
      "The noisy channel P(e) P(f|e): IBM Model 1/2 translation tables trained by EM, a Kneser-Ney n-gram LM, "
      "and a word-by-word stack decoder with limited reordering, dropped words (t(f|NULL)) and inserted "
      "zero-fertility words; weights tuned on dev BLEU. No phrases: each output word comes from one source word.";
  return info;
}

TranslatorEntry word_based_translator_entry() {
  TranslatorEntry entry = builtin_entry<WordBasedTranslator>();
  add_option_listing<WordBasedOptions>(
      entry, word_based_option_table(), word_based_presets(),
      [](const std::string& preset) { return parse_word_based_options("", preset, "word-based options"); });
  entry.check_config = [](const TrainOptions& o) {
    parse_word_based_options(o.config_yaml, o.preset, o.config_origin.empty() ? "word-based options" : o.config_origin);
  };
  return entry;
}

std::vector<std::string> WordBasedTranslator::prepare(const std::string& raw, bool source) const {
  TokenizerOptions topt;
  topt.lang = source ? source_lang_ : target_lang_;
  const auto tokens = MosesTokenizer(topt).tokenize(raw);
  const Truecaser& tc = source ? source_truecaser_ : target_truecaser_;
  return tc.empty() ? tokens : tc.truecase(tokens);
}

std::string WordBasedTranslator::finish(const std::vector<std::string>& tokens) const {
  return MosesDetokenizer(target_lang_).detokenize(target_truecaser_.detruecase(tokens));
}

std::vector<WordDecodeResult> WordBasedTranslator::decode_all(const std::vector<std::vector<std::string>>& inputs,
                                                              const std::vector<double>& weights, int threads,
                                                              int nbest, Progress* progress) const {
  DecoderOptions d;
  d.stack_size = options_.stack_size;
  d.distortion_limit = options_.distortion_limit;
  d.insertion_words = options_.insertion_words;
  d.nbest = nbest;
  const WordDecoder decoder(model_, *lm_, d);
  std::vector<WordDecodeResult> out(inputs.size());
  parallel(inputs.size(), threads, [&](std::size_t i) {
    out[i] = decoder.decode(inputs[i], weights);
    if (progress) progress->advance();
  });
  return out;
}

void WordBasedTranslator::train(const TrainData& data, const TrainOptions& options) {
  options_ = parse_word_based_options(options.config_yaml, options.preset, options.config_origin);
  if (!options.source_lang.empty()) source_lang_ = options.source_lang;
  if (!options.target_lang.empty()) target_lang_ = options.target_lang;
  if (data.train_source.size() != data.train_target.size() || data.train_source.empty())
    fail<DataError>("word-based: {} training source segments and {} target segments", data.train_source.size(),
                    data.train_target.size());
  Progress local(ProgressMode::kQuiet);
  Progress& progress = options.progress ? *options.progress : local;
  const int threads = std::max(1, options.threads);

  // 1. Tokenize and learn casing (as the phrase-based system does: Moses' scripts).
  progress.begin("tokenize + truecase", 2, "side");
  source_truecaser_ = Truecaser();
  target_truecaser_ = Truecaser();
  std::vector<std::vector<std::string>> src_tok(data.train_source.size()), tgt_tok(data.train_target.size());
  {
    TokenizerOptions sopt, topt;
    sopt.lang = source_lang_;
    topt.lang = target_lang_;
    const MosesTokenizer stok(sopt), ttok(topt);
    parallel(src_tok.size(), threads, [&](std::size_t i) {
      src_tok[i] = stok.tokenize(data.train_source[i]);
      tgt_tok[i] = ttok.tokenize(data.train_target[i]);
    });
    std::vector<std::string> s_lines, t_lines;
    for (const auto& t : src_tok) s_lines.push_back(join_tokens(t));
    for (const auto& t : tgt_tok) t_lines.push_back(join_tokens(t));
    source_truecaser_.train(s_lines);
    target_truecaser_.train(t_lines);
  }
  progress.advance();
  parallel(src_tok.size(), threads, [&](std::size_t i) {
    src_tok[i] = source_truecaser_.truecase(src_tok[i]);
    tgt_tok[i] = target_truecaser_.truecase(tgt_tok[i]);
  });
  progress.advance();
  progress.end();

  // 2. Word ids of the pairs EM trains on (short enough, neither side empty).
  Vocab sv, tv;
  std::vector<std::vector<WordId>> src, tgt;
  std::vector<std::string> lm_text;
  for (std::size_t i = 0; i < src_tok.size(); ++i) {
    const auto& s = src_tok[i];
    const auto& t = tgt_tok[i];
    if (!t.empty()) lm_text.push_back(join_tokens(t));
    if (s.empty() || t.empty()) continue;
    if (static_cast<int>(s.size()) > options_.max_sentence_length ||
        static_cast<int>(t.size()) > options_.max_sentence_length)
      continue;
    std::vector<WordId> si, ti;
    for (const auto& w : s) si.push_back(sv.add(w));
    for (const auto& w : t) ti.push_back(tv.add(w));
    src.push_back(std::move(si));
    tgt.push_back(std::move(ti));
  }
  if (src.empty()) fail<DataError>("word-based: no usable training pairs (all empty or over max_sentence_length)");

  // 3. IBM Model 1 or 2 by EM, both directions: t(f|e) for the channel, t(e|f) for candidates.
  alignment::AlignOptions aopt;
  aopt.model = alignment::parse_align_model(options_.align_model);
  aopt.iterations = options_.align_iterations;
  aopt.variational_bayes = options_.variational_bayes;
  aopt.threads = threads;
  aopt.keep_table_above = options_.prune_below;
  const auto forward = alignment::train_alignment(src, tgt, aopt, false, &progress);
  const auto reverse = alignment::train_alignment(src, tgt, aopt, true, &progress);
  model_ = LexicalModel::build(sv, tv, tgt, forward, reverse, options_.translations_per_word, options_.insertion_words);
  progress.log(fmt::format("word-based: {} source words with translations, {} pairs in t(f|e), {} in t(e|f)",
                           model_.source_words(), forward.table.size(), reverse.table.size()));

  // 4. Language model on the target side.
  progress.begin(fmt::format("language model ({}-gram)", options_.lm_order));
  lm::EstimateOptions lopt;
  lopt.order = options_.lm_order;
  lopt.discount_fallback = true;
  arpa_ = lm::estimate_arpa_text(lm_text, lopt);
  lm_ = lm::Model::parse_arpa(arpa_, "lm.arpa");
  progress.end(fmt::format("{} bytes of ARPA", arpa_.size()));

  // 5. Weights.
  weights_ = default_weights();
  if (options_.tune && !data.dev_source.empty() && data.dev_source.size() == data.dev_target.size())
    tune(data, threads, progress);
}

// Coordinate search on dev BLEU: each weight in turn is scaled by a few factors and the best
// 1-best BLEU kept. Deliberate difference from Och's MERT (which the phrase-based system runs):
// 8 weights need no line search; a few dozen decodings of a few hundred sentences suffice.
void WordBasedTranslator::tune(const TrainData& data, int threads, Progress& progress) {
  std::size_t n = data.dev_source.size();
  if (options_.tune_sentences > 0) n = std::min<std::size_t>(n, options_.tune_sentences);
  std::vector<std::vector<std::string>> inputs(n);
  std::vector<std::string> refs(n);
  parallel(n, threads, [&](std::size_t i) {
    inputs[i] = prepare(data.dev_source[i], true);
    refs[i] = join_tokens(prepare(data.dev_target[i], false));
  });
  eval::BleuOptions bopt;
  bopt.tokenize = "none";  // both sides are Moses-tokenized already, as for Moses' BleuScorer
  eval::Bleu bleu(bopt);
  bleu.set_references({refs});
  auto score = [&](const std::vector<double>& w) {
    const auto results = decode_all(inputs, w, threads, 0, nullptr);
    std::vector<std::string> hyps(results.size());
    for (std::size_t i = 0; i < results.size(); ++i) hyps[i] = join_tokens(results[i].target);
    return bleu.score_from_stats(bleu.segment_stats(hyps).sum()).score;
  };
  static const double kFactors[] = {0.25, 0.5, 0.75, 1.5, 2.0, 4.0};
  const int evaluations = options_.tune_rounds * kNumFeatures * static_cast<int>(std::size(kFactors)) + 1;
  progress.begin(fmt::format("tune weights on {} dev sentences", n), evaluations, "decodings");
  double best = score(weights_);
  progress.advance();
  const double start = best;
  for (int round = 0; round < options_.tune_rounds; ++round) {
    for (int k = 0; k < kNumFeatures; ++k) {
      const double base = weights_[k];
      for (double factor : kFactors) {
        std::vector<double> w = weights_;
        w[k] = base * factor;
        const double s = score(w);
        progress.advance();
        if (s > best + 1e-9) {
          best = s;
          weights_ = w;
        }
      }
    }
  }
  progress.end(fmt::format("dev BLEU {:.2f} -> {:.2f} (tokenized)", start, best));
}

std::vector<Translation> WordBasedTranslator::translate(const std::vector<std::string>& sources,
                                                        const TranslateOptions& options) {
  if (!lm_) fail<Error>("word-based: no model (train or load one first)");
  const int threads = std::max(1, options.threads);
  std::vector<std::vector<std::string>> inputs(sources.size());
  parallel(sources.size(), threads, [&](std::size_t i) { inputs[i] = prepare(sources[i], true); });
  const int saved_stack = options_.stack_size;
  if (options.beam_size > 0) options_.stack_size = options.beam_size;
  if (options.progress) options.progress->begin("decode", sources.size(), "sent");
  std::vector<WordDecodeResult> results;
  try {
    results = decode_all(inputs, weights_, threads, std::max(0, options.nbest), options.progress);
  } catch (...) {
    options_.stack_size = saved_stack;
    throw;
  }
  options_.stack_size = saved_stack;
  if (options.progress) options.progress->end();
  std::vector<Translation> out(sources.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    out[i].text = finish(r.target);
    for (const auto& [alt, score] : r.nbest) out[i].nbest.emplace_back(finish(alt), score);
    if (!options.explain) continue;
    // Each step: the source word, what it became (with an inserted word before it, if any) and
    // its probabilities; links only for words a source word generated.
    Explanation& e = out[i].explanation;
    e.source_tokens = inputs[i];
    e.target_tokens = r.target;
    int target_pos = 0;
    for (const auto& step : r.steps) {
      PhraseUse use;
      use.source_begin = step.source;
      use.source_end = step.source + 1;
      use.source = inputs[i][step.source];
      if (!step.inserted.empty()) {
        use.target = step.inserted;
        use.scores.emplace_back("P(fertility 0 | " + step.inserted + ")", std::exp(step.log_zero_fert));
        ++target_pos;
      }
      if (step.unknown) {
        use.scores.emplace_back("unknown", 1.0);
      } else if (step.target.empty()) {
        use.scores.emplace_back("t(f|NULL)", std::exp(step.log_channel));
      } else {
        use.scores.emplace_back("t(f|e)", std::exp(step.log_channel));
        use.scores.emplace_back("t(e|f)", std::exp(step.log_direct));
      }
      if (!step.target.empty()) {
        use.target += (use.target.empty() ? "" : " ") + step.target;
        e.alignment.emplace_back(step.source, target_pos++);
      }
      if (step.unknown) e.unknown_words.push_back(use.source);
      e.phrases.push_back(std::move(use));
    }
    std::sort(e.alignment.begin(), e.alignment.end());
    e.scores.emplace_back("total", r.score);
    for (int k = 0; k < kNumFeatures; ++k) e.scores.emplace_back(feature_names()[k], r.features[k]);
  }
  return out;
}

void WordBasedTranslator::save(const std::filesystem::path& dir) const {
  if (!lm_) fail<Error>("word-based: nothing to save (train or load a model first)");
  model_.save(dir / "lexical-model.tsv");
  write_file_atomic(dir / "lm.arpa", arpa_);
  std::string weights;
  for (int k = 0; k < kNumFeatures; ++k) weights += fmt::format("{} {:.9g}\n", feature_names()[k], weights_[k]);
  write_file_atomic(dir / "weights.txt", weights);
  source_truecaser_.save(dir / "truecase-model.src");
  target_truecaser_.save(dir / "truecase-model.tgt");
  write_file_atomic(dir / "word-based.yaml",
                    fmt::format("source_lang: {}\ntarget_lang: {}\n", source_lang_, target_lang_) +
                        word_based_options_yaml(options_));
}

void WordBasedTranslator::load(const std::filesystem::path& dir) {
  std::string yaml;
  for (const auto& line : read_lines(dir / "word-based.yaml")) {
    if (line.rfind("source_lang: ", 0) == 0)
      source_lang_ = line.substr(13);
    else if (line.rfind("target_lang: ", 0) == 0)
      target_lang_ = line.substr(13);
    else
      yaml += line + "\n";
  }
  options_ = parse_word_based_options(yaml, "", (dir / "word-based.yaml").string());
  model_ = LexicalModel::load(dir / "lexical-model.tsv");
  arpa_ = read_file(dir / "lm.arpa");
  lm_ = lm::Model::parse_arpa(arpa_, (dir / "lm.arpa").string());
  // Every feature exactly once, each finite: a file cut short must not fall back to defaults.
  const auto path = dir / "weights.txt";
  const auto& names = feature_names();
  std::vector<bool> seen(kNumFeatures, false);
  std::size_t line_no = 0;
  for (const auto& line : read_lines(path)) {
    ++line_no;
    const auto space = line.find(' ');
    const auto it = std::find(names.begin(), names.end(), line.substr(0, space));
    if (space == std::string::npos || it == names.end())
      fail<DataError>("{}:{}: expected '<feature> <weight>', got '{}'", path.string(), line_no, line);
    const std::string text = line.substr(space + 1);
    char* end = nullptr;
    const double weight = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(weight))
      fail<DataError>("{}:{}: bad weight '{}' (a finite number)", path.string(), line_no, text);
    const auto index = static_cast<std::size_t>(it - names.begin());
    if (seen[index]) fail<DataError>("{}:{}: feature '{}' appears twice", path.string(), line_no, *it);
    seen[index] = true;
    weights_[index] = weight;
  }
  for (int k = 0; k < kNumFeatures; ++k)
    if (!seen[k])
      fail<DataError>("{}: no weight for feature '{}' (the file is incomplete; retrain the model)", path.string(),
                      names[k]);
  source_truecaser_ = Truecaser();
  target_truecaser_ = Truecaser();
  source_truecaser_.load(dir / "truecase-model.src");
  target_truecaser_.load(dir / "truecase-model.tgt");
}

}  // namespace mtbench::word_based
