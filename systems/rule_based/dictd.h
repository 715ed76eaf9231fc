#pragma once
// Reading dictd dictionaries (the format of the FreeDict deu-eng package): a text `.index`
// of "headword<TAB>offset<TAB>length" lines whose numbers are written in dictd's base64
// digits, and a `.dict` body (or `.dict.dz`, dictzip = gzip with a random-access table,
// which we simply inflate whole with zlib). FreeDict entries look like
//
//   Haus /hˈaʊs/ <neut, n, sg>
//   house <n>
//         "ein Haus bauen"  - build a house
//    see: {Häuser}, {frei Haus}
//
// i.e. headword, pronunciation and grammar on the first line, the English translations on the
// second, then notes, examples, synonyms and cross references ("see"), which in the Ding data
// list a word's inflected forms (and inflected forms point back to their lemma).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::rule_based {

// One line of a dictd .index file.
struct DictdIndexEntry {
  std::string headword;      // as written in the index (FreeDict: lowercased)
  std::uint64_t offset = 0;  // byte offset of the entry in the uncompressed .dict body
  std::uint64_t length = 0;  // byte length of the entry
};

// One parsed dictionary entry.
struct DictEntry {
  std::string headword;                   // as written in the entry, case kept ("Haus")
  bool prefix_form = false;               // headword ended in "…": a compound-initial form
  std::string pos;                        // normalised part of speech: n, v, adj, adv, art, pron, prep,
                                          // conj, num, int; "" when the entry gives none
  std::string gender;                     // "masc", "fem", "neut" (nouns), else ""
  bool plural = false;                    // the headword is a plural form (<pl>)
  std::vector<std::string> translations;  // cleaned English alternatives, in dictionary order
  std::vector<std::string> see;           // cross references ({...} of "see:" and "Synonym(s):")
  std::vector<std::string> synonyms;      // German synonyms listed
};

// Decodes a dictd base64 number ("B0" -> 116). Throws DataError on a character outside the
// alphabet or a value over 2^63, naming `context`.
std::uint64_t decode_dictd_number(std::string_view digits, std::string_view context = "");

// Reads a .index file; a malformed line is a DataError naming file and line.
std::vector<DictdIndexEntry> read_dictd_index(const std::filesystem::path& path);

// Reads a .dict or .dict.dz body (gzip detected by content) into memory.
std::string read_dictd_body(const std::filesystem::path& path);

// Parses one entry's text. Never throws: unparseable parts are left empty.
DictEntry parse_dict_entry(std::string_view text);

// Splits a FreeDict translation line into clean alternatives: grammar tags (<n>), domain
// labels ([geogr.]), parentheses and placeholders (sth., sb.) are removed, duplicates dropped.
std::vector<std::string> clean_translations(std::string_view line);

}  // namespace mtbench::rule_based
