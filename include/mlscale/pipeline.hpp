// The driver: the one way a job is planned. `mlscale advise`, `mlscale report`, the tests, the
// fuzz targets and the benchmarks all call advise(); its passes are a straight sequence.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"
#include "mlscale/report.hpp"
#include "mlscale/rules.hpp"
#include "mlscale/telemetry.hpp"

namespace mlscale {

/// A job as a command names it: the file ("-" for stdin) and the telemetry captured on today's
/// setup, which overrides the job's current.observed (measured beats typed).
struct JobInput {
    std::string path;
    std::vector<std::string> telemetry;
    TelemetryOptions telemetry_options;
};

/// Loads and validates the job, then applies its telemetry. Nothing, after diagnostics, on any error.
std::optional<Job> load_job_input(const JobInput& input, Diagnostics& diagnostics);

struct AdviseOptions {
    const Catalogue* catalogue = nullptr; ///< defaults to the catalogue in use (builtin_catalogue())
    const RuleSet* rules = nullptr;       ///< defaults to the embedded rules
    RuleOptions rule_options;             ///< selection, parameters, severities, locks, today's date
};

/// Plans one job: profile, recommend, then the rules over the job, its profile and the plan.
/// Problems only the later passes can see (an unknown instance type, say) are added to
/// `diagnostics`; no report when any pass added an error.
std::optional<Report> advise(const Job& job, const AdviseOptions& options, Diagnostics& diagnostics);

} // namespace mlscale
