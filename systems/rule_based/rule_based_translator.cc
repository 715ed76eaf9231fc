#include "systems/rule_based/rule_based_translator.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "base/error.h"
#include "base/progress.h"
#include "base/text_file.h"
#include "corpus/tokenizer.h"
#include "systems/model_dir.h"
#include "systems/rule_based/english.h"
#include "systems/rule_based/morphology.h"
#include "systems/rule_based/senses.h"
#include "systems/rule_based/text_util.h"
#include "systems/rule_based/transfer.h"

namespace mtbench::rule_based {
namespace {

constexpr const char* kLexiconFile = "lexicon.bin";
constexpr const char* kRulesFile = "rules.txt";
constexpr const char* kTargetNounsFile = "target_nouns.tsv";  // German generation (target de)

bool has_feature(const std::string& features, const std::string& f) {
  for (const std::string& x : split(features, ' '))
    if (x == f) return true;
  return false;
}

std::string regular_past(const std::string& base) {
  if (base.empty()) return base;
  const std::size_t space = base.find(' ');
  const std::string w = base.substr(0, space), rest = space == std::string::npos ? "" : base.substr(space);
  if (ends_with(w, "e")) return w + "d" + rest;
  if (w.size() > 1 && w.back() == 'y' && std::string("aeiou").find(w[w.size() - 2]) == std::string::npos)
    return w.substr(0, w.size() - 1) + "ied" + rest;
  return w + "ed" + rest;
}

}  // namespace

const OptionTable<RuleBasedOptions>& rule_based_option_table() {
  static const OptionTable<RuleBasedOptions> table = [] {
    using O = RuleBasedOptions;
    OptionTable<O> t("rule-based");
    t.add<std::string>(
        "lexicon", [](O& o) -> std::string& { return o.lexicon; },
        "freedict, georgetown (a 1954-sized demonstration) or a path to a TSV lexicon");
    t.add<std::string>(
        "dictd_index", [](O& o) -> std::string& { return o.dictd_index; },
        "FreeDict index file; empty = the rule file's [language] dictionary (and its inverted reverse_dictionary) "
        "in /usr/share/dictd");
    t.add<std::string>(
        "dictd_dict", [](O& o) -> std::string& { return o.dictd_dict; },
        "FreeDict body (.dict.dz); empty = beside dictd_index");
    t.add<std::string>(
        "rules", [](O& o) -> std::string& { return o.rules; },
        "rule file; empty = data/SRC-TGT.rules for the language pair (georgetown.rules with lexicon: georgetown)");
    t.add<bool>(
        "target_counts", [](O& o) -> bool& { return o.target_counts; },
        "count English words of the training target for sense selection");
    return t;
  }();
  return table;
}

RuleBasedOptions parse_rule_based_options(const std::string& text, const std::string& origin) {
  return rule_based_option_table().parse(text, {}, "", "", origin.empty() ? "rule-based options" : origin);
}

std::filesystem::path find_rule_data(const std::string& name) {
  std::vector<std::filesystem::path> places;
  if (const char* env = std::getenv("MTBENCH_RULE_DATA_DIR")) places.emplace_back(env);
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    places.push_back(exe.parent_path() / ".." / "systems/rule_based/data");
    places.push_back(exe.parent_path() / "../.." / "systems/rule_based/data");
    places.push_back(exe.parent_path() / "../share/mtbench/rule_based");
  }
#ifdef MTBENCH_RULE_DATA_SOURCE_DIR
  // The checkout this library was built from: a build directory outside it (cmake -B
  // /elsewhere) has no data next to its executables.
  places.emplace_back(MTBENCH_RULE_DATA_SOURCE_DIR);
#endif
  places.emplace_back("systems/rule_based/data");
  std::vector<std::string> tried;
  for (const auto& dir : places) {
    std::error_code ec;  // a name too long for the file system is simply not there
    if (std::filesystem::exists(dir / name, ec)) return std::filesystem::weakly_canonical(dir / name);
    tried.push_back((dir / name).string());
  }
  fail<ConfigError>("rule-based data file '{}' not found (tried {}; set MTBENCH_RULE_DATA_DIR)", name,
                    join(tried, ", "));
}

