// The orchestrator: each stage in order, each call with a line saying why it is there.
#include "mlscale/pipeline.hpp"

#include "mlscale/facts.hpp"
#include "mlscale/recommend.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

Report plan_job(const Job& job, const Catalogue& catalogue, Diagnostics& diagnostics)
{
    const std::size_t errors_before = diagnostics.error_count();
    Report report;
    report.tool_version = k_version;
    report.job_name = job.name;
    report.file = job.document.file;
    report.job_inputs = job.document.value;
    for (const auto& [kind, as_of] : catalogue.as_of) {
        report.catalogue_versions[kind] = as_of;
    }
    if (job.current.instance_type) {
        report.current_instance_type = "ml." + *job.current.instance_type;
        report.current_instance_count = static_cast<int>(job.current.instance_count.value_or(1));
    }

    // Profile first: every later decision starts from what the job needs and what limits it now.
    report.profile = profile_job(job, catalogue, diagnostics);

    // Recommend: walk the ladder from what limits the job today to the cheapest plan that meets its target.
    if (diagnostics.error_count() == errors_before) {
        Recommendation recommendation = recommend(job, report.profile, catalogue, diagnostics);
        report.plan = std::move(recommendation.plan);
        report.ladder = std::move(recommendation.ladder);
        report.candidates = std::move(recommendation.candidates);
        report.current_hours = recommendation.current_hours;
        report.current_cost_usd = recommendation.current_cost_usd;
        report.profile.assumptions.insert(report.profile.assumptions.end(), recommendation.assumptions.begin(), recommendation.assumptions.end());
    }
    return report;
}

void apply_rules(Report& report, const Job& job, const AdviseOptions& options, Diagnostics& diagnostics)
{
    // The best-practice rules over the job, its profile and the plan, so plan-level practices
    // (multi-node without EFA, say) are rules too.
    const RuleSet& rules = options.rules != nullptr ? *options.rules : builtin_rules();
    RuleEvaluation evaluation = evaluate_rules(rules, build_facts(job, report.profile, &report.plan), job, options.rule_options, diagnostics,
        EvaluationOutputs{.results = false, .parameters = true});
    report.findings = std::move(evaluation.findings);
    report.rule_parameters = std::move(evaluation.parameters);
}

std::optional<Report> advise(const Job& job, const AdviseOptions& options, Diagnostics& diagnostics)
{
    const Catalogue& catalogue = options.catalogue != nullptr ? *options.catalogue : builtin_catalogue();
    const std::size_t errors_before = diagnostics.error_count();
    Report report = plan_job(job, catalogue, diagnostics);
    apply_rules(report, job, options, diagnostics);
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return report;
}

} // namespace mlscale
