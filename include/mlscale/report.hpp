// The report: everything the pipeline found about one job, as renderers see it (stage 5's input).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mlscale/findings.hpp"
#include "mlscale/plan.hpp"
#include "mlscale/profile.hpp"

namespace mlscale {

struct Report {
    std::string tool_version;
    std::string job_name;
    std::string file;
    Profile profile;
    Plan plan;
    std::vector<LadderStep> ladder;
    std::vector<Candidate> candidates;   ///< the time-vs-cost frontier, fastest first
    std::optional<double> current_hours; ///< today's setup, when the job describes one
    std::optional<double> current_cost_usd;
    std::optional<bool> current_fits;           ///< false where today's setup does not fit by the memory model (its time is then "if it fit")
    std::string current_purchase = "on-demand"; ///< on-demand|spot: what today's hours and cost buy (as ComputePlan::purchase)
    std::string current_instance_type;
    int current_instance_count = 0;
    nlohmann::json job_inputs = nlohmann::json::object();         ///< the job as written (for "Inputs")
    nlohmann::json catalogue_versions = nlohmann::json::object(); ///< kind -> as_of
    std::vector<Finding> findings;                                ///< sorted: severity (high first), then rule code, then pointer
    nlohmann::json rule_parameters = nlohmann::json::object();    ///< parameters in force, by rule code
    std::string command;                                          ///< the command line that produced it (for reports)

    /// Unsuppressed findings per severity, every severity present (0 when none).
    [[nodiscard]] std::map<std::string, int> summary() const;
};

} // namespace mlscale