SystemInfo RuleBasedTranslator::static_info() {
  SystemInfo info;
  info.name = "rule-based";
  info.title = "Rule-based dictionary translation";
  info.era = "1954";
  info.year = 1954;
  info.paradigm = "rule-based";
  info.citation =
      "Dostert (1955), The Georgetown-I.B.M. experiment; Hutchins (2004), The Georgetown-IBM experiment demonstrated "
      "in January 1954";
  info.description =
      "Bilingual dictionary (FreeDict) with source morphology, deterministic sense selection and named "
      "structural transfer rules read from the pair's rule file (de-en, fr-en, cs-en, en-de); no statistics "
      "beyond target word counts.";
  return info;
}

TranslatorEntry rule_based_translator_entry() {
  TranslatorEntry entry = builtin_entry<RuleBasedTranslator>();
  add_option_listing<RuleBasedOptions>(entry, rule_based_option_table(), {},
                                       [](const std::string&) { return RuleBasedOptions{}; });
  entry.check_config = [](const TrainOptions& options) { check_rule_based_config(options); };
  entry.supports_pair = rule_based_supports_pair;
  return entry;
}

void RuleBasedTranslator::set_model(Lexicon lexicon, RuleSet rules, std::string rules_text) {
  lexicon_ = std::move(lexicon);
  rules_ = std::move(rules);
  rules_text_ = std::move(rules_text);
  tokenizer_ = std::make_shared<const MosesTokenizer>(TokenizerOptions{language_setting(rules_, "source", "de")});
  detokenizer_ = std::make_shared<const MosesDetokenizer>(language_setting(rules_, "target", "en"));
  ready_ = true;
}

namespace {

// Where Debian's dict-freedict-* packages put their dictionaries.
constexpr const char* kDictdDir = "/usr/share/dictd";

// The rule file of a pair (data/SRC-TGT.rules), or empty when there is none.
std::filesystem::path pair_rules(const std::string& source_lang, const std::string& target_lang) {
  try {
    return find_rule_data(source_lang + "-" + target_lang + ".rules");
  } catch (const ConfigError&) {
    return {};
  }
}

// The FreeDict files of dictionary `name` ("fra-eng"), or empty when not installed.
std::pair<std::filesystem::path, std::filesystem::path> freedict_files(const std::string& name) {
  if (name.empty()) return {};
  const std::filesystem::path index = std::filesystem::path(kDictdDir) / ("freedict-" + name + ".index");
  for (const char* suffix : {".dict.dz", ".dict"}) {
    const std::filesystem::path body = std::filesystem::path(kDictdDir) / ("freedict-" + name + suffix);
    std::error_code ec;
    if (std::filesystem::is_regular_file(index, ec) && std::filesystem::is_regular_file(body, ec)) return {index, body};
  }
  return {};
}

// The pairs with a rule file (data/*-en.rules and the like), for messages.
std::vector<std::string> pairs_with_rules() {
  std::vector<std::string> out;
  for (const char* pair : {"de-en", "fr-en", "cs-en", "en-de", "en-fr", "en-cs"})
    if (!pair_rules(std::string(pair).substr(0, 2), std::string(pair).substr(3)).empty()) out.push_back(pair);
  return out;
}

}  // namespace

