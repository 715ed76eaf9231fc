#include "systems/phrase_based/phrase_based_translator.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <future>
#include <random>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "base/error.h"
#include "base/memory.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "corpus/tokenizer.h"
#include "systems/phrase_based/mert.h"
#include "systems/phrase_based/word_alignment.h"

namespace mtbench::phrase_based {
namespace {

// Runs `first` on a new thread and `second` on this one; rethrows what either threw.
template <typename First, typename Second>
void in_parallel(First&& first, Second&& second) {
  auto other = std::async(std::launch::async, std::forward<First>(first));
  try {
    second();
  } catch (...) {
    other.wait();
    throw;
  }
  other.get();
}

std::vector<std::vector<std::string>> prepare_all(
    const std::vector<std::string>& raw, int threads,
    const std::function<std::vector<std::string>(const std::string&)>& f) {
  std::vector<std::vector<std::string>> out(raw.size());
  std::vector<std::thread> pool;
  threads = std::max(1, threads);
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i = t; i < raw.size(); i += threads) out[i] = f(raw[i]);
    });
  for (auto& th : pool) th.join();
  return out;
}

std::string join(const std::vector<std::string>& tokens) {
  return join_tokens(tokens);
}

}  // namespace

SystemInfo PhraseBasedTranslator::static_info() {
  SystemInfo info;
  info.name = "phrase-based";
  info.title = "Phrase-based statistical MT";
  info.era = "1993-2003";
  info.year = 2003;
  info.paradigm = "statistical";
  info.citation =
      "Koehn, Och & Marcu (2003), Statistical Phrase-Based Translation, NAACL; Brown et al. (1993); "
      "Och (2003), Minimum Error Rate Training";
  info.description =
      "Moses-style pipeline: IBM-model word alignment (fast_align), grow-diag-final-and, phrase table with "
      "lexicalized reordering, Kneser-Ney n-gram LM, log-linear model tuned by MERT, stack decoding.";
  return info;
}

TranslatorEntry phrase_based_translator_entry() {
  TranslatorEntry entry = builtin_entry<PhraseBasedTranslator>();
  add_option_listing<PhraseBasedOptions>(
      entry, phrase_based_option_table(), phrase_based_presets(),
      [](const std::string& preset) { return parse_phrase_based_options("", preset, "phrase-based options"); });
  entry.check_config = [](const TrainOptions& o) {
    parse_phrase_based_options(o.config_yaml, o.preset,
                               o.config_origin.empty() ? "phrase-based options" : o.config_origin);
  };
  return entry;
}

std::vector<std::string> PhraseBasedTranslator::prepare(const std::string& raw, bool source) const {
  TokenizerOptions topt;
  topt.lang = source ? source_lang_ : target_lang_;
  const MosesTokenizer tokenizer(topt);
  auto tokens = tokenizer.tokenize(raw);
  if (options_.casing == "lowercase") {
    for (auto& t : tokens) t = to_lower(t);
    return tokens;
  }
  const Truecaser& tc = source ? source_truecaser_ : target_truecaser_;
  return tc.empty() ? tokens : tc.truecase(tokens);
}

std::string PhraseBasedTranslator::finish(const std::vector<std::string>& tokens) const {
  std::vector<std::string> cased = tokens;
  if (options_.casing == "lowercase")
    for (auto& t : cased) t = target_truecaser_.best_case(t);
  cased = target_truecaser_.detruecase(cased);
  return MosesDetokenizer(target_lang_).detokenize(cased);
}

void PhraseBasedTranslator::make_decoder() {
  DecoderOptions d;
  d.stack_size = options_.stack_size;
  d.beam_threshold = options_.beam_threshold;
  d.distortion_limit = options_.distortion_limit;
  d.table_limit = options_.table_limit;
  d.lexicalized_reordering = options_.lexicalized_reordering;
  decoder_ = std::make_unique<Decoder>(table_, lm_.get(), d);
}

