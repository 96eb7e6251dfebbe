// Internal entry points of the dataset readers: each adds what it reads to an accumulator, so
// that several inputs of one kind sum into one summary.
#pragma once

#include <string>

#include "mlscale/dataprof.hpp"

namespace mlscale::dataprof {

/// Walks the tree at `root` into `into` and `info`; false when the root itself cannot be read.
bool walk_into(
    const std::string& root, const DataprofLimits& limits, const WalkOptions& options, DatasetAccumulator& into, SourceInfo& info, Diagnostics& diagnostics);

/// The number of worker threads `limits` asks for (at least 2 unless set to 1).
unsigned worker_threads(const DataprofLimits& limits);

} // namespace mlscale::dataprof