PairSupport rule_based_supports_pair(const std::string& source_lang, const std::string& target_lang) {
  PairSupport support;
  // Language codes name files (data/SRC-TGT.rules): letters only, or nothing is looked up
  // (found by tests/fuzz/compare_config_fuzz.cc: a 300-byte "code" made exists() throw).
  for (const std::string& code : {source_lang, target_lang}) {
    if (code.empty() || code.size() > 8 ||
        !std::all_of(code.begin(), code.end(), [](unsigned char c) { return std::isalpha(c) != 0; })) {
      support.supported = false;
      support.supports = "pairs of ISO language codes with a rule file";
      support.reason = fmt::format("'{}' is not a language code", code.substr(0, 40));
      return support;
    }
  }
  std::vector<std::string> usable;
  for (const std::string& pair : pairs_with_rules()) {
    const RuleSet rules = load_rules(pair_rules(pair.substr(0, 2), pair.substr(3)));
    if (!freedict_files(language_setting(rules, "dictionary", "")).first.empty() ||
        !freedict_files(language_setting(rules, "reverse_dictionary", "")).first.empty())
      usable.push_back(pair);
  }
  support.supports = usable.empty() ? "no pair (no FreeDict dictionary installed)" : join(usable, ", ");
  const std::filesystem::path rules_path = pair_rules(source_lang, target_lang);
  if (rules_path.empty()) {
    support.supported = false;
    support.reason = fmt::format("no rule file data/{}-{}.rules (morphology, closed-class words, transfer rules)",
                                 source_lang, target_lang);
    return support;
  }
  const RuleSet rules = load_rules(rules_path);
  const std::string forward = language_setting(rules, "dictionary", ""),
                    reverse = language_setting(rules, "reverse_dictionary", "");
  if (freedict_files(forward).first.empty() && freedict_files(reverse).first.empty()) {
    support.supported = false;
    support.reason = fmt::format("no FreeDict dictionary installed for it (apt install dict-freedict-{}{})", forward,
                                 reverse.empty() ? "" : " or dict-freedict-" + reverse);
    return support;
  }
  support.supported = true;
  return support;
}

PairSupport RuleBasedTranslator::supports_pair(const std::string& source_lang, const std::string& target_lang) const {
  return rule_based_supports_pair(source_lang, target_lang);
}

RuleBasedOptions check_rule_based_config(const TrainOptions& options) {
  RuleBasedOptions opts = parse_rule_based_options(options.config_yaml, options.config_origin);
  // A pair check only where the pair decides the data: explicit dictionary and rules (or the
  // Georgetown demonstration) are the user's to choose.
  const bool own_data = !opts.rules.empty() && (opts.lexicon != "freedict" || !opts.dictd_index.empty());
  if ((!options.source_lang.empty() || !options.target_lang.empty()) && !own_data && opts.lexicon != "georgetown") {
    const PairSupport support = rule_based_supports_pair(options.source_lang, options.target_lang);
    if (!support.supported)
      fail<ConfigError>("rule-based does not support {}-{}: {}; it supports {}", options.source_lang,
                        options.target_lang, support.reason, support.supports);
  }
  const std::string origin = options.config_origin.empty() ? "rule-based options" : options.config_origin;
  std::vector<std::pair<const char*, std::string>> files = {{"rules", opts.rules}};
  if (opts.lexicon == "freedict") {
    files.emplace_back("dictd_index", opts.dictd_index);
    files.emplace_back("dictd_dict", opts.dictd_dict);
    if (!opts.dictd_index.empty() && opts.dictd_dict.empty())
      fail<ConfigError>("{}: dictd_index is given but dictd_dict is not", origin);
  }
  for (const auto& [key, file] : files) {
    if (!file.empty() && !is_file(file)) fail<ConfigError>("{}: {}: file not found: {}", origin, key, file);
  }
  return opts;
}