void PhraseBasedTranslator::train(const TrainData& data, const TrainOptions& options) {
  options_ = parse_phrase_based_options(options.config_yaml, options.preset, options.config_origin);
  if (!options.source_lang.empty()) source_lang_ = options.source_lang;
  if (!options.target_lang.empty()) target_lang_ = options.target_lang;
  if (data.train_source.size() != data.train_target.size() || data.train_source.empty())
    fail<DataError>("phrase-based: {} training source segments and {} target segments", data.train_source.size(),
                    data.train_target.size());
  Progress local(ProgressMode::kQuiet);
  Progress& progress = options.progress ? *options.progress : local;
  const int threads = std::max(1, options.threads);

  // 1. Tokenize and learn casing (Moses: tokenizer.perl, train-truecaser.perl, truecase.perl).
  progress.begin("tokenize + truecase", 2, "side");
  TokenizerOptions sopt, topt;
  sopt.lang = source_lang_;
  topt.lang = target_lang_;
  const MosesTokenizer stok(sopt), ttok(topt);
  // One string per tokenized sentence (not a vector of token strings): at millions of pairs
  // the corpus is held three times over (raw, tokenized, ids) and each copy must be compact.
  auto tokenize_side = [&](const std::vector<std::string>& raw, const MosesTokenizer& tok) {
    std::vector<std::string> lines(raw.size());
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (std::size_t i = t; i < raw.size(); i += threads) lines[i] = join(tok.tokenize(raw[i]));
      });
    for (auto& th : pool) th.join();
    return lines;
  };
  std::vector<std::string> src_lines = tokenize_side(data.train_source, stok);
  std::vector<std::string> tgt_lines = tokenize_side(data.train_target, ttok);
  source_truecaser_ = Truecaser();
  target_truecaser_ = Truecaser();
  // The two sides are independent from here to the ids: each on a thread of its own.
  in_parallel([&] { source_truecaser_.train(src_lines); }, [&] { target_truecaser_.train(tgt_lines); });
  progress.advance();
  auto normalize_case = [&](std::vector<std::string> tokens, const Truecaser& tc) {
    if (options_.casing == "lowercase") {
      for (auto& t : tokens) t = to_lower(t);
      return tokens;
    }
    return tc.truecase(tokens);
  };

  // 2. Case-normalize on every thread (the truecasers are read-only) and decide which pairs
  //    the cleaning keeps (clean-corpus-n.perl 1 max); then map each side to ids in corpus
  //    order, the two sides at once (at a million pairs these were two thirds of the stage,
  //    one thread each). The target lines stay as the language model's text.
  std::vector<char> keep(src_lines.size(), 0);
  {
    const auto max_length = static_cast<std::size_t>(std::max(0, options_.max_sentence_length));
    std::vector<std::thread> pool;
    std::vector<std::exception_ptr> errors(threads);
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        try {
          for (std::size_t i = t; i < src_lines.size(); i += threads) {
            const auto s = normalize_case(split_whitespace(src_lines[i]), source_truecaser_);
            const auto g = normalize_case(split_whitespace(tgt_lines[i]), target_truecaser_);
            keep[i] = !s.empty() && !g.empty() && s.size() <= max_length && g.size() <= max_length &&
                      s.size() <= 9 * g.size() && g.size() <= 9 * s.size();
            src_lines[i] = keep[i] ? join(s) : std::string();
            tgt_lines[i] = join(g);
          }
        } catch (...) {
          errors[t] = std::current_exception();  // nothing escapes a thread
        }
      });
    for (auto& th : pool) th.join();
    for (const auto& e : errors)
      if (e) std::rethrow_exception(e);
  }
  Vocab sv, tv;
  std::vector<std::vector<WordId>> src, tgt;
  auto map_side = [&](std::vector<std::string>& lines, Vocab& vocab, std::vector<std::vector<WordId>>& ids,
                      bool free_lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (!keep[i]) continue;
      const auto words = split_whitespace_views(lines[i]);
      std::vector<WordId>& out = ids.emplace_back();
      out.reserve(words.size());
      for (const auto w : words) out.push_back(vocab.add(w));
      if (free_lines) std::string().swap(lines[i]);
    }
  };
  in_parallel([&] { map_side(src_lines, sv, src, true); }, [&] { map_side(tgt_lines, tv, tgt, false); });
  const std::size_t pairs_in = src_lines.size();
  std::vector<std::string>().swap(src_lines);
  std::vector<std::string> lm_text;
  for (auto& line : tgt_lines)
    if (!line.empty()) lm_text.push_back(std::move(line));
  std::vector<std::string>().swap(tgt_lines);
  progress.advance();
  progress.end();
  if (src.empty()) fail<DataError>("phrase-based: no usable training pairs after cleaning");
  progress.log(fmt::format("phrase-based: {} of {} training pairs after cleaning", src.size(), pairs_in));

  // 3. Word alignment in both directions, symmetrized.
  AlignOptions aopt;
  aopt.model = alignment::parse_align_model(options_.align_model);
  aopt.iterations = options_.align_iterations;
  aopt.prune_below = options_.align_prune;
  aopt.threads = threads;
  const auto forward = train_alignment(src, tgt, aopt, false, &progress);
  const auto reverse = train_alignment(src, tgt, aopt, true, &progress);
  const Symmetrization method = parse_symmetrization(options_.symmetrization);
  std::vector<Alignment> alignments(src.size());
  for (std::size_t i = 0; i < src.size(); ++i)
    alignments[i] = symmetrize(forward.alignments[i], reverse.alignments[i], static_cast<int>(src[i].size()),
                               static_cast<int>(tgt[i].size()), method);

  // 4. Language model on the target side of the training data.
  progress.begin(fmt::format("language model ({}-gram)", options_.lm_order));
  lm::EstimateOptions lopt;
  lopt.order = options_.lm_order;
  lopt.discount_fallback = true;
  std::uint64_t arpa_bytes = 0;
  arpa_.clear();
  lm_dir_.clear();
  if (!options.model_dir.empty()) {
    // Estimated with sorted files in the model directory under the sort_memory budget (as
    // lmplz -S; the same ARPA as in memory, which needs ~70 bytes per n-gram: 2.5 GB at 1M
    // pairs), streamed to the model directory as ARPA (the exchange format), then parsed from
    // the file into the binary model that decoding maps.
    const auto arpa_path = options.model_dir / "lm.arpa";
    lm::ExternalEstimateOptions external;
    external.memory = std::max<std::size_t>(std::size_t{1} << 20,  // the estimator's minimum
                                            parse_byte_size(options_.sort_memory, "sort_memory"));
    external.temp_dir = options.model_dir;
    lm::estimate_arpa_external(lm_text, lopt, external, arpa_path);
    std::vector<std::string>().swap(lm_text);
    release_free_memory();
    arpa_bytes = std::filesystem::file_size(arpa_path);
    lm::Model::write_binary(*lm::Model::load_arpa(arpa_path), options.model_dir / "lm.bin");
    release_free_memory();
    lm_ = lm::Model::load(options.model_dir / "lm.bin");
    lm_dir_ = options.model_dir;
  } else {
    arpa_ = lm::estimate_arpa_text(lm_text, lopt);
    std::vector<std::string>().swap(lm_text);
    arpa_bytes = arpa_.size();
    lm_ = lm::Model::parse_arpa(arpa_, "lm.arpa");
  }
  progress.end(fmt::format("{} bytes of ARPA", arpa_bytes));

  // 5. Phrase table with reordering scores.
  PhraseTableOptions popt;
  popt.max_phrase_length = options_.max_phrase_length;
  popt.max_targets_per_source = options_.max_targets_per_source;
  popt.sort_memory = parse_byte_size(options_.sort_memory, "sort_memory");
  if (!options.model_dir.empty()) {
    // Built in place: save() into the same directory then has nothing to copy.
    table_ = PhraseTable::build(src, tgt, alignments, sv, tv, popt, options.model_dir / "phrase-table.bin", &progress);
  } else {
    // No model directory (an in-process translator): build in a private temporary directory
    // and delete the file at once; the mapping keeps it readable, save() writes it out.
    const auto tmp = std::filesystem::temp_directory_path() /
                     fmt::format("mtbench-phrase-table-{}-{}", getpid(), std::random_device{}());
    std::filesystem::create_directories(tmp);
    try {
      table_ = PhraseTable::build(src, tgt, alignments, sv, tv, popt, tmp / "phrase-table.bin", &progress);
    } catch (...) {
      std::error_code ignored;
      std::filesystem::remove_all(tmp, ignored);
      throw;
    }
    std::error_code ignored;
    std::filesystem::remove_all(tmp, ignored);
  }
  weights_ = default_weights();
  if (!options_.lexicalized_reordering)
    for (int k = kLrPrevMono; k <= kLrNextDisc; ++k) weights_[k] = 0;
  make_decoder();

  // 6. MERT on the dev set.
  if (options_.tune && !data.dev_source.empty() && data.dev_source.size() == data.dev_target.size()) {
    std::size_t n = data.dev_source.size();
    if (options_.tune_sentences > 0) n = std::min<std::size_t>(n, options_.tune_sentences);
    std::vector<std::string> dev_src(data.dev_source.begin(), data.dev_source.begin() + n);
    std::vector<std::string> dev_tgt(data.dev_target.begin(), data.dev_target.begin() + n);
    const auto inputs = prepare_all(dev_src, threads, [&](const std::string& s) { return prepare(s, true); });
    const auto refs = prepare_all(dev_tgt, threads, [&](const std::string& s) { return prepare(s, false); });
    Decoder tuner = *decoder_;
    tuner.options().nbest = options_.mert_nbest;
    tuner.options().threads = threads;
    MertOptions mopt;
    mopt.iterations = options_.mert_iterations;
    mopt.nbest = options_.mert_nbest;
    mopt.optimize.random_restarts = options_.mert_restarts;
    mopt.optimize.seed = options.seed;
    mopt.optimize.threads = threads;
    auto decode = [&](const std::vector<double>& w) {
      const auto results = tuner.decode_all(inputs, w);
      std::vector<std::vector<NBestEntry>> lists(results.size());
      for (std::size_t i = 0; i < results.size(); ++i)
        for (const auto& d : results[i].nbest) lists[i].push_back({d.target, d.features});
      return lists;
    };
    const MertResult mert = run_mert(decode, refs, weights_, mopt, &progress);
    weights_ = mert.weights;
  }
}

