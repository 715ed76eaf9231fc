#pragma once
// Declarative option tables, after Joey NMT's single config parser and CTranslate2's option
// structs: every option of a plain struct is declared once (key, member, one-line help,
// validator) and the table drives YAML parsing (unknown keys rejected, wrong types named),
// emitting (every key, table order), validation messages, the `--options` listings and
// presets, which are named YAML overlays read through the same table.
//
//   OptionTable<Opts> t("my-system");
//   t.add<int>("dim", [](Opts& o) -> int& { return o.dim; }, "model width", at_least(1));
//   t.include(common_table(), [](Opts& o) -> Common& { return o.common; });
//   Opts o = t.parse("dim: 64\n", presets, "quick", "my.yaml");

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "base/error.h"

namespace mtbench {

// One option as `mtbench systems SYSTEM --options` lists it.
struct OptionHelp {
  std::string key;    // YAML key
  std::string value;  // value under the listed preset, as YAML text
  std::string help;   // one line
};

// A named overlay of option values: `yaml` is read over `base` (another preset's name, or
// empty for the struct's defaults) through the table.
struct Preset {
  std::string name;  // e.g. "quick"
  std::string base;  // preset this one starts from ("" = the struct's defaults)
  std::string yaml;  // option values, a YAML mapping
  std::string help;  // one line: what it is for; empty = only a base of other presets, not selectable
};

// Validators: return "" when the value is fine, else what is wrong ("must be >= 1").
template <typename T>
std::function<std::string(const T&)> at_least(T minimum) {
  return [minimum](const T& v) { return v >= minimum ? std::string() : fmt::format("must be >= {}", minimum); };
}
template <typename T>
std::function<std::string(const T&)> in_range(T low, T high, bool high_inclusive) {
  return [=](const T& v) {
    const bool ok = v >= low && (high_inclusive ? v <= high : v < high);
    return ok ? std::string() : fmt::format("must be in [{}, {}{}", low, high, high_inclusive ? "]" : ")");
  };
}
inline std::function<std::string(const std::string&)> one_of(std::vector<std::string> values) {
  return [values](const std::string& v) {
    for (const auto& allowed : values)
      if (v == allowed) return std::string();
    std::string list;
    for (std::size_t i = 0; i < values.size(); ++i) list += (i ? ", " : "") + values[i];
    return "must be one of " + list;
  };
}

// A value as people read it in listings and messages: shortest round-trip numbers ("0.1", not
// the YAML emitter's 17 digits), true/false, strings as they are.
inline std::string show_option_value(bool v) {
  return v ? "true" : "false";
}
inline std::string show_option_value(const std::string& v) {
  return v;
}
template <typename T>
std::string show_option_value(const T& v) {
  return fmt::format("{}", v);
}

template <typename S>
class OptionTable {
 public:
  // `what` names these options in messages, e.g. "rnn-attention" ("unknown rnn-attention option").
  explicit OptionTable(std::string what) : what_(std::move(what)) {}

  // Declares the option `key` stored where `get` points; `check` validates it.
  template <typename T>
  OptionTable& add(std::string key, std::function<T&(S&)> get, std::string help,
                   std::function<std::string(const T&)> check = {}) {
    Entry e;
    e.key = std::move(key);
    e.help = std::move(help);
    e.read = [get](S& s, const YAML::Node& node) {
      T value = node.as<T>();
      // YAML reads .nan and .inf, which pass every range check (comparisons with NaN are false).
      if constexpr (std::is_floating_point_v<T>) {
        if (!std::isfinite(value)) throw std::domain_error("must be a finite number, got " + node.Scalar());
      }
      get(s) = std::move(value);
    };
    e.emit = [get](const S& s, YAML::Emitter& out) { out << get(const_cast<S&>(s)); };
    e.show = [get](const S& s) { return show_option_value(get(const_cast<S&>(s))); };
    if (check) e.check = [get, check](const S& s) { return check(get(const_cast<S&>(s))); };
    entries_.push_back(std::move(e));
    return *this;
  }

  // The option declared last is left out of to_yaml() while its value is empty (an optional
  // alternative to another key, e.g. a command or a file).
  OptionTable& omit_when_empty() {
    entries_.back().omit_when_empty = true;
    return *this;
  }

  // Declares every option of `other` (a table of a member struct, e.g. the options all
  // neural systems share) on the member `get` points to, in its order.
  template <typename U, typename Get>
  OptionTable& include(const OptionTable<U>& other, Get get_member) {
    std::function<U&(S&)> get = get_member;
    for (const auto& o : other.entries()) {
      Entry e;
      e.key = o.key;
      e.help = o.help;
      e.omit_when_empty = o.omit_when_empty;
      e.read = [get, read = o.read](S& s, const YAML::Node& node) { read(get(s), node); };
      e.emit = [get, emit = o.emit](const S& s, YAML::Emitter& out) { emit(get(const_cast<S&>(s)), out); };
      e.show = [get, show = o.show](const S& s) { return show(get(const_cast<S&>(s))); };
      if (o.check) e.check = [get, check = o.check](const S& s) { return check(get(const_cast<S&>(s))); };
      entries_.push_back(std::move(e));
    }
    return *this;
  }

