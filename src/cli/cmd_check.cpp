// `mlscale check PATH…`: proposals in CI (SageMaker API JSON, CloudFormation, Terraform plans
// and .tf files, Kubernetes/Kubeflow carriers, job files) checked against the rules, with findings
// at file:line:column in text, JSON, SARIF, JUnit, GitHub annotations or a Markdown summary.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "cli.hpp"
#include "mlscale/check.hpp"
#include "mlscale/render.hpp"
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
    std::vector<std::string> exclude; ///< added to the config's "exclude"
    std::string root;                 ///< default: the git top level of the working directory
    std::string environment;          ///< default: the config's "environment", then each resource's tags
    std::string stdin_filename;
};

/// The rule stage check hands to the library: the evaluator advise uses. Suppressions are applied
/// by check itself, from the proposal's in-place conventions (a job file's "suppress" among
/// them), so the job handed to the engine carries none.
RuleEvaluator make_evaluator(const std::shared_ptr<RulesInForce>& rules)
{
    RuleOptions rule_options = rules->options;
    rule_options.locked.clear();
    return [rules, rule_options](nlohmann::json facts, const ProposalUnit& unit) {
        Job job = job_from_json(unit.job);
        job.suppress.clear();
        job.document.value = unit.job;
        Diagnostics ignored; // unit-level problems were already reported by the reader
        return evaluate_rules(rules->rules, std::move(facts), job, rule_options, ignored, EvaluationOutputs{.results = false, .parameters = false}).findings;
    };
}

/// What the command line and the project config decide, merged: the command line wins; the
/// config's "exclude" and the command line's --exclude add up.
struct CheckSetup {
    CheckOptions check;
    std::vector<std::string> exclude;
};

CheckSetup resolve_setup(const CheckCommandOptions& options, const RulesInForce& rules)
{
    CheckSetup setup;
    CheckOptions& check = setup.check;
    if (options.input_format != "auto") {
        check.input_format = proposal_format_named(options.input_format);
    }
    check.jobs = options.jobs;
    check.today = options.today.empty() ? today_iso() : options.today;
    check.locked.insert(rules.options.locked.begin(), rules.options.locked.end());
    check.root = find_check_root(".");
    if (!options.root.empty()) {
        std::error_code error;
        check.root = std::filesystem::absolute(options.root, error).lexically_normal().generic_string();
        while (check.root.size() > 1 && check.root.back() == '/') {
            check.root.pop_back();
        }
    }
    check.stdin_name = options.stdin_filename;
    if (!options.environment.empty()) {
        check.environment = options.environment;
    }
    if (rules.config) {
        // Checked by docs/config.schema.json when the config was read: the types are right.
        const nlohmann::json& config = rules.config->document.value;
        if (config.contains("exclude")) {
            setup.exclude = config["exclude"].get<std::vector<std::string>>();
        }
        if (config.contains("environment")) {
            check.default_environment = config["environment"].get<std::string>();
        }
    }
    setup.exclude.insert(setup.exclude.end(), options.exclude.begin(), options.exclude.end());
    return setup;
}

/// A progress line on a terminal once the work has taken more than a couple of seconds.
struct Progress {
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    bool shown = false;

    void attach(CheckOptions& check, const Context& context)
    {
        if (::isatty(STDERR_FILENO) != 1 || context.quiet) {
            return;
        }
        check.progress = [this](std::size_t done, std::size_t total) {
            if (std::chrono::steady_clock::now() - started > std::chrono::seconds(2) && done < total) {
                std::cerr << fmt::format("\rmlscale: checked {}/{} files", done, total) << std::flush;
                shown = true;
            }
        };
    }
    void clear() const
    {
        if (shown) {
            std::cerr << "\r\x1b[K" << std::flush;
        }
    }
};

/// Renders the result in the chosen format (or the mapped units) and writes it.
bool write_report(const CheckCommandOptions& options, const std::string& fail_on, const CheckResult& result, const CheckOptions& check, const Context& context,
    Diagnostics& warnings)
{
    CheckRenderOptions render;
    render.fail_on = fail_on;
    render.rule_docs_url = options.rule_docs_url;
    render.color = options.output.empty() && context.color_stdout();
    render.verbose = context.verbose;
    render.root = check.root;
    render.warnings = &warnings;
    std::string content;
    if (options.show_units) {
        content = render_check_units(result);
    } else {
        content = find_format(check_formats(), options.format)->render(result, render);
    }
    return write_output(options.output, content);
}