void RuleBasedTranslator::train(const TrainData& data, const TrainOptions& options) {
  const RuleBasedOptions opts = check_rule_based_config(options);
  Progress* progress = options.progress;
  const bool georgetown = opts.lexicon == "georgetown";
  const std::string source_lang = options.source_lang.empty() ? "de" : options.source_lang;
  const std::string target_lang = options.target_lang.empty() ? "en" : options.target_lang;
  const std::filesystem::path rules_path =
      !opts.rules.empty()
          ? std::filesystem::path(opts.rules)
          : find_rule_data(georgetown ? "georgetown.rules" : source_lang + "-" + target_lang + ".rules");
  std::string rules_text = read_file(rules_path);
  RuleSet rules = parse_rules(rules_text, rules_path.string());

  Lexicon lexicon;
  if (opts.lexicon == "freedict" && !opts.dictd_index.empty()) {
    if (progress) progress->log(fmt::format("reading FreeDict {}", opts.dictd_index));
    lexicon = Lexicon::from_dictd(opts.dictd_index, opts.dictd_dict, {}, progress);
  } else if (opts.lexicon == "freedict") {
    // The rule file names the dictionary of its direction and, to complement a small one, the
    // reverse direction's, whose entries are inverted (eng-ces "house -> dům" gives
    // "dům -> house"). The direct dictionary's senses come first.
    const std::string forward = language_setting(rules, "dictionary", "deu-eng");
    const std::string reverse = language_setting(rules, "reverse_dictionary", "");
    const auto forward_files = freedict_files(forward);
    const auto reverse_files = freedict_files(reverse);
    if (forward_files.first.empty() && reverse_files.first.empty())
      fail<ConfigError>("rule-based: no FreeDict dictionary for {}-{} in {} (apt install dict-freedict-{})",
                        source_lang, target_lang, kDictdDir, forward);
    Lexicon direct, inverted;
    if (!forward_files.first.empty()) {
      if (progress) progress->log(fmt::format("reading FreeDict {}", forward_files.first.string()));
      direct = Lexicon::from_dictd(forward_files.first, forward_files.second, {}, progress);
    }
    if (!reverse_files.first.empty()) {
      if (progress) progress->log(fmt::format("reading FreeDict {} (inverted)", reverse_files.first.string()));
      inverted = Lexicon::inverted(Lexicon::from_dictd(reverse_files.first, reverse_files.second, {}, progress));
    }
    lexicon = Lexicon::merged(direct, inverted);
    lexicon_note_ =
        fmt::format("FreeDict {} ({} entries){}", forward_files.first.empty() ? "-" : forward, direct.size(),
                    reverse_files.first.empty() ? std::string()
                                                : fmt::format(" + inverted {} ({} entries)", reverse, inverted.size()));
    if (progress) progress->log("lexicon: " + lexicon_note_);
  } else {
    lexicon = Lexicon::from_tsv(georgetown ? find_rule_data("georgetown.tsv") : std::filesystem::path(opts.lexicon));
  }
  if (opts.target_counts && !georgetown) {
    if (progress) progress->begin("count target words", data.train_target.size(), "sent");
    MosesTokenizer tokenizer(TokenizerOptions{"en"});
    std::unordered_map<std::string, std::uint32_t> counts;
    for (const std::string& line : data.train_target) {
      for (const std::string& w : tokenizer.tokenize(line)) ++counts[lower(w)];
      if (progress) progress->advance();
    }
    if (progress) progress->end(fmt::format("{} word types", counts.size()));
    lexicon.set_target_counts(std::move(counts));
  }
  german::NounTable target_nouns;
  if (language_setting(rules, "target", "en") == "de") {
    // German generation needs each noun's gender and plural: the deu-eng dictionary has both
    // (the gender on the headword, plural forms as entries pointing to their singular).
    const auto files = freedict_files("deu-eng");
    if (files.first.empty())
      fail<ConfigError>(
          "rule-based: German generation needs FreeDict deu-eng in {} (apt install dict-freedict-deu-eng)", kDictdDir);
    const Lexicon de = Lexicon::from_dictd(files.first, files.second, {}, progress);
    for (const LexEntry& e : de.entries()) {
      if (e.pos != "n" || e.prefix_form) continue;
      if (e.plural && !e.lemma.empty()) {
        target_nouns[e.lemma].plural = e.headword;
      } else if (!e.plural && e.lemma.empty() && !e.gender.empty()) {
        auto& info = target_nouns[e.headword];
        if (info.gender.empty()) info.gender = e.gender;
      }
    }
    if (progress) progress->log(fmt::format("German nouns with gender or plural: {}", target_nouns.size()));
  }
  if (progress)
    progress->log(fmt::format("lexicon: {} entries; rules: {} structural", lexicon.size(), rules.rules.size()));
  set_model(std::move(lexicon), std::move(rules), std::move(rules_text));
  target_nouns_ = std::move(target_nouns);
}

