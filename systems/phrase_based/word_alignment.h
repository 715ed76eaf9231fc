#pragma once
// The phrase-based system's names for the shared word-alignment library (systems/alignment/):
// it uses the aligner, symmetrization and vocabulary as `mtbench align` does.

#include "systems/alignment/ibm_align.h"
#include "systems/alignment/symmetrize.h"
#include "systems/alignment/vocab.h"

namespace mtbench::phrase_based {

using alignment::Alignment;
using alignment::AlignModel;
using alignment::AlignOptions;
using alignment::DirectionalResult;
using alignment::format_pharaoh;
using alignment::parse_pharaoh;
using alignment::parse_symmetrization;
using alignment::Symmetrization;
using alignment::symmetrization_name;
using alignment::symmetrize;
using alignment::train_alignment;
using alignment::Vocab;
using alignment::WordId;

}  // namespace mtbench::phrase_based
