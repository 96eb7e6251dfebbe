// The orchestrator: load -> profile -> rules -> recommend -> render, as one straight sequence.
#pragma once

#include <optional>
#include <string>

#include "mlscale/catalogue.hpp"
#include "mlscale/diagnostics.hpp"
#include "mlscale/job.hpp"
#include "mlscale/report.hpp"
#include "mlscale/rules.hpp"

namespace mlscale {

struct AdviseOptions {
    const Catalogue* catalogue = nullptr; ///< defaults to the embedded catalogue
    const RuleSet* rules = nullptr;       ///< defaults to the embedded rules
    RuleOptions rule_options;             ///< selection, parameters, severities, locks, today's date
};

/// Runs the stages after loading on one job and returns its report; problems in the job that
/// only the later stages can see (an unknown instance type, say) are added to `diagnostics`,
/// and no report is returned when there was any error.
std::optional<Report> advise(const Job& job, const AdviseOptions& options, Diagnostics& diagnostics);

} // namespace mlscale