void RuleBasedTranslator::save(const std::filesystem::path& dir) const {
  if (!ready_) fail("rule-based: nothing to save (train or load first)");
  lexicon_.save(dir / kLexiconFile);
  write_file_atomic(dir / kRulesFile, rules_text_);
  write_model_summary(dir, fmt::format("lexicon {} entries{}; {} structural rules", lexicon_.size(),
                                       lexicon_note_.empty() ? "" : " (" + lexicon_note_ + ")", rules_.rules.size()));
  if (!target_nouns_.empty()) {
    std::vector<std::pair<std::string, german::NounInfo>> sorted(target_nouns_.begin(), target_nouns_.end());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string text;
    for (const auto& [noun, info] : sorted) text += noun + "\t" + info.gender + "\t" + info.plural + "\n";
    write_file_atomic(dir / kTargetNounsFile, text);
  }
}

void RuleBasedTranslator::load(const std::filesystem::path& dir) {
  Lexicon lexicon = Lexicon::load(dir / kLexiconFile);
  std::string text = read_file(dir / kRulesFile);
  RuleSet rules = parse_rules(text, (dir / kRulesFile).string());
  german::NounTable nouns;
  if (path_exists(dir / kTargetNounsFile)) {
    for_each_line(dir / kTargetNounsFile, [&](std::string_view line, std::size_t number) {
      const std::vector<std::string> f = split(line, '\t');
      if (f.size() != 3 || f[0].empty())
        fail<DataError>("{}:{}: expected 'noun<TAB>gender<TAB>plural'", (dir / kTargetNounsFile).string(), number);
      nouns[f[0]] = {f[1], f[2]};
    });
  }
  set_model(std::move(lexicon), std::move(rules), std::move(text));
  target_nouns_ = std::move(nouns);
}