std::vector<Translation> PhraseBasedTranslator::translate(const std::vector<std::string>& sources,
                                                          const TranslateOptions& options) {
  if (!decoder_) fail<Error>("phrase-based: no model (train or load one first)");
  DecoderOptions& d = decoder_->options();
  d.threads = std::max(1, options.threads);
  d.nbest = std::max(0, options.nbest);
  d.stack_size = options.beam_size > 0 ? options.beam_size : options_.stack_size;
  const auto inputs = prepare_all(sources, d.threads, [&](const std::string& s) { return prepare(s, true); });
  if (options.progress) options.progress->begin("decode", sources.size(), "sent");
  // The phrase table and the LM are memory-mapped: every page a lookup touches stays mapped
  // and counts in the resident set, which would grow towards the models' size (GBs at a
  // million training pairs) although those pages are page cache, not private memory.
  // Decoding in chunks, the mapped pages are let go whenever they exceed a budget; pages
  // needed again come back from the page cache (a minor fault, no disk read). The phrase
  // table's go first: each sentence reads a few entries of it, while the LM's probes spread
  // over all of its pages, so dropping those made every chunk fault the whole LM back in
  // (a tenth of the decoding time in the kernel at a million training pairs).
  // Chunks of 25 keep the overshoot past the budget small (peak 1.7 GB at 1M pairs).
  constexpr std::size_t kChunk = 25;
  constexpr std::uint64_t kMappedBudget = std::uint64_t{1280} << 20;
  std::vector<DecodeResult> results;
  results.reserve(inputs.size());
  for (std::size_t begin = 0; begin < inputs.size(); begin += kChunk) {
    const std::size_t end = std::min(inputs.size(), begin + kChunk);
    const std::vector<std::vector<std::string>> chunk(inputs.begin() + begin, inputs.begin() + end);
    for (auto& r : decoder_->decode_all(chunk, weights_, options.progress)) results.push_back(std::move(r));
    if (resident_file_bytes() > kMappedBudget) {
      table_.release_pages();
      if (lm_ && resident_file_bytes() > kMappedBudget) lm_->release_pages();
    }
  }
  if (options.progress) options.progress->end();
  std::vector<Translation> out(sources.size());
  const auto& names = feature_names();
  for (std::size_t i = 0; i < results.size(); ++i) {
    const auto& r = results[i];
    out[i].text = finish(r.best.target);
    for (const auto& alt : r.nbest) out[i].nbest.emplace_back(finish(alt.target), alt.score);
    if (!options.explain) continue;
    Explanation& e = out[i].explanation;
    e.source_tokens = inputs[i];
    e.target_tokens = r.best.target;
    e.unknown_words = r.unknown_words;
    int target_pos = 0;
    for (const auto& step : r.best.steps) {
      PhraseUse use;
      use.source_begin = step.source_begin;
      use.source_end = step.source_end;
      for (int k = step.source_begin; k < step.source_end; ++k)
        use.source += (k > step.source_begin ? " " : "") + inputs[i][k];
      use.target = join(step.target);
      if (step.unknown) {
        use.scores.emplace_back("unknown", 1.0);
      } else {
        static const char* kScoreNames[4] = {"p(f|e)", "lex(f|e)", "p(e|f)", "lex(e|f)"};
        for (int k = 0; k < 4; ++k) use.scores.emplace_back(kScoreNames[k], std::exp(step.scores[k]));
      }
      for (auto [s, t] : step.alignment) e.alignment.emplace_back(step.source_begin + s, target_pos + t);
      target_pos += static_cast<int>(step.target.size());
      e.phrases.push_back(std::move(use));
    }
    e.scores.emplace_back("total", r.best.score);
    for (int k = 0; k < kNumFeatures; ++k) e.scores.emplace_back(names[k], r.best.features[k]);
  }
  return out;
}

