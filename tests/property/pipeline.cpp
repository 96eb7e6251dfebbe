#include "pipeline.hpp"

#include <exception>

#include "mlscale/catalogue.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/recommend.hpp"
#include "mlscale/render.hpp"
#include "mlscale/rules.hpp"
#include "to_proposal.hpp"

namespace mlscale::property {

const RuleOptions& harness_rule_options()
{
    static const RuleOptions options = [] {
        RuleOptions o;
        o.today = "2026-01-01";
        return o;
    }();
    return options;
}

std::optional<Report> advise_job(const Job& job, Diagnostics& diagnostics)
{
    AdviseOptions options;
    options.rule_options = harness_rule_options();
    return advise(job, options, diagnostics);
}

namespace {

// `mlscale estimate JOB --instance I --count N --storage S --input-mode M --parallelism P` with the
// plan's values, as src/cli/cmd_estimate.cpp builds its configuration and reads today's telemetry.
EstimateRun estimate_plan(const Job& job, const Report& report)
{
    EstimateRun out;
    const Catalogue& catalogue = builtin_catalogue();
    const InstanceSpec* instance = catalogue.find_instance(report.plan.compute.instance_type);
    if (instance == nullptr || report.plan.compute.instance_count < 1) {
        return out;
    }
    std::vector<std::string> assumptions;
    out.workload = make_workload(job, report.profile.model, catalogue, assumptions);
    Config config = current_config(job, instance);
    config.count = report.plan.compute.instance_count;
    const std::string& storage = report.plan.storage.service;
    if (storage == "s3" || storage == "efs" || storage == "fsx-lustre" || storage == "ebs" || storage == "instance-store") {
        config.storage = storage;
        config.input_mode = storage == "s3" ? job.dataset.input_mode.value_or("file") : "mount";
    }
    const std::string& mode = report.plan.storage.input_mode;
    if (storage == "s3" && (mode == "file" || mode == "fastfile" || mode == "pipe")) {
        config.input_mode = mode;
    }
    const std::string& parallelism = report.plan.compute.parallelism;
    if (parallelism == "data" || parallelism == "sharded" || parallelism == "model") {
        config.parallelism = Parallelism{};
        config.parallelism.mode = parallelism;
    }
    bool as_today = false;
    const EstimateOptions options = measured_options(job, out.workload, config, catalogue, EstimateOptions{}, assumptions, as_today);
    out.estimate = estimate(out.workload, config, catalogue, options);
    out.json = estimate_json(out.estimate, *instance, out.workload).dump(2);
    out.text = estimate_text(out.estimate, *instance, out.workload);
    out.ran = true;
    return out;
}

// `mlscale check` on the proposals made from the plan, with the evaluator src/cli/cmd_check.cpp builds.
CheckRun check_plan(const Job& job, const Report& report)
{
    CheckRun out;
    if (report.plan.compute.instance_type.empty()) {
        return out;
    }
    out.api_text = create_training_job(job, report.plan).dump(2) + "\n";
    out.cloudformation_text = cloudformation_template(job, report.plan).dump(2) + "\n";
    CheckOptions options;
    options.today = harness_rule_options().today;
    options.jobs = 1;
    options.evaluate = [](nlohmann::json facts, const ProposalUnit& unit) {
        Job unit_job = job_from_json(unit.job);
        unit_job.suppress.clear();
        unit_job.document.value = unit.job;
        Diagnostics ignored;
        return evaluate_rules(
            builtin_rules(), std::move(facts), unit_job, harness_rule_options(), ignored, EvaluationOutputs{.results = false, .parameters = false})
            .findings;
    };
    CheckResult result;
    result.files.push_back(check_source(SourceFile{"training-job.json", out.api_text}, true, options));
    result.files.push_back(check_source(SourceFile{"template.json", out.cloudformation_text}, true, options));
    const CheckRenderOptions render;
    out.rendered = {render_check_text(result, render), render_check_json(result, render), render_check_sarif(result, render),
        render_check_junit(result, render), render_check_github(result, render), render_check_markdown(result, render), render_check_units(result)};
    out.files = std::move(result.files);
    out.ran = true;
    return out;
}

bool has_finding_at_or_above(const Report& report, const std::string& severity)
{
    for (const auto& finding : report.findings) {
        if (!finding.suppressed && severity_rank(finding.severity) >= severity_rank(severity)) {
            return true;
        }
    }
    return false;
}

void run_stages(PipelineRun& run, const PipelineOptions& options)
{
    Diagnostics load_diagnostics;
    run.job = load_job(SourceFile{"generated.json", run.job_text}, load_diagnostics);
    run.loaded = run.job.has_value();
    if (!run.job) {
        for (const auto& d : load_diagnostics.items()) {
            run.load_errors += format_diagnostic(d) + "\n";
        }
        run.exit_code = run.exit_code_fail_on_high = 2;
        return;
    }
    run.report = advise_job(*run.job, run.diagnostics);
    if (!run.report) {
        run.exit_code = run.exit_code_fail_on_high = 2;
        return;
    }
    run.exit_code_fail_on_high = has_finding_at_or_above(*run.report, "high") ? 1 : 0;
    run.json = render_json(*run.report);
    if (options.renderers) {
        run.text = render_text(*run.report);
        run.markdown = render_markdown(*run.report);
        Report reviewed = *run.report; // `mlscale report` records its command line in the appendix
        reviewed.command = "mlscale report generated.json";
        run.review = render_markdown(reviewed);
        run.review_index = render_markdown_index({*run.report, *run.report});
    }
    if (options.determinism) {
        Diagnostics again;
        if (auto second = advise_job(*run.job, again)) {
            run.json_again = render_json(*second);
        }
    }
    if (options.estimate) {
        run.estimate = estimate_plan(*run.job, *run.report);
    }
    if (options.check) {
        run.check = check_plan(*run.job, *run.report);
    }
}

} // namespace

PipelineRun run_pipeline(const std::string& job_text, const PipelineOptions& options)
{
    PipelineRun run;
    run.job_text = job_text;
    try {
        run_stages(run, options);
    } catch (const std::exception& error) {
        run.internal_error = error.what();
        run.exit_code = run.exit_code_fail_on_high = 3;
    } catch (...) {
        run.internal_error = "an exception that is not a std::exception";
        run.exit_code = run.exit_code_fail_on_high = 3;
    }
    return run;
}

} // namespace mlscale::property
