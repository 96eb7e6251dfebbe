// `mlscale advise JOB`: the driver on one job, rendered as text, JSON or Markdown.
#include "cli.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/render.hpp"

namespace mlscale::cli {

namespace {

struct AdviseCommandOptions {
    JobInput job;
    std::string format = "text";
    std::string output;
    FailOn fail_on{"none"};
    RuleSources rules;
};

ExitCode run_advise(const AdviseCommandOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    auto job = load_job_input(options.job, diagnostics);
    const auto rules = load_rules_in_force(options.rules, options.job.path, diagnostics);
    std::optional<Report> report;
    if (job && rules) {
        report = advise(*job, AdviseOptions{.rules = &rules->rules, .rule_options = rules->options}, diagnostics);
    }
    print_diagnostics(diagnostics, context);
    if (!report) {
        return ExitCode::BadInput;
    }
    report->command = context.command_line;
    const auto* format = find_format(advice_formats(), options.format);
    const TextOptions text{.color = options.output.empty() && context.color_stdout()};
    if (!write_output(options.output, format->render(*report, text))) {
        return ExitCode::BadInput;
    }
    return exit_for(report->findings, rules->fail_on(options.fail_on.typed(), "none"));
}

} // namespace

Command advise_command(const Context& context)
{
    auto options = std::make_shared<AdviseCommandOptions>();
    Command command{.name = "advise",
        .summary = "Advise on a training job: bottleneck, plan, ladder, findings",
        .example = "mlscale advise examples/imagenet-resnet50.json --format json -o advice.json"};
    TelemetryOptions& telemetry = options->job.telemetry_options;
    command.options = {
        {.names = "job", .help = "Job file (JSON, see docs/job.schema.json); - reads stdin", .target = &options->job.path, .required = true},
        format_option(options->format, format_names(advice_formats()), "Output format: text, json or markdown"),
        output_option(options->output),
        fail_on_option(options->fail_on, "none"),
        {.names = "--telemetry",
            .help = "nvidia-smi CSV (--query-gpu=... --format=csv) or `vmstat -n 1` captures; they override current.observed",
            .target = &options->job.telemetry,
            .type_name = "FILE"},
        {.names = "--warmup", .help = "Telemetry samples dropped at the start of each series (default 60)", .target = &telemetry.warmup_samples},
        {.names = "--min-samples",
            .help = "Telemetry samples each series needs after the warm-up, else \"insufficient data\" (default 120)",
            .target = &telemetry.min_samples,
            .range = std::pair<long long, long long>{1, 100000000}},
    };
    for (auto& option : rule_options(options->rules, true)) {
        command.options.push_back(std::move(option));
    }
    command.run = [options, &context] { return run_advise(*options, context); };
    return command;
}

} // namespace mlscale::cli
