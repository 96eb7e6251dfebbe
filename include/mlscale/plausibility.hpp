// Contradictions between a job's values and the hardware it names, which no estimate can settle:
// a training job on an inference-only instance, a precision its GPU does not have, a measured
// throughput above what its GPUs can physically compute (a units mistake). Each is an error at the
// field, with file:line:column (docs/limits.md, "Impossible input").
#pragma once

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

/// True for instances that serve models but cannot train them (AWS Inferentia: inf1, inf2).
bool is_inference_only(const InstanceSpec& instance);

/// Adds an error for each contradiction in `job` against `current` (today's instance, may be null)
/// and the catalogue. Called by profile_job once the model is resolved.
void check_plausibility(const Job& job, const ResolvedModel& model, const InstanceSpec* current, const Catalogue& catalogue, Diagnostics& diagnostics);

/// The most samples per second `count` x `instance` can train `model` at: every GPU at its highest
/// dense peak, every FLOP useful. 0 when it cannot be bounded (no GPU, FLOPs unknown).
double physical_peak_samples_per_sec(const Job& job, const ResolvedModel& model, const InstanceSpec& instance, std::int64_t count, const Catalogue& catalogue);

} // namespace mlscale
