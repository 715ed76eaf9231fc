#pragma once
// The boundary between mtbench and libsentencepiece.
//
// Why a boundary: Debian's libsentencepiece embeds its own copy of protobuf 3.14 and
// exports those symbols, while Debian's LibTorch links the system libprotobuf 3.21. Both in
// one process crash at start-up (static initializers bind to the wrong copy) or abort with a
// protobuf version error. So libsentencepiece is only ever linked into a small module
// (corpus/spm_shim), which corpus/subword.cc loads with dlopen(RTLD_LOCAL | RTLD_DEEPBIND):
// the module and libsentencepiece resolve their symbols among themselves first and never
// leak them into the rest of the process. Only standard-library types cross this boundary,
// and no exception does (errors come back as strings).

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mtbench::spm {

// A loaded SentencePiece model (thread-safe for concurrent const calls).
class Backend {
 public:
  virtual ~Backend() = default;
  // Each returns false and sets *error on failure.
  virtual bool encode(std::string_view text, std::vector<std::string>* pieces, std::string* error) const = 0;
  virtual bool encode_ids(std::string_view text, std::vector<int>* ids, std::string* error) const = 0;
  virtual bool decode(const std::vector<std::string>& pieces, std::string* text, std::string* error) const = 0;
  virtual bool decode_ids(const std::vector<int>& ids, std::string* text, std::string* error) const = 0;
  virtual int vocab_size() const = 0;
  virtual int piece_to_id(std::string_view piece) const = 0;
  virtual std::string id_to_piece(int id) const = 0;
  virtual int unk_id() const = 0;
  virtual int bos_id() const = 0;
  virtual int eos_id() const = 0;
  virtual int pad_id() const = 0;
};

// The module's entry table; `version` must equal kApiVersion.
struct Api {
  int version;  // kApiVersion of the module
  // Loads serialized model bytes; nullptr and *error on failure. The caller owns the result.
  Backend* (*load)(const std::string& bytes, std::string* error);
  // Trains on non-empty `sentences` with spm_train arguments `args` (name -> value) and
  // `seed`; stores the serialized model in *model_bytes. False and *error on failure.
  bool (*train)(const std::map<std::string, std::string>& args, const std::vector<std::string>& sentences,
                unsigned seed, std::string* model_bytes, std::string* error);
};

constexpr int kApiVersion = 1;

// Name of the entry point: extern "C" const Api* mtbench_spm_api();
constexpr const char* kEntryPoint = "mtbench_spm_api";

// Loads the module once per process (search order: $MTBENCH_SPM_MODULE, the path recorded at
// build time, the executable's directory, ../lib/mtbench next to the executable) and returns
// its table. Throws mtbench::Error naming every path tried when none loads.
const Api& api();

}  // namespace mtbench::spm
