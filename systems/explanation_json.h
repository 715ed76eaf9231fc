#pragma once
// JSON form of an Explanation (used by `mtbench translate --explain FILE.jsonl` and by the
// report). Empty fields are omitted, so a system that explains nothing writes `{}`.

#include <string>

#include <nlohmann/json.hpp>

#include "systems/explanation.h"

namespace mtbench {

// Field names follow the struct members; pairs become two-element arrays
// (alignment: [[src, tgt], ...], scores: [[name, value], ...]).
nlohmann::json explanation_to_json(const Explanation& explanation);

// The inverse of explanation_to_json; unknown keys and wrong types are DataErrors naming
// `origin` (e.g. "explain.jsonl line 3") and the key.
Explanation explanation_from_json(const nlohmann::json& json, const std::string& origin);

}  // namespace mtbench
