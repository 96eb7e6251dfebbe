// `mlscale report JOB…`: a Markdown review for architecture reviews, one document or one per job.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/render.hpp"

namespace mlscale::cli {

namespace {

struct ReportCommandOptions {
    std::vector<std::string> jobs;
    std::vector<std::string> telemetry;
    TelemetryOptions telemetry_options;
    std::string output;
    std::string output_dir;
    FailOn fail_on{"none"};
    RuleSources rules;
};

// Every job through the driver. A job that fails adds its errors (each naming its file) and the
// others are still advised, so every problem is reported in one run; nothing is written then.
std::vector<Report> advise_all(const ReportCommandOptions& options, const RulesInForce& rules, const Context& context, Diagnostics& diagnostics)
{
    std::vector<Report> reports;
    for (const auto& path : options.jobs) {
        const JobInput input{.path = path, .telemetry = options.telemetry, .telemetry_options = options.telemetry_options};
        if (auto job = load_job_input(input, diagnostics)) {
            if (auto report = advise(*job, AdviseOptions{.rules = &rules.rules, .rule_options = rules.options}, diagnostics)) {
                report->command = context.command_line;
                reports.push_back(std::move(*report));
            }
        }
    }
    return reports;
}

bool write_reports(const ReportCommandOptions& options, const std::vector<Report>& reports)
{
    if (options.output_dir.empty()) {
        return write_output(options.output, reports.size() == 1 ? render_markdown(reports.front()) : render_markdown_index(reports));
    }
    std::error_code error;
    std::filesystem::create_directories(options.output_dir, error);
    if (error) {
        std::cerr << fmt::format("mlscale: cannot create {}: {}\n", options.output_dir, error.message());
        return false;
    }
    for (std::size_t i = 0; i < reports.size(); ++i) {
        const std::string stem = options.jobs[i] == "-" ? std::string("stdin") : std::filesystem::path(options.jobs[i]).stem().string();
        if (!write_output((std::filesystem::path(options.output_dir) / (stem + ".md")).string(), render_markdown(reports[i]))) {
            return false;
        }
    }
    return true;
}

ExitCode run_report(const ReportCommandOptions& options, const Context& context)
{
    if (!options.output.empty() && !options.output_dir.empty()) {
        std::cerr << "mlscale: report: use -o FILE or --output-dir DIR, not both\n";
        return ExitCode::BadInput;
    }
    if (!options.telemetry.empty() && options.jobs.size() > 1) {
        std::cerr << "mlscale: report: --telemetry describes one job's setup: give one job with it\n";
        return ExitCode::BadInput;
    }
    Diagnostics diagnostics;
    // One set of rules for every job: the config is looked up beside the first job.
    const auto rules = load_rules_in_force(options.rules, options.jobs.front(), diagnostics);
    std::vector<Report> reports;
    if (rules) {
        reports = advise_all(options, *rules, context, diagnostics);
    }
    print_diagnostics(diagnostics, context);
    if (!rules || diagnostics.has_errors()) {
        return ExitCode::BadInput;
    }
    if (!write_reports(options, reports)) {
        return ExitCode::BadInput;
    }
    std::vector<Finding> findings;
    for (const auto& report : reports) {
        findings.insert(findings.end(), report.findings.begin(), report.findings.end());
    }
    return exit_for(findings, rules->fail_on(options.fail_on.typed(), "none"));
}

} // namespace

Command report_command(const Context& context)
{
    auto options = std::make_shared<ReportCommandOptions>();
    Command command{.name = "report",
        .summary = "Write a Markdown review of one or more jobs for an architecture review",
        .example = "mlscale report examples/*.json --output-dir reviews/"};
    command.options = {
        {.names = "jobs",
            .help = "Job files; several make one document with an index (or one file each with --output-dir); a job that fails is "
                    "named and nothing is written",
            .target = &options->jobs,
            .required = true},
        output_option(options->output, "Write the review to FILE atomically instead of stdout"),
        {.names = "--output-dir", .help = "Write one review per job into DIR (JOB.md)", .target = &options->output_dir, .type_name = "DIR"},
        fail_on_option(options->fail_on, "none"),
        {.names = "--telemetry",
            .help = "nvidia-smi CSV or `vmstat -n 1` captures of the (one) job's setup; they override current.observed",
            .target = &options->telemetry,
            .type_name = "FILE"},
    };
    for (auto& option : rule_options(options->rules, true)) {
        command.options.push_back(std::move(option));
    }
    command.run = [options, &context] { return run_report(*options, context); };
    return command;
}

} // namespace mlscale::cli
