#include "base/option_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/error.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

using testing::error_of;
using ::testing::HasSubstr;

struct Inner {
  int steps = 10;             // a nested struct's option
  std::string mode = "fast";  // one of fast, slow
};

struct Opts {
  int dim = 8;        // >= 1
  double rate = 0.5;  // in [0, 1)
  bool tied = true;   // a flag
  std::string file;   // optional, omitted from YAML while empty
  Inner inner;        // included table
};

const OptionTable<Inner>& inner_table() {
  static const OptionTable<Inner> t = [] {
    OptionTable<Inner> t("inner");
    t.add<int>(
        "steps", [](Inner& i) -> int& { return i.steps; }, "steps to run", at_least(0));
    t.add<std::string>(
        "mode", [](Inner& i) -> std::string& { return i.mode; }, "speed", one_of({"fast", "slow"}));
    return t;
  }();
  return t;
}

const OptionTable<Opts>& table() {
  static const OptionTable<Opts> t = [] {
    OptionTable<Opts> t("toy");
    t.add<int>(
        "dim", [](Opts& o) -> int& { return o.dim; }, "width", at_least(1));
    t.add<double>(
        "rate", [](Opts& o) -> double& { return o.rate; }, "rate", in_range(0.0, 1.0, false));
    t.add<bool>(
        "tied", [](Opts& o) -> bool& { return o.tied; }, "tie it");
    t.add<std::string>(
         "file", [](Opts& o) -> std::string& { return o.file; }, "a file")
        .omit_when_empty();
    t.include(inner_table(), [](Opts& o) -> Inner& { return o.inner; });
    return t;
  }();
  return t;
}

const std::vector<Preset> kPresets = {
    {"base-settings", "", "rate: 0.25\n", ""},  // internal: only a base of others
    {"small", "base-settings", "dim: 2\nsteps: 3\n", "a small one"},
    {"big", "small", "dim: 64\n", "a big one"},
};

TEST(OptionTable, ParsesOverDefaultsPresetsAndIncludedTables) {
  const Opts d = table().parse("", kPresets, "", "", "o.yaml");
  EXPECT_EQ(d.dim, 8);
  EXPECT_EQ(d.inner.steps, 10);
  const Opts small = table().parse("mode: slow\n", kPresets, "small", "", "o.yaml");
  EXPECT_EQ(small.dim, 2);
  EXPECT_DOUBLE_EQ(small.rate, 0.25);  // from the preset it builds on
  EXPECT_EQ(small.inner.steps, 3);
  EXPECT_EQ(small.inner.mode, "slow");
  // A preset builds on its base; YAML comes last; "" and "default" mean the default preset.
  const Opts big = table().parse("steps: 7\n", kPresets, "default", "big", "o.yaml");
  EXPECT_EQ(big.dim, 64);
  EXPECT_EQ(big.inner.steps, 7);
  EXPECT_DOUBLE_EQ(big.rate, 0.25);
}

TEST(OptionTable, YamlRoundTripsInTableOrderAndOmitsEmptyOptionals) {
  Opts o = table().parse("dim: 5\nrate: 0.125\ntied: false\nsteps: 4\n", kPresets, "", "", "o.yaml");
  const std::string yaml = table().to_yaml(o);
  EXPECT_EQ(yaml, "dim: 5\nrate: 0.125\ntied: false\nsteps: 4\nmode: fast\n");
  EXPECT_EQ(table().to_yaml(table().parse(yaml, kPresets, "", "", "again")), yaml);
  o.file = "x.txt";
  EXPECT_THAT(table().to_yaml(o), HasSubstr("file: x.txt\n"));
}

TEST(OptionTable, ErrorsNameTheOriginKeyAndValue) {
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("dmi: 3\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: unknown toy option 'dmi' (known: dim, rate, tied, file, steps, mode)"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("dim: [1]\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: bad value for 'dim'"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("dim: 0\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: dim must be >= 1, got 0"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("rate: 1\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: rate must be in [0, 1), got 1"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("mode: warp\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: mode must be one of fast, slow, got warp"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("- 1\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: toy options must be a mapping"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("dim: [\n", kPresets, "", "", "my.yaml"); }),
              HasSubstr("my.yaml: invalid YAML"));
  // Unknown presets list only the selectable ones; internal bases cannot be chosen.
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("", kPresets, "huge", "", "my.yaml"); }),
              HasSubstr("my.yaml: unknown toy preset 'huge' (valid: small, big)"));
  EXPECT_THAT(error_of<ConfigError>([] { table().parse("", kPresets, "base-settings", "", "my.yaml"); }),
              HasSubstr("unknown toy preset 'base-settings'"));
}

TEST(OptionTable, HelpListsEveryKeyWithItsValue) {
  const auto help = table().help(table().parse("", kPresets, "small", "", "o"));
  ASSERT_EQ(help.size(), 6u);  // the empty optional is listed too
  EXPECT_EQ(help[0].key, "dim");
  EXPECT_EQ(help[0].value, "2");
  EXPECT_EQ(help[0].help, "width");
  EXPECT_EQ(help[5].key, "mode");
  EXPECT_EQ(help[5].value, "fast");
}

// YAML's .nan and .inf pass every range check (comparisons with NaN are false), so every
// floating-point option refuses them, validated or not.
TEST(OptionTable, NonFiniteNumbersAreRejectedEvenWithoutAValidator) {
  struct Scale {
    double factor = 1.0;  // no validator
  };
  OptionTable<Scale> t("scale");
  t.add<double>(
      "factor", [](Scale& s) -> double& { return s.factor; }, "a factor");
  for (const char* bad : {"factor: .nan\n", "factor: .inf\n", "factor: -.inf\n", "factor: .NaN\n"}) {
    try {
      t.parse(bad, {}, "", "", "s.yaml");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr("s.yaml: bad value for 'factor': must be a finite number"));
    }
  }
  EXPECT_THROW(t.parse("factor: nan\n", {}, "", "", "s.yaml"), ConfigError);  // not YAML's spelling: not a number
  EXPECT_DOUBLE_EQ(t.parse("factor: 2.5\n", {}, "", "", "s.yaml").factor, 2.5);
  EXPECT_THROW(table().parse("rate: .nan\n", kPresets, "", "", "my.yaml"), ConfigError);
}

// A mapping used as an option name is a ConfigError naming the origin, not yaml-cpp's bare
// "bad conversion".
TEST(OptionTable, ComplexKeysAreConfigErrors) {
  try {
    table().parse("? [dim]\n: 3\n", kPresets, "", "", "k.yaml");
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("k.yaml: toy option names must be plain words"));
  }
}

}  // namespace
}  // namespace mtbench
