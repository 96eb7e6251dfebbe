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

/// advise() in its two halves, for callers that plan while the rules are still loading (mlscale
/// advise does, on its second core): plan_job profiles the job and walks the ladder (the report
/// without findings); apply_rules evaluates the rules over the job, profile and plan and adds the
/// findings. advise() is plan_job then apply_rules, with no report when either added an error.
Report plan_job(const Job& job, const Catalogue& catalogue, Diagnostics& diagnostics);
void apply_rules(Report& report, const Job& job, const AdviseOptions& options, Diagnostics& diagnostics);

} // namespace mlscale
