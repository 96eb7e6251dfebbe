// What must hold for every job (issue 15, "Invariants"): each a named check over one pipeline run,
// shared by the seeded ctest, the fuzz target and the shrinker. A check that cannot say anything
// (no report, no plan, nothing measured today) passes vacuously; the ctest counts how often each
// one had something to check, so a vacuous check is visible.
#pragma once

#include <string>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/estimate.hpp"
#include "pipeline.hpp"

namespace mlscale::property {

struct Violation {
    std::string invariant;
    std::string detail;
};

struct InvariantInfo {
    const char* name;
    const char* summary;
};

/// Every invariant, in the order they are checked.
const std::vector<InvariantInfo>& invariants();

/// Whether `name` is an invariant of the table.
bool is_invariant(const std::string& name);

/// Checks every invariant on `run`. `applicable`, when given, receives the name of each invariant
/// that had something to check on this run.
std::vector<Violation> check_invariants(const PipelineRun& run, std::vector<std::string>* applicable = nullptr);

/// The SageMaker price per hour the report's costs are computed from (catalogue, with the mark-up).
/// The hourly price the plan is priced at: training.platform's basis (SageMaker by default).
std::optional<double> training_price(const std::string& instance_type, Platform platform);

/// overlap-never-slows: `on` (Megatron-Core's overlaps on) is slower than `off`.
bool overlap_slows(const Estimate& off, const Estimate& on);

} // namespace mlscale::property
