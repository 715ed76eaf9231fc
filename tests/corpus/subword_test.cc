#include "corpus/subword.h"

#include <gtest/gtest.h>

#include "base/error.h"
#include "base/text_file.h"
#include "tests/test_util.h"

namespace mtbench {
namespace {

// A small deterministic corpus: every combination of a few subjects, verbs and objects.
std::vector<std::string> small_corpus() {
  const std::vector<std::string> subjects = {"the man", "a woman", "two children", "the dog", "a tall player"};
  const std::vector<std::string> verbs = {"is walking", "plays", "watches", "is holding", "jumps over"};
  const std::vector<std::string> objects = {"a red ball",         "the green field",    "some flowers",
                                            "the crowded street", "an orange umbrella", "der große Hund"};
  std::vector<std::string> out;
  for (const auto& s : subjects)
    for (const auto& v : verbs)
      for (const auto& o : objects) out.push_back(s + " " + v + " " + o + " .");
  return out;
}

SubwordOptions options(const std::string& type, int vocab) {
  SubwordOptions o;
  o.model_type = type;
  o.vocab_size = vocab;
  return o;
}

TEST(Subword, UnigramAndBpeRoundTripEverySentence) {
  const auto corpus = small_corpus();
  for (const std::string type : {"unigram", "bpe"}) {
    const SubwordModel model = SubwordModel::train(corpus, options(type, 60));
    EXPECT_EQ(model.vocab_size(), 60) << type;
    for (const auto& sentence : corpus) {
      const auto pieces = model.encode(sentence);
      const auto ids = model.encode_ids(sentence);
      ASSERT_EQ(pieces.size(), ids.size());
      for (std::size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(model.piece_to_id(pieces[i]), ids[i]);
      EXPECT_EQ(model.decode(pieces), sentence) << type;
      EXPECT_EQ(model.decode_ids(ids), sentence) << type;
    }
    // Frequent character sequences merge into pieces; words start with the boundary mark U+2581.
    const auto the_man = model.encode("the man");
    EXPECT_LT(the_man.size(), 7u) << type;
    EXPECT_EQ(the_man.front().rfind("\xE2\x96\x81", 0), 0u) << type;
    for (const int id : model.encode_ids("the man")) EXPECT_NE(id, model.unk_id());
  }
}

TEST(Subword, SpecialIdsAndUserDefinedSymbols) {
  SubwordOptions o = options("unigram", 60);
  o.user_defined_symbols = {"<sep>", "<2de>"};
  const SubwordModel model = SubwordModel::train(small_corpus(), o);
  EXPECT_EQ(model.unk_id(), 0);
  EXPECT_EQ(model.bos_id(), 1);
  EXPECT_EQ(model.eos_id(), 2);
  EXPECT_EQ(model.pad_id(), 3);
  EXPECT_EQ(model.id_to_piece(0), "<unk>");
  EXPECT_EQ(model.id_to_piece(3), "<pad>");
  EXPECT_EQ(model.piece_to_id("<sep>"), 4);
  EXPECT_EQ(model.piece_to_id("<2de>"), 5);
  const auto pieces = model.encode("the man<sep>the dog");
  EXPECT_NE(std::find(pieces.begin(), pieces.end(), "<sep>"), pieces.end());
  EXPECT_EQ(model.decode(pieces), "the man<sep>the dog");
  // Characters never seen in training map to <unk>.
  const auto ids = model.encode_ids("the 象");
  EXPECT_NE(std::find(ids.begin(), ids.end(), model.unk_id()), ids.end());
  EXPECT_THROW(model.id_to_piece(model.vocab_size()), Error);
  EXPECT_THROW(model.decode_ids({-1}), DataError);
}

TEST(Subword, SaveLoadAndBytesAreTheSameModel) {
  ::mtbench::testing::ScratchDir dir;
  const SubwordModel model = SubwordModel::train(small_corpus(), options("bpe", 70));
  model.save(dir / "spm.model");
  const SubwordModel loaded = SubwordModel::load(dir / "spm.model");
  EXPECT_EQ(loaded.bytes(), model.bytes());
  const SubwordModel copy = SubwordModel::from_bytes(model.bytes());
  for (const auto& s : small_corpus()) {
    EXPECT_EQ(loaded.encode_ids(s), model.encode_ids(s));
    EXPECT_EQ(copy.encode(s), model.encode(s));
  }
  // Same data, options and seed: the same model, byte for byte.
  EXPECT_EQ(SubwordModel::train(small_corpus(), options("bpe", 70)).bytes(), model.bytes());
}

TEST(Subword, ErrorsAreClear) {
  ::mtbench::testing::ScratchDir dir;
  EXPECT_THROW(SubwordModel::from_bytes("not a model"), DataError);
  write_file_atomic(dir / "bad.model", "garbage");
  try {
    SubwordModel::load(dir / "bad.model");
    FAIL() << "expected DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.model"), std::string::npos) << e.what();
  }
  EXPECT_THROW(SubwordModel::load(dir / "missing.model"), Error);
  EXPECT_THROW(SubwordModel::train(small_corpus(), options("wordpiece", 50)), ConfigError);
  EXPECT_THROW(SubwordModel::train({"", ""}, options("bpe", 50)), ConfigError);
  try {
    SubwordModel::train(small_corpus(), options("unigram", 100000));
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("ocabulary size"), std::string::npos) << e.what();
  }
  SubwordOptions soft = options("unigram", 100000);
  soft.hard_vocab_limit = false;
  EXPECT_LT(SubwordModel::train(small_corpus(), soft).vocab_size(), 100000);
  EXPECT_THROW(SubwordModel().encode("x"), Error);
  EXPECT_THROW(SubwordModel().save(dir / "x.model"), Error);
}

TEST(Subword, MultiThirtyKRoundTrip) {
  MTBENCH_REQUIRE_SHARED(path, "corpora/multi30k/val.de.gz");
  const auto lines = read_lines(path);
  const SubwordModel model = SubwordModel::train(lines, options("unigram", 1000));
  std::size_t exact = 0, pieces = 0, words = 0;
  for (const auto& line : lines) {
    exact += model.decode_ids(model.encode_ids(line)) == line;
    pieces += model.encode(line).size();
    for (std::size_t i = 0; i < line.size(); ++i) words += line[i] != ' ' && (i == 0 || line[i - 1] == ' ');
  }
  EXPECT_EQ(exact, lines.size());  // val.de has no leading, trailing or double spaces
  // A 1000-piece model splits rare words: more pieces than words, but well under 2 per word.
  EXPECT_GT(pieces, words);
  EXPECT_LT(pieces, 2 * words);
}

}  // namespace
}  // namespace mtbench
