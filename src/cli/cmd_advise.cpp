// `mlscale advise JOB`: the whole pipeline on one job, as text or JSON.
#include <optional>

#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/catalogue.hpp"
#include "mlscale/findings.hpp"
#include "mlscale/job.hpp"
#include "mlscale/parallel.hpp"
#include "mlscale/pipeline.hpp"
#include "mlscale/render.hpp"
#include "mlscale/telemetry.hpp"

namespace mlscale::cli {

namespace {

struct AdviseCommandOptions {
    std::string job;
    std::string format = "text";
    std::string output;
    std::string fail_on = "none";
    std::vector<std::string> telemetry;
    TelemetryOptions telemetry_options;
    bool fail_on_given = false; ///< --fail-on was typed: it wins over the config's fail_on
    RuleCommandOptions rules;
};

ExitCode run_advise(const AdviseCommandOptions& options, const Context& context)
{
    configure_logging(context);
    // The job (with its telemetry, and its profile and plan against the catalogue) and the rules
    // in force (embedded, plus the config's and --rules directories, with the project's and the
    // command line's selection, parameters and locks) do not depend on each other: the job is
    // loaded and planned on the second core while this one starts on the rules (whose files are
    // then shared between both cores, see load_rules). Diagnostics are reported in the order of a
    // sequential run (job, rules, plan, rule evaluation), so the output never depends on timing.
    // What this run builds lives until the process ends (see retain_until_exit).
    struct Built {
        std::optional<Job> job;
        std::optional<RulesInForce> rules;
        std::optional<Report> report;
        std::optional<Report> plan; ///< the report before the rules: profile, plan, ladder
    };
    const auto built = std::make_shared<Built>();
    retain_until_exit(built);
    std::optional<Job>& job = built->job;
    Diagnostics diagnostics;
    Diagnostics plan_diagnostics;
    Beside job_loading([&options, &diagnostics, &plan_diagnostics, &job, &built] {
        spdlog::debug("loading {}", options.job);
        job = load_job_file(options.job, diagnostics);
        if (job && !options.telemetry.empty()) {
            // Measured beats typed: telemetry fills current.observed before the profiler reads it.
            const std::size_t errors_before = diagnostics.error_count();
            const auto metrics = read_telemetry(options.telemetry, options.telemetry_options, diagnostics);
            if (diagnostics.error_count() > errors_before) {
                job.reset();
            } else {
                apply_telemetry(metrics, job->current.observed);
            }
        }
        if (job) {
            // Profiling and the ladder need the job and the catalogue, not the rules.
            built->plan = plan_job(*job, builtin_catalogue(), plan_diagnostics);
        }
    });
    Diagnostics rule_diagnostics;
    std::optional<RulesInForce>& rules = built->rules;
    rules = load_rules_in_force(options.rules, options.job, rule_diagnostics, RuleDetail::Evaluation);
    job_loading.join();
    for (const auto& d : rule_diagnostics.items()) {
        diagnostics.add(d);
    }
    std::optional<Report>& report = built->report;
    if (job && rules && built->plan) {
        // As advise() does, in its two halves: the plan's diagnostics, then the rules'.
        const std::size_t errors_before = diagnostics.error_count();
        for (const auto& d : plan_diagnostics.items()) {
            diagnostics.add(d);
        }
        AdviseOptions advise_options;
        advise_options.rules = &rules->rules;
        advise_options.rule_options = rules->options;
        apply_rules(*built->plan, *job, advise_options, diagnostics);
        if (diagnostics.error_count() == errors_before) {
            report = std::move(built->plan);
        }
    }
    print_diagnostics(diagnostics, context);
    if (!report) {
        return ExitCode::BadInput;
    }
    report->command = context.command_line;
    std::string content;
    if (options.format == "json") {
        content = render_json(*report);
    } else if (options.format == "markdown") {
        content = render_markdown(*report);
    } else {
        content = render_text(*report, TextOptions{options.output.empty() && context.color_stdout()});
    }
    if (!write_output(options.output, content)) {
        return ExitCode::BadInput;
    }
    const std::string fail_on = !options.fail_on_given && rules->config && rules->config->fail_on ? *rules->config->fail_on : options.fail_on;
    const int threshold = severity_rank(fail_on);
    if (threshold >= 0) {
        for (const auto& finding : report->findings) {
            if (!finding.suppressed && severity_rank(finding.severity) >= threshold) {
                return ExitCode::Findings;
            }
        }
    }
    return ExitCode::Clean;
}

} // namespace

void setup_advise(CLI::App& app, Context& context)
{
    auto options = std::make_shared<AdviseCommandOptions>();
    auto* command = app.add_subcommand("advise", "Advise on a training job: bottleneck, plan, ladder, findings");
    command->add_option("job", options->job, "Job file (JSON, see docs/job.schema.json); - reads stdin")->required();
    command->add_option("-f,--format", options->format, "Output format: text, json or markdown")->check(format_validator({"text", "json", "markdown"}));
    command->add_option("-o,--output", options->output, "Write to FILE atomically instead of stdout");
    auto* fail_on = command->add_option("--fail-on", options->fail_on,
        "Exit 1 when an unsuppressed finding is at or above this severity (none|info|low|medium|high|critical; default: the config's fail_on, else none)")
        ->check(severity_validator());
    command->add_option("--telemetry", options->telemetry,
        "nvidia-smi CSV (--query-gpu=... --format=csv) or `vmstat -n 1` captures; they override current.observed");
    command->add_option("--warmup", options->telemetry_options.warmup_samples, "Telemetry samples dropped at the start of each series (default 60)");
    command->add_option("--min-samples", options->telemetry_options.min_samples,
        "Telemetry samples each series needs after the warm-up, else \"insufficient data\" (default 120)")
        ->check(CLI::Range(1, 100000000));
    add_rule_options(command, options->rules, true);
    add_example(command, "mlscale advise examples/imagenet-resnet50.json --format json -o advice.json");
    command->callback([options, fail_on, &context] {
        options->fail_on_given = fail_on->count() > 0;
        context.exit_code = run_advise(*options, context);
    });
}

} // namespace mlscale::cli