std::vector<Translation> RuleBasedTranslator::translate(const std::vector<std::string>& sources,
                                                        const TranslateOptions& options) {
  if (!ready_) fail("rule-based: no model (train or load first)");
  std::vector<Translation> out(sources.size());
  if (options.progress) options.progress->begin("translate", sources.size(), "sent");
  const int threads = std::max(1, std::min<int>(options.threads, static_cast<int>(sources.size() / 16 + 1)));
  std::vector<std::thread> workers;
  std::vector<std::exception_ptr> errors(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      try {
        for (std::size_t i = t; i < sources.size(); i += threads) {
          out[i] = translate_one(sources[i], options.explain);
          if (options.progress) options.progress->advance();
        }
      } catch (...) {
        errors[t] = std::current_exception();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  if (options.progress) options.progress->end();
  return out;
}

Translation RuleBasedTranslator::translate_one(const std::string& source, bool explain) const {
  const bool to_english = language_setting(rules_, "target", "en") == "en";
  const MosesTokenizer& tokenizer = *tokenizer_;
  const MosesDetokenizer& detokenizer = *detokenizer_;
  Translation result;
  Explanation& ex = result.explanation;
  std::vector<RuleFiring> fired;

  // 1. Tokens, with prepositional contractions expanded (im -> in dem).
  std::vector<std::string> raw = tokenizer.tokenize(source);
  std::vector<std::pair<std::string, int>> words;  // token, source index
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto it = rules_.contractions.find(lower(raw[i]));
    if (it == rules_.contractions.end()) {
      words.emplace_back(raw[i], static_cast<int>(i));
      continue;
    }
    for (std::size_t k = 0; k < it->second.size(); ++k) {
      const std::string& w = it->second[k];
      words.emplace_back(k == 0 && starts_upper(raw[i]) ? capitalize(w) : w, static_cast<int>(i));
    }
    fired.push_back({"contraction", fmt::format("'{}' -> '{}'", raw[i], join(it->second, " "))});
  }

  // 2. Analysis and sense selection.
  const SourceAnalyzer analyzer(lexicon_, rules_);
  std::vector<TransferToken> tokens;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i].first;
    const bool initial =
        i == 0 || (tokens.back().tag == "PUNCT" && (tokens.back().source == "." || tokens.back().source == ":" ||
                                                    tokens.back().source == "\"" || tokens.back().source == "„"));
    const bool before_noun = analyzer.nouns_capitalized() && i + 1 < words.size() && starts_upper(words[i + 1].first) &&
                             !is_punctuation(words[i + 1].first);
    const Analysis a = analyzer.analyze(w, initial, before_noun);
    TransferToken t;
    t.id = static_cast<int>(i);
    t.source_index = words[i].second;
    t.source = w;
    t.lemma = a.lemma;
    t.tag = a.tag;
    t.features = a.features;
    t.plural = a.plural;
    std::string note = a.how, pos;
    if (a.has_fixed_target) {
      t.target = a.fixed_target;
      t.unknown = a.how == "unknown";
    } else {
      const std::string want = a.tag == "N" ? "n" : (a.tag[0] == 'V' ? "v" : a.tag == "ADJ" ? "adj" : "");
      const SenseChoice c = choose_sense(lexicon_, a.entries, want);
      t.target = c.target;
      pos = c.pos;
      note += "; " + c.note;
      if (to_english && a.tag == "N" && a.plural && c.entry && !c.entry->plural &&
          !(ends_with(t.target, "s") && !ends_with(t.target, "ss")))
        t.target = english::plural(t.target);
      if (to_english && has_feature(a.features, "ing")) t.target = english::ing_form(t.target);
      if (c.entry && c.entry->plural) t.plural = true;
    }
    if (explain) {
      if (t.unknown) ex.unknown_words.push_back(w);
      if (t.tag != "PUNCT")
        ex.lexicon.push_back(
            {w, t.lemma, t.target, pos.empty() ? t.tag : pos, t.unknown ? "unknown: passed through" : note});
    }
    tokens.push_back(std::move(t));
  }

  // 3. Clause-level tagging the rule patterns rely on: a verb after another verb of the same
  // clause, or after "zu", is an infinitive; der/die/das right after a comma and not before
  // a noun phrase is a relative pronoun.
  bool verb_seen = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    TransferToken& t = tokens[i];
    if (t.tag == "PUNCT" || t.tag == "CONJ" || t.tag == "SUB") verb_seen = false;
    const bool after_zu = i > 0 && lower(tokens[i - 1].source) == "zu";
    if (t.tag == "VFIN" && has_feature(t.features, "pl") && (verb_seen || after_zu)) t.tag = "VINF";
    if (t.tag == "VFIN" || t.tag == "VAUX") verb_seen = true;
    if (analyzer.nouns_capitalized() && t.tag == "ART" && i > 0 && tokens[i - 1].source == "," &&
        i + 1 < tokens.size()) {  // German der/die/das
      const std::string& next = tokens[i + 1].tag;
      if (next != "N" && next != "ADJ" && next != "NUM") {
        const std::string l = lower(t.source);
        const auto rel = rules_.words.find(l == "das" ? "welches" : l == "die" ? "welche" : "welcher");
        t.tag = "REL";
        t.target = rel != rules_.words.end() ? rel->second.target : "who";
        fired.push_back({"relative-pronoun", fmt::format("'{}' after a comma -> '{}'", t.source, t.target)});
      }
    }
  }

  // 4. Structural transfer.
  TransferHooks hooks;
  hooks.reattach = [&](TransferToken& verb, const TransferToken& particle) {
    const std::string lemma = lower(particle.source) + lower(verb.lemma);
    std::vector<const LexEntry*> entries;
    auto [b, e] = lexicon_.lookup(lemma);
    for (const LexEntry* p = b; p != e; ++p)
      if (p->pos == "v" && p->lemma.empty()) entries.push_back(p);
    if (entries.empty()) return false;
    verb.lemma = lemma;
    verb.target = choose_sense(lexicon_, entries, "v").target;
    if (has_feature(verb.features, "inflected")) verb.features = "3sg pres";
    return true;
  };
  hooks.progressive = [&](TransferToken& verb) {
    if (!to_english || !has_feature(verb.features, "pres") || verb.target.empty()) return;
    const char* be = has_feature(verb.features, "1sg")                    ? "am "
                     : (verb.plural || has_feature(verb.features, "2sg")) ? "are "
                                                                          : "is ";
    verb.target = be + english::ing_form(verb.target);
    verb.features += " prog";
  };
  apply_structural_rules(rules_, tokens, hooks, &fired);

  // 4b. Languages without articles (Czech): English wants one before a bare singular noun
  // phrase at the start of a clause or after a preposition or verb ("muž v klobouku" ->
  // "a man in a hat"). The indefinite article: the 1954 systems had no discourse model either.
  if (language_setting(rules_, "insert_articles", "no") == "yes") {
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].tag != "N" || tokens[i].plural || tokens[i].target.empty()) continue;
      std::size_t start = i;  // the first token of the noun phrase (adjectives, numbers before it)
      while (start > 0 && (tokens[start - 1].tag == "ADJ" || tokens[start - 1].tag == "ADV")) --start;
      const std::string before = start > 0 ? tokens[start - 1].tag : "^";
      if (before == "ART" || before == "NUM" || before == "N" || before == "PRON" || before == "UNK") continue;
      if (start > 0 && tokens[start - 1].tag == "ADJ") continue;
      tokens[start].target = "a " + tokens[start].target;
      fired.push_back({"insert-article", fmt::format("'a' before '{}'", tokens[start].source)});
    }
  }

  // 5. Generation: verb agreement, a/an, then words.
  std::vector<std::string> out_words;
  if (!to_english) german::generate(tokens, target_nouns_);
  for (TransferToken& t : tokens) {
    if (!to_english) break;
    if ((t.tag == "VFIN") && !has_feature(t.features, "prog") && has_feature(t.features, "3sg"))
      t.target = english::third_singular(t.target);
    // Participles from suffix rules: "ge" (German ge-...-t) or "past" (other languages).
    if (t.tag == "VPART" && (has_feature(t.features, "ge") || has_feature(t.features, "past")))
      t.target = regular_past(t.target);
  }
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (const std::string& w : split(tokens[i].target, ' ')) {
      if (w.empty()) continue;
      if (explain) ex.alignment.emplace_back(tokens[i].source_index, static_cast<int>(out_words.size()));
      out_words.push_back(w);
    }
  }
  for (std::size_t i = 0; to_english && i + 1 < out_words.size(); ++i) {
    const std::string l = lower(out_words[i]);
    if (l != "a" && l != "an") continue;
    const bool an = english::wants_an(out_words[i + 1]);
    if (an == (l == "an")) continue;
    const std::string fixed = an ? "an" : "a";
    fired.push_back({"a-an", fmt::format("'{}' before '{}' -> '{}'", out_words[i], out_words[i + 1], fixed)});
    out_words[i] = starts_upper(out_words[i]) ? capitalize(fixed) : fixed;
  }
  if (!out_words.empty()) out_words[0] = capitalize(out_words[0]);
  result.text = detokenizer.detokenize(out_words);
  if (explain) {
    ex.source_tokens = raw;
    ex.target_tokens = out_words;
    ex.rules = std::move(fired);
  }
  return result;
}

}  // namespace mtbench::rule_based
