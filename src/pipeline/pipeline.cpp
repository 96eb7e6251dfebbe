// The driver's passes, in order, each with the reason it is there.
#include "mlscale/pipeline.hpp"

#include "mlscale/estimate.hpp"
#include "mlscale/facts.hpp"
#include "mlscale/recommend.hpp"
#include "mlscale/version.hpp"

namespace mlscale {

namespace {

// What the report says about its inputs: the job as written, the catalogue's dates, today's setup.
Report report_header(const Job& job, const Catalogue& catalogue)
{
    Report report;
    report.tool_version = k_version;
    report.job_name = job.name;
    report.file = job.document.file;
    report.job_inputs = job.document.value;
    for (const auto& [kind, as_of] : catalogue.as_of) {
        report.catalogue_versions[kind] = as_of;
    }
    if (job.current.instance_type) {
        report.current_instance_type = instance_type_name(price_platform(job), *job.current.instance_type); // as the plan names it
        report.current_instance_count = static_cast<int>(job.current.instance_count.value_or(1));
    }
    return report;
}

void take_recommendation(Report& report, Recommendation recommendation)
{
    report.plan = std::move(recommendation.plan);
    report.ladder = std::move(recommendation.ladder);
    report.candidates = std::move(recommendation.candidates);
    report.current_hours = recommendation.current_hours;
    report.current_cost_usd = recommendation.current_cost_usd;
    report.current_fits = recommendation.current_fits;
    report.current_purchase = recommendation.current_purchase;
    report.profile.assumptions.insert(report.profile.assumptions.end(), recommendation.assumptions.begin(), recommendation.assumptions.end());
}

} // namespace

std::optional<Job> load_job_input(const JobInput& input, Diagnostics& diagnostics)
{
    auto job = load_job_file(input.path, diagnostics);
    if (!job || input.telemetry.empty()) {
        return job;
    }
    const std::size_t errors_before = diagnostics.error_count();
    const auto metrics = read_telemetry(input.telemetry, input.telemetry_options, diagnostics);
    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    // Measured beats typed: telemetry fills current.observed before the profiler reads it.
    apply_telemetry(metrics, job->current.observed);
    return job;
}

std::optional<Report> advise(const Job& job, const AdviseOptions& options, Diagnostics& diagnostics)
{
    const Catalogue& catalogue = options.catalogue != nullptr ? *options.catalogue : builtin_catalogue();
    const std::size_t errors_before = diagnostics.error_count();
    Report report = report_header(job, catalogue);

    // Profile first: every later decision starts from what the job needs and what limits it now.
    report.profile = profile_job(job, catalogue, diagnostics);

    // Recommend: walk the ladder from what limits the job today to the cheapest plan that meets its
    // target (not from a profile that failed: its errors say what to fix first).
    if (diagnostics.error_count() == errors_before) {
        take_recommendation(report, recommend(job, report.profile, catalogue, diagnostics));
    }

    // The rules last, over the job, its profile and the plan, so practices about the plan
    // (multi-node without EFA, say) are rules like any other; they run after a failed profile too,
    // so a bad suppression is reported with the other errors.
    const RuleSet& rules = options.rules != nullptr ? *options.rules : builtin_rules();
    RuleEvaluation evaluation = evaluate_rules(
        rules, build_facts(job, report.profile, &report.plan), job, options.rule_options, diagnostics, EvaluationOutputs{.results = false, .parameters = true});
    report.findings = std::move(evaluation.findings);
    report.rule_parameters = std::move(evaluation.parameters);

    if (diagnostics.error_count() > errors_before) {
        return std::nullopt;
    }
    return report;
}

} // namespace mlscale
