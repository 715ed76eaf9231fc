#include "corpus/nonbreaking_prefixes.h"

#include <map>
#include <mutex>

namespace mtbench {
namespace {

// Single letters (initials such as "J. R. R. Tolkien") are prefixes in every language,
// as in all Moses lists.
std::string single_letters() {
  std::string out;
  for (char c = 'A'; c <= 'Z'; ++c) out += std::string(1, c) + "\n";
  return out;
}

// English: titles, military ranks, months, common Latin abbreviations.
constexpr const char* kEnglish = R"(
# titles and ranks
Mr
Mrs
Ms
Messrs
Mme
Mlle
Dr
Drs
Prof
Rev
Hon
Sr
Jr
St
Gen
Gov
Sen
Rep
Capt
Col
Cmdr
Lt
Maj
Sgt
Cpl
Pvt
Adm
Brig
Supt
Insp
Ph
# organisations and addresses
Bros
Co
Corp
Inc
Ltd
Mt
Ave
Blvd
Rd
Dept
Univ
# months
Jan
Feb
Mar
Apr
Jun
Jul
Aug
Sep
Sept
Oct
Nov
Dec
# Latin and other lower-case abbreviations
etc
vs
v
cf
viz
approx
ca
e.g
i.e
al
# only before numbers ("No. 5", "pp. 12", "Art. 3")
No #NUMERIC_ONLY#
Nos
Art #NUMERIC_ONLY#
Nr
pp #NUMERIC_ONLY#
p #NUMERIC_ONLY#
Vol #NUMERIC_ONLY#
Fig #NUMERIC_ONLY#
)";

// German: everyday abbreviations (z.B and d.h are covered by the "contains a period and a
// letter" rule, but are listed for completeness), ordinal-free.
constexpr const char* kGerman = R"(
Hr
Hrn
Fr
Frl
Dr
Prof
Dipl
Ing
St
Str
bzw
ca
evtl
ggf
inkl
exkl
usw
vgl
sog
bspw
z
B
d
h
u
a
o
Abb
Abs
Abt
Bd
Bsp
Jh
Jhd
Kap
Mio
Mrd
Tel
Verf
zzgl
Jan
Feb
Apr
Aug
Sept
Okt
Nov
Dez
etc
# only before numbers ("Nr. 7", "Art. 12", "S. 4")
Nr #NUMERIC_ONLY#
Art #NUMERIC_ONLY#
S #NUMERIC_ONLY#
Nrn #NUMERIC_ONLY#
)";

// French: civilities, religious titles, common abbreviations.
constexpr const char* kFrench = R"(
M
MM
Mme
Mmes
Mlle
Mlles
Dr
Pr
Me
Mgr
St
Ste
av
bd
cf
env
etc
ex
hab
min
max
vol
Jr
Sr
janv
févr
avr
juil
sept
oct
nov
déc
# only before numbers ("n. 5", "p. 12", "art. 3")
No #NUMERIC_ONLY#
n #NUMERIC_ONLY#
p #NUMERIC_ONLY#
pp #NUMERIC_ONLY#
art #NUMERIC_ONLY#
Art #NUMERIC_ONLY#
)";

// Czech: titles and common abbreviations.
constexpr const char* kCzech = R"(
Ing
Mgr
Bc
MUDr
JUDr
PhDr
RNDr
Doc
Prof
tzv
tj
např
atd
apod
resp
cca
mj
sv
str
č #NUMERIC_ONLY#
odst #NUMERIC_ONLY#
)";

}  // namespace

NonbreakingPrefixes NonbreakingPrefixes::parse(std::string_view text) {
  NonbreakingPrefixes out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    PrefixKind kind = PrefixKind::kAlways;
    if (const auto mark = line.find("#NUMERIC_ONLY#"); mark != std::string_view::npos) {
      kind = PrefixKind::kNumericOnly;
      line = line.substr(0, mark);
    }
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (!line.empty()) out.prefixes_[std::string(line)] = kind;
  }
  return out;
}

PrefixKind NonbreakingPrefixes::kind(std::string_view word) const {
  const auto it = prefixes_.find(std::string(word));
  return it == prefixes_.end() ? PrefixKind::kNone : it->second;
}

const NonbreakingPrefixes& nonbreaking_prefixes(std::string_view lang) {
  static std::once_flag once;
  static std::map<std::string, NonbreakingPrefixes, std::less<>> sets;
  std::call_once(once, [] {
    const std::string letters = single_letters();
    sets["en"] = NonbreakingPrefixes::parse(letters + kEnglish);
    sets["de"] = NonbreakingPrefixes::parse(letters + kGerman);
    sets["fr"] = NonbreakingPrefixes::parse(letters + kFrench);
    sets["cs"] = NonbreakingPrefixes::parse(letters + kCzech);
  });
  const auto it = sets.find(lang);
  return it == sets.end() ? sets.find("en")->second : it->second;
}

}  // namespace mtbench