  // Reads the YAML mapping `yaml` (empty text: nothing) over `options`; ConfigError naming
  // `origin` and the key on an unknown key, a value of the wrong type or invalid YAML.
  // Does not validate (see validate()).
  void read(S& options, const std::string& yaml, const std::string& origin) const {
    if (yaml.find_first_not_of(" \t\r\n") == std::string::npos) return;
    YAML::Node root;
    try {
      root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
      fail<ConfigError>("{}: invalid YAML: {}", origin, e.what());
    }
    if (root.IsNull()) return;
    if (!root.IsMap()) fail<ConfigError>("{}: {} options must be a mapping", origin, what_);
    for (const auto& item : root) {
      if (!item.first.IsScalar()) fail<ConfigError>("{}: {} option names must be plain words", origin, what_);
      const auto key = item.first.as<std::string>();
      const Entry* entry = find(key);
      if (!entry) fail<ConfigError>("{}: unknown {} option '{}' (known: {})", origin, what_, key, keys());
      try {
        entry->read(options, item.second);
      } catch (const YAML::Exception& e) {
        fail<ConfigError>("{}: bad value for '{}': {}", origin, key, e.what());
      } catch (const std::domain_error& e) {
        fail<ConfigError>("{}: bad value for '{}': {}", origin, key, e.what());
      }
    }
  }

  // Checks every option's validator; ConfigError "origin: key must be ..., got value".
  void validate(const S& options, const std::string& origin) const {
    for (const auto& e : entries_) {
      if (!e.check) continue;
      const std::string problem = e.check(options);
      if (!problem.empty()) fail<ConfigError>("{}: {} {}, got {}", origin, e.key, problem, e.show(options));
    }
  }

  // The struct's defaults, then `preset` (and the presets it builds on), then `yaml`, then
  // validate(). An empty preset name or "default" means `default_preset` (may be empty).
  S parse(const std::string& yaml, const std::vector<Preset>& presets, std::string preset,
          const std::string& default_preset, const std::string& origin) const {
    if (preset.empty() || preset == "default") preset = default_preset;
    S options{};
    apply_preset(options, presets, preset, 0, origin);
    read(options, yaml, origin);
    validate(options, origin);
    return options;
  }

  // Every option as a YAML mapping, in table order (reads back through parse() unchanged).
  std::string to_yaml(const S& options) const {
    YAML::Emitter out;
    out << YAML::BeginMap;
    for (const auto& e : entries_) {
      if (e.omit_when_empty && e.show(options).empty()) continue;
      out << YAML::Key << e.key << YAML::Value;
      e.emit(options, out);
    }
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
  }

  // The listing of `mtbench systems SYSTEM --options`: every key with its value in `options`.
  std::vector<OptionHelp> help(const S& options) const {
    std::vector<OptionHelp> out;
    for (const auto& e : entries_) out.push_back({e.key, e.show(options), e.help});
    return out;
  }

  // The keys, comma-separated (for messages).
  std::string keys() const {
    std::string out;
    for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.key;
    return out;
  }

  const std::string& what() const { return what_; }

  // One declared option (public so that include() can wrap another table's entries).
  struct Entry {
    std::string key;                                     // YAML key
    std::string help;                                    // one line
    std::function<void(S&, const YAML::Node&)> read;     // sets the member from YAML
    std::function<void(const S&, YAML::Emitter&)> emit;  // writes the member's value
    std::function<std::string(const S&)> show;           // the value for people (listings, errors)
    std::function<std::string(const S&)> check;          // "" or the problem (may be empty)
    bool omit_when_empty = false;                        // to_yaml() skips it while empty
  };
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const Entry* find(const std::string& key) const {
    for (const auto& e : entries_)
      if (e.key == key) return &e;
    return nullptr;
  }

  void apply_preset(S& options, const std::vector<Preset>& presets, const std::string& name, int depth,
                    const std::string& origin) const {
    if (name.empty()) return;
    const Preset* preset = nullptr;
    for (const auto& p : presets)
      if (p.name == name && (depth > 0 || !p.help.empty())) preset = &p;
    if (!preset) {
      std::string valid;
      for (const auto& p : presets)
        if (!p.help.empty()) valid += (valid.empty() ? "" : ", ") + p.name;
      fail<ConfigError>("{}: unknown {} preset '{}' (valid: {})", origin, what_, name, valid.empty() ? "none" : valid);
    }
    if (depth > 8) fail<ConfigError>("{}: preset '{}' builds on itself", what_, name);
    apply_preset(options, presets, preset->base, depth + 1, origin);
    read(options, preset->yaml, what_ + " preset '" + name + "'");
  }

  std::string what_;            // names the options in messages
  std::vector<Entry> entries_;  // in declaration (and emission) order
};

}  // namespace mtbench