void PhraseBasedTranslator::save(const std::filesystem::path& dir) const {
  if (!decoder_) fail<Error>("phrase-based: nothing to save (train or load a model first)");
  table_.save(dir / "phrase-table.bin");
  if (!arpa_.empty()) {
    write_file_atomic(dir / "lm.arpa", arpa_);
    lm::Model::write_binary(*lm_, dir / "lm.bin");
  } else {
    copy_file_atomic(lm_dir_ / "lm.arpa", dir / "lm.arpa");
    if (is_file(lm_dir_ / "lm.bin"))
      copy_file_atomic(lm_dir_ / "lm.bin", dir / "lm.bin");
    else
      lm::Model::write_binary(*lm_, dir / "lm.bin");  // a model from before the binary format
  }
  std::string weights;
  for (int k = 0; k < kNumFeatures; ++k) weights += fmt::format("{} {:.9g}\n", feature_names()[k], weights_[k]);
  write_file_atomic(dir / "weights.txt", weights);
  source_truecaser_.save(dir / "truecase-model.src");
  target_truecaser_.save(dir / "truecase-model.tgt");
  write_file_atomic(dir / "phrase-based.yaml",
                    fmt::format("source_lang: {}\ntarget_lang: {}\n", source_lang_, target_lang_) +
                        phrase_based_options_yaml(options_));
}

