// `mlscale report JOB…`: a Markdown review for architecture reviews, one document or one per job.
#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "cli.hpp"
#include "mlscale/findings.hpp"
#include "mlscale/job.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/render.hpp"
#include "mlscale/source.hpp"

namespace mlscale::cli {

namespace {

struct ReportCommandOptions {
    std::vector<std::string> jobs;
    std::string output;
    std::string output_dir;
    std::string fail_on = "none";
};

ExitCode run_report(const ReportCommandOptions& options, const Context& context)
{
    configure_logging(context);
    if (!options.output.empty() && !options.output_dir.empty()) {
        std::cerr << "mlscale: report: use -o FILE or --output-dir DIR, not both\n";
        return ExitCode::BadInput;
    }
    // Every job is read and advised before anything is written: a bad job leaves no file behind.
    Diagnostics diagnostics;
    std::vector<Report> reports;
    for (const auto& path : options.jobs) {
        if (auto job = load_job_file(path, diagnostics)) {
            if (auto report = advise(*job, AdviseOptions{}, diagnostics)) {
                report->command = context.command_line;
                reports.push_back(std::move(*report));
            }
        }
    }
    print_diagnostics(diagnostics, context);
    if (diagnostics.has_errors()) {
        return ExitCode::BadInput;
    }

    if (!options.output_dir.empty()) {
        std::error_code error;
        std::filesystem::create_directories(options.output_dir, error);
        if (error) {
            std::cerr << fmt::format("mlscale: cannot create {}: {}\n", options.output_dir, error.message());
            return ExitCode::BadInput;
        }
        for (std::size_t i = 0; i < reports.size(); ++i) {
            const std::string stem = options.jobs[i] == "-" ? std::string("stdin") : std::filesystem::path(options.jobs[i]).stem().string();
            const std::string path = (std::filesystem::path(options.output_dir) / (stem + ".md")).string();
            if (!write_output(path, render_markdown(reports[i]))) {
                return ExitCode::BadInput;
            }
        }
    } else {
        const std::string content = reports.size() == 1 ? render_markdown(reports.front()) : render_markdown_index(reports);
        if (!write_output(options.output, content)) {
            return ExitCode::BadInput;
        }
    }

    const int threshold = severity_rank(options.fail_on);
    for (const auto& report : reports) {
        for (const auto& finding : report.findings) {
            if (threshold >= 0 && !finding.suppressed && severity_rank(finding.severity) >= threshold) {
                return ExitCode::Findings;
            }
        }
    }
    return ExitCode::Clean;
}

} // namespace

void setup_report(CLI::App& app, Context& context)
{
    auto options = std::make_shared<ReportCommandOptions>();
    auto* command = app.add_subcommand("report", "Write a Markdown review of one or more jobs for an architecture review");
    command->add_option("jobs", options->jobs, "Job files; several make one document with an index (or one file each with --output-dir)")
        ->required();
    command->add_option("-o,--output", options->output, "Write the review to FILE atomically instead of stdout");
    command->add_option("--output-dir", options->output_dir, "Write one review per job into DIR (JOB.md)");
    command->add_option("--fail-on", options->fail_on, "Exit 1 when a finding is at or above this severity (none|info|low|medium|high|critical)")
        ->check(severity_validator());
    add_example(command, "mlscale report examples/*.json --output-dir reviews/");
    command->callback([options, &context] { context.exit_code = run_report(*options, context); });
}

} // namespace mlscale::cli
