// Shared by the invariant files: where a check records that it applied and what it found.
#pragma once

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "invariants.hpp"

namespace mlscale::property {

class Checker {
public:
    Checker(const PipelineRun& run, std::vector<Violation>& out, std::vector<std::string>* applicable) : m_run(run), m_out(out), m_applicable(applicable) { }
    [[nodiscard]] const PipelineRun& run() const
    {
        return m_run;
    }
    /// `name` had something to check on this run.
    void applies(const char* name)
    {
        if (m_applicable != nullptr && (m_applicable->empty() || m_applicable->back() != name)) {
            m_applicable->push_back(name);
        }
    }
    void fail(const char* name, std::string detail)
    {
        m_out.push_back(Violation{name, std::move(detail)});
    }

private:
    const PipelineRun& m_run;
    std::vector<Violation>& m_out;
    std::vector<std::string>* m_applicable;
};

/// Equal within the rounding the outputs allow: 0.1 % or one cent.
inline bool close(double a, double b)
{
    return std::fabs(a - b) <= std::max(0.01, 1e-3 * std::max(std::fabs(a), std::fabs(b)));
}

inline std::string text_of(const std::optional<double>& value)
{
    return value ? fmt::format("{:.6g}", *value) : std::string("null");
}

// The checks of each file, in the order of the table.
void check_outcome(Checker& c);
void check_numbers(Checker& c);
void check_output_schema(Checker& c);
void check_determinism(Checker& c);
void check_costs(Checker& c);
void check_spot(Checker& c);
void check_meets_target(Checker& c);
void check_constraints(Checker& c);
void check_memory(Checker& c);
void check_overlap(Checker& c);
void check_not_dominated(Checker& c);
void check_ladder(Checker& c);
void check_own_rules(Checker& c);
void check_plan_can_run(Checker& c);
void check_stopping_condition(Checker& c);
void check_one_job_in_a_tie(Checker& c);
void check_fewer_nodes(Checker& c);
void check_budget_best_effort(Checker& c);
void check_wording(Checker& c);
void check_proposals(Checker& c);

} // namespace mlscale::property