ExitCode run_check(const CheckCommandOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    // The rules in force, as advise has them: embedded, the config's and --rules directories,
    // selection, parameters and locks. The config is looked for beside the first path.
    auto loaded = load_rules_in_force(options.rules, options.paths.empty() ? std::string() : options.paths.front(), diagnostics);
    if (!loaded) {
        print_diagnostics(diagnostics, context);
        return ExitCode::BadInput;
    }
    const auto rules = std::make_shared<RulesInForce>(std::move(*loaded));
    if (rules->config) {
        spdlog::debug("reading the project config {}", rules->config->file);
    }
    const std::string fail_on = rules->fail_on(options.fail_on.typed(), "high");
    CheckSetup setup = resolve_setup(options, *rules);
    CheckOptions& check = setup.check;
    check.evaluate = make_evaluator(rules);

    std::optional<Baseline> baseline;
    if (!options.baseline.empty()) {
        if (auto source = read_source(options.baseline, diagnostics)) {
            baseline = read_baseline(*source, diagnostics, check.root);
        }
    }
    std::vector<SkippedFile> excluded;
    const auto inputs = expand_check_paths(options.paths, diagnostics, setup.exclude, check.root, &excluded);
    if (diagnostics.has_errors()) {
        print_diagnostics(diagnostics, context);
        return ExitCode::BadInput;
    }

    Progress progress;
    progress.attach(check, context);
    CheckResult result = check_inputs(inputs, check);
    progress.clear();
    result.skipped.insert(result.skipped.end(), excluded.begin(), excluded.end());
    std::stable_sort(result.skipped.begin(), result.skipped.end(), [](const SkippedFile& a, const SkippedFile& b) { return a.file < b.file; });

    bool bad = false;
    bool internal = false;
    for (const auto& file : result.files) {
        bad = bad || file.bad();
        internal = internal || file.internal_error;
        for (const auto& d : file.diagnostics.items()) {
            diagnostics.add(d);
        }
    }

    if (!options.write_baseline.empty()) {
        if (const std::string error = write_file_atomic(options.write_baseline, write_baseline(result)); !error.empty()) {
            print_diagnostics(diagnostics, context);
            std::cerr << "mlscale: cannot write " << error << "\n";
            return ExitCode::BadInput;
        }
    }
    if (baseline) {
        const std::size_t known = apply_baseline(result, *baseline);
        spdlog::info("{} finding(s) already in the baseline", known);
    }
    const bool written = write_report(options, fail_on, result, check, context, diagnostics);
    print_diagnostics(diagnostics, context);
    if (!written) {
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
    std::string format_help = "Output format:";
    for (const auto& format : check_formats()) {
        format_help += fmt::format("\n  {:<9}{}", format.name, format.summary);
    }
    Command command{.name = "check",
        .summary = "Check infrastructure proposals (SageMaker API, CloudFormation, Terraform) in CI",
        .example = "mlscale check infra/ --format sarif -o mlscale.sarif"};
    command.options = {
        {.names = "paths", .help = "Files, directories (recursive), globs; - reads stdin", .target = &options->paths, .required = true},
        {.names = "--input-format", .help = input_help, .target = &options->input_format, .choices = input_formats},
        format_option(options->format, format_names(check_formats()), format_help),
        output_option(options->output),
        fail_on_option(options->fail_on, "high"),
        {.names = "--exclude",
            .help = "Leave out paths matching GLOB (repeatable; added to the config's \"exclude\"): a name matches any path segment "
                    "(charts, *.tpl.yaml), a pattern with / the path from the root (deploy/helm/**)",
            .target = &options->exclude,
            .type_name = "GLOB"},
        {.names = "--environment",
            .help = "The environment the proposals deploy to; prod or production makes every endpoint a production one "
                    "(default: the config's \"environment\", else each resource's environment/env/stage tag)",
            .target = &options->environment,
            .type_name = "NAME"},
        {.names = "--root",
            .help = "Report paths relative to DIR, in every output, fingerprint and baseline (default: the git top level, else the working "
                    "directory)",
            .target = &options->root,
            .type_name = "DIR"},
        {.names = "--stdin-filename",
            .help = "The path standard input (-) is reported under, e.g. infra/stack.yaml",
            .target = &options->stdin_filename,
            .type_name = "PATH"},
        {.names = "--baseline",
            .help = "Mark findings already in this baseline FILE: they never fail the check",
            .target = &options->baseline,
            .type_name = "FILE"},
        {.names = "--write-baseline",
            .help = "Write every unsuppressed finding to FILE as the new baseline",
            .target = &options->write_baseline,
            .type_name = "FILE"},
    };
    for (auto& option : rule_options(options->rules, true)) {
        command.options.push_back(std::move(option));
    }
    command.options.push_back({.names = "--rule-docs-url",
        .help = "Base URL of the rule pages, for SARIF helpUri (CODE.md is appended)",
        .target = &options->rule_docs_url,
        .type_name = "URL"});
    command.options.push_back({.names = "-j,--jobs", .help = "Worker threads (default: one per core)", .target = &options->jobs});
    command.options.push_back({.names = "--show-units",
        .help = "Print what each proposal was mapped to (job fields and their source lines) as JSON",
        .target = &options->show_units});
    command.options.push_back(
        {.names = "--today", .help = "Date for suppression expiry, YYYY-MM-DD (default: today, UTC)", .target = &options->today, .hidden = true});
    command.run = [options, &context] { return run_check(*options, context); };
    return command;
}

} // namespace mlscale::cli