void PhraseBasedTranslator::load(const std::filesystem::path& dir) {
  // The saved YAML holds the languages plus the typed options.
  std::string yaml;
  for (const auto& line : read_lines(dir / "phrase-based.yaml")) {
    if (line.rfind("source_lang: ", 0) == 0)
      source_lang_ = line.substr(13);
    else if (line.rfind("target_lang: ", 0) == 0)
      target_lang_ = line.substr(13);
    else
      yaml += line + "\n";
  }
  options_ = parse_phrase_based_options(yaml, "", (dir / "phrase-based.yaml").string());
  // The truecasing models (200,000 words a side at a million training pairs) load on two more
  // threads while the phrase table's vocabulary is read; errors surface from get().
  Truecaser source_truecaser, target_truecaser;
  auto source_casing = std::async(std::launch::async, [&] { source_truecaser.load(dir / "truecase-model.src"); });
  auto target_casing = std::async(std::launch::async, [&] { target_truecaser.load(dir / "truecase-model.tgt"); });
  try {
    table_ = PhraseTable::load(dir / "phrase-table.bin");
  } catch (...) {
    source_casing.wait();
    target_casing.wait();
    throw;
  }
  source_casing.get();
  target_casing.get();
  // The binary model is mapped (milliseconds at any size); models from before it have only ARPA.
  arpa_.clear();
  lm_dir_ = dir;
  lm_ = is_file(dir / "lm.bin") ? lm::Model::load(dir / "lm.bin") : lm::Model::load_arpa(dir / "lm.arpa");
  // Every feature exactly once, each a finite number: a file emptied or cut short by a crash
  // must not fall back silently to the untuned defaults.
  const auto path = dir / "weights.txt";
  const auto& names = feature_names();
  weights_ = default_weights();
  std::vector<bool> seen(names.size(), false);
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
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!seen[i])
      fail<DataError>("{}: no weight for feature '{}' (the file is incomplete; retrain the model)", path.string(),
                      names[i]);
  }
  source_truecaser_ = std::move(source_truecaser);
  target_truecaser_ = std::move(target_truecaser);
  make_decoder();
}

}  // namespace mtbench::phrase_based
