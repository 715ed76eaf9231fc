#pragma once
// The pipeline fills the report's data model (reports/run_results.h): its names, unqualified
// in compare/.

#include "reports/run_results.h"

namespace mtbench::compare {

using reports::Analyses;
using reports::Bucket;
using reports::DataEfficiency;
using reports::LeftOutSystem;
using reports::MetricScore;
using reports::NgramComparison;
using reports::NgramDifference;
using reports::RunResults;
using reports::SignificanceMatrix;
using reports::SystemResults;
using reports::SystemStatistics;
using reports::TestSetResults;
using reports::TrainingLogEntry;

}  // namespace mtbench::compare
