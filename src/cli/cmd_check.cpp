// `mlscale check PATH…`: proposals in CI (SageMaker API JSON, CloudFormation, Terraform plans
// and .tf files, ACK/Kubeflow carriers, job files) checked against the rules, with findings at
// file:line:column in text, JSON, SARIF, JUnit, GitHub annotations or a Markdown summary.
#include <chrono>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/check.hpp"
#include "mlscale/job.hpp"
#include "mlscale/rules.hpp"
#include "mlscale/source.hpp"

namespace mlscale::cli {

namespace {

struct CheckCommandOptions {
    std::vector<std::string> paths;
    std::string input_format = "auto";
    std::string format = "text";
    std::string output;
    FailOn fail_on{"high"};
    std::string baseline;
    std::string write_baseline;
    RuleSources rules; ///< --rules, --select, --ignore, --set, --config (shared with advise)
    std::string rule_docs_url = "https://mlscale.dev/docs/rules/";
    std::string today;
    unsigned jobs = 0;
    bool show_units = false;
};

/// The output formats of check: name, one line of help, renderer.
struct CheckFormat {
    const char* name;
    const char* summary;
    std::string (*render)(const CheckResult&, const CheckRenderOptions&);
};

const std::vector<CheckFormat>& check_formats()
{
    static const std::vector<CheckFormat> table{
        {"text", "one line per finding at file:line:col, for a terminal", render_check_text},
        {"json", "every file, resource, finding and input problem", render_check_json},
        {"sarif", "SARIF 2.1.0 for GitHub code scanning and other SARIF viewers", render_check_sarif},
        {"junit", "JUnit XML: a test suite per file, a test case per (rule, resource)", render_check_junit},
        {"github", "GitHub Actions ::error/::warning/::notice annotations", render_check_github},
        {"markdown", "a short summary for a pull-request comment", render_check_markdown},
    };
    return table;
}

ExitCode run_check(const CheckCommandOptions& options, const Context& context)
{
    Diagnostics diagnostics;

    CheckOptions check;
    if (options.input_format != "auto") {
        check.input_format = proposal_format_named(options.input_format);
    }
    check.jobs = options.jobs;
    check.today = options.today.empty() ? today_iso() : options.today;
    // The rules in force, as advise has them: embedded, the config's and --rules directories,
    // selection, parameters and locks. The config is looked for beside the first path.
    auto rules = load_rules_in_force(options.rules, options.paths.empty() ? std::string() : options.paths.front(), diagnostics);
    if (!rules) {
        print_diagnostics(diagnostics, context);
        return ExitCode::BadInput;
    }
    const std::string fail_on = rules->fail_on(options.fail_on.typed(), "high");
    check.locked.insert(rules->options.locked.begin(), rules->options.locked.end());
    // The same evaluator advise uses. Suppressions are applied by check itself, from the
    // proposal's in-place conventions (a job file's "suppress" among them), so the job handed to
    // the engine carries none.
    RuleOptions rule_options = rules->options;
    rule_options.locked.clear();
    check.evaluate = [&rules, rule_options](nlohmann::json facts, const ProposalUnit& unit) {
        Job job = job_from_json(unit.job);
        job.suppress.clear();
        job.document.value = unit.job;
        Diagnostics ignored; // unit-level problems were already reported by the reader
        return evaluate_rules(rules->rules, std::move(facts), job, rule_options, ignored,
            EvaluationOutputs{.results = false, .parameters = false})
            .findings;
    };

    std::optional<Baseline> baseline;
    if (!options.baseline.empty()) {
        if (auto source = read_source(options.baseline, diagnostics)) {
            baseline = read_baseline(*source, diagnostics);
        }
    }
    const auto inputs = expand_check_paths(options.paths, diagnostics);
    if (diagnostics.has_errors()) {
        print_diagnostics(diagnostics, context);
        return ExitCode::BadInput;
    }

    // A progress line on a terminal once the work has taken more than a couple of seconds.
    const bool tty = ::isatty(STDERR_FILENO) == 1 && !context.quiet;
    const auto started = std::chrono::steady_clock::now();
    bool progress_shown = false;
    if (tty) {
        check.progress = [&](std::size_t done, std::size_t total) {
            if (std::chrono::steady_clock::now() - started > std::chrono::seconds(2) && done < total) {
                std::cerr << fmt::format("\rmlscale: checked {}/{} files", done, total) << std::flush;
                progress_shown = true;
            }
        };
    }
    CheckResult result = check_inputs(inputs, check);
    if (progress_shown) {
        std::cerr << "\r\x1b[K" << std::flush;
    }

    bool bad = false;
    bool internal = false;
    for (const auto& file : result.files) {
        bad = bad || file.bad();
        internal = internal || file.internal_error;
        for (const auto& skipped : file.skipped) {
            spdlog::debug("{}: not interpreted: {}", file.file, skipped);
        }
        for (const auto& d : file.diagnostics.items()) {
            diagnostics.add(d);
        }
    }
    print_diagnostics(diagnostics, context);

    if (!options.write_baseline.empty()) {
        if (const std::string error = write_file_atomic(options.write_baseline, write_baseline(result)); !error.empty()) {
            std::cerr << "mlscale: cannot write " << error << "\n";
            return ExitCode::BadInput;
        }
    }
    if (baseline) {
        const std::size_t known = apply_baseline(result, *baseline);
        spdlog::info("{} finding(s) already in the baseline", known);
    }

    CheckRenderOptions render;
    render.fail_on = fail_on;
    render.rule_docs_url = options.rule_docs_url;
    render.color = options.output.empty() && context.color_stdout();
    std::string content;
    if (options.show_units) {
        content = render_check_units(result);
    } else {
        for (const auto& format : check_formats()) {
            if (options.format == format.name) {
                content = format.render(result, render);
            }
        }
    }
    if (!write_output(options.output, content)) {
        return ExitCode::BadInput;
    }
    if (internal) {
        return ExitCode::InternalError;
    }
    if (bad) {
        return ExitCode::BadInput;
    }
    return failing_findings(result, fail_on) > 0 ? ExitCode::Findings : ExitCode::Clean;
}

} // namespace

Command check_command(const Context& context)
{
    auto options = std::make_shared<CheckCommandOptions>();
    std::vector<std::string> input_formats{"auto"};
    std::string input_help = "Force the input format instead of detecting it:";
    for (const auto& info : proposal_formats()) {
        input_formats.emplace_back(info.name);
        input_help += fmt::format("\n  {:<19}{}", info.name, info.summary);
    }
    std::vector<std::string> formats;
    std::string format_help = "Output format:";
    for (const auto& format : check_formats()) {
        formats.emplace_back(format.name);
        format_help += fmt::format("\n  {:<9}{}", format.name, format.summary);
    }
    Command command{.name = "check",
        .summary = "Check infrastructure proposals (SageMaker API, CloudFormation, Terraform) in CI",
        .example = "mlscale check infra/ --format sarif -o mlscale.sarif"};
    command.options = {
        {.names = "paths", .help = "Files, directories (recursive), globs; - reads stdin", .target = &options->paths, .required = true},
        {.names = "--input-format", .help = input_help, .target = &options->input_format, .choices = input_formats},
        format_option(options->format, formats, format_help),
        output_option(options->output),
        fail_on_option(options->fail_on, "high"),
        {.names = "--baseline", .help = "Report only findings that are not in this baseline FILE", .target = &options->baseline, .type_name = "FILE"},
        {.names = "--write-baseline", .help = "Write every unsuppressed finding to FILE as the new baseline", .target = &options->write_baseline,
            .type_name = "FILE"},
    };
    for (auto& option : rule_options(options->rules, true)) {
        command.options.push_back(std::move(option));
    }
    command.options.push_back({.names = "--rule-docs-url", .help = "Base URL of the rule pages, for SARIF helpUri (CODE.md is appended)",
        .target = &options->rule_docs_url, .type_name = "URL"});
    command.options.push_back({.names = "-j,--jobs", .help = "Worker threads (default: one per core)", .target = &options->jobs});
    command.options.push_back({.names = "--show-units",
        .help = "Print what each proposal was mapped to (job fields and their source lines) as JSON",
        .target = &options->show_units});
    command.options.push_back({.names = "--today", .help = "Date for suppression expiry, YYYY-MM-DD (default: today, UTC)",
        .target = &options->today, .hidden = true});
    command.run = [options, &context] { return run_check(*options, context); };
    return command;
}

} // namespace mlscale::cli
