// `mlscale rules list|explain|test`: the rule registry seen from the command line, and the hidden
// `rules docs` that generates docs/rules/ from the same registry (scripts/gen-rule-docs).
#include <filesystem>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "mlscale/suggest.hpp"

namespace mlscale::cli {

namespace {

using nlohmann::ordered_json;

const std::vector<std::string> k_category_names{"data", "storage", "etl", "compute", "distributed", "cost", "deployment", "security", "ops"};

std::string value_text(const nlohmann::json& value)
{
    if (value.is_number()) {
        return expr::format_number(value.get<double>());
    }
    if (value.is_string()) {
        return value.get<std::string>();
    }
    return value.dump();
}

std::string with_unit(const nlohmann::json& value, const std::string& unit)
{
    return unit.empty() ? value_text(value) : fmt::format("{} {}", value_text(value), unit);
}

// The parameters in force for `rule`: its defaults, then the config's and --set values.
nlohmann::json params_in_force(const Rule& rule, const RuleOptions& options)
{
    nlohmann::json params = rule.default_params();
    if (const auto it = options.params.find(rule.code); it != options.params.end()) {
        for (const auto& [name, value] : it->second) {
            params[name] = value;
        }
    }
    return params;
}

// ------------------------------------------------------------------ Markdown (docs/rules/)

std::string cell(std::string text)
{
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// Rule prose as Markdown text: '*' and '<' outside `code spans` are escaped, so
// "ml.eia1.*" stays literal instead of opening emphasis.
std::string prose(const std::string& text)
{
    std::string out;
    bool in_code = false;
    for (const char c : text) {
        if (c == '`') {
            in_code = !in_code;
        } else if (!in_code && (c == '*' || c == '<')) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string code_span(const std::string& text)
{
    return text.find('`') == std::string::npos ? "`" + text + "`" : "`` " + text + " ``";
}

std::string rule_markdown(const Rule& rule, const nlohmann::json& params)
{
    std::string out = fmt::format("# {}: {}\n\n", rule.code, prose(rule.title));
    out += fmt::format("{} · category **{}** · severity **{}** · {} · concept {}\n\n", code_span(rule.slug), rule.category, rule.severity, rule.status,
        code_span(rule.concept_key));
    out += fmt::format("## What it checks\n\n{}\n\n", prose(rule.doc.what));
    out += fmt::format("## Why it matters\n\n{}\n\n", prose(rule.doc.why));
    out += fmt::format("## Example\n\n{}\n\n", prose(rule.doc.example));
    out += fmt::format("## Recommended instead\n\n{}\n\n", prose(rule.doc.instead));
    out += "## How it decides\n\n";
    if (rule.applies_when) {
        out += fmt::format("- Applies when: {}\n", code_span(std::string(rule.applies_when->source())));
    }
    out += fmt::format("- Fires when: {}\n", code_span(std::string(rule.condition->source())));
    out += fmt::format("- Points at: {}\n", code_span(rule.location));
    out += "- A fact it needs that is missing makes it SKIP, never pass or fire.\n\n";
    out += "## Parameters\n\n";
    if (rule.params.empty()) {
        out += "None.\n\n";
    } else {
        out += "| name | value | meaning | source |\n| --- | --- | --- | --- |\n";
        for (const auto& param : rule.params) {
            out += fmt::format("| {} | {} | {} | {} |\n", code_span(param.name), cell(with_unit(params.at(param.name), param.unit)), cell(prose(param.doc)),
                cell(prose(param.source)));
        }
        out += fmt::format("\nChange one with `--set {}.{}=VALUE` or in `.mlscale.json` (docs/configuration.md).\n\n", rule.code, rule.params.front().name);
    }
    out += "## References\n\n";
    out += fmt::format("- Seed {}, section \"{}\"", rule.source.seed, rule.source.section);
    out += rule.source.quote.empty() ? "\n" : fmt::format(": \"{}\"\n", prose(rule.source.quote));
    for (const auto& reference : rule.source.newer) {
        out += reference.url.empty() ? fmt::format("- {}\n", prose(reference.fact)) : fmt::format("- {}: <{}>\n", prose(reference.fact), reference.url);
    }
    return out;
}

std::string index_markdown(const RuleSet& rules)
{
    std::string out = "# Rules\n\n";
    out += "Generated from the rule registry by `scripts/gen-rule-docs`; do not edit. Each rule is one file in\n"
           "`rules/<category>/` (docs/rule-format.md); `mlscale rules explain CODE` shows the same page.\n\n";
    out += fmt::format("{} rules.\n\n", rules.rules().size());
    out += "| code | severity | category | title | concept |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& rule : rules.rules()) {
        out += fmt::format(
            "| [{}]({}.md) | {} | {} | {} | {} |\n", rule.code, rule.code, rule.severity, rule.category, cell(prose(rule.title)), code_span(rule.concept_key));
    }
    out += "\n## Concepts\n\nEvery practice of the seed documents (`../shared/spec/practices.md`) and the rules that carry it.\n\n";
    out += "| concept | section | rules |\n| --- | --- | --- |\n";
    for (const auto& item : concepts()) {
        std::vector<std::string> codes;
        for (const auto& rule : rules.rules()) {
            if (rule.concept_key == item.key) {
                codes.push_back(fmt::format("[{}]({}.md)", rule.code, rule.code));
            }
        }
        out += fmt::format(
            "| {} | {} | {} |\n", code_span(item.key), cell(item.section), codes.empty() ? std::string("none yet") : fmt::format("{}", fmt::join(codes, ", ")));
    }
    return out;
}

// ------------------------------------------------------------------ text

std::string rule_text(const Rule& rule, const nlohmann::json& params)
{
    std::string out = fmt::format("{}  {}\n{}\n\n", rule.code, rule.slug, rule.title);
    out += fmt::format("  severity  {}\n  category  {}\n  status    {}\n  concept   {}\n  source    {}\n  file      {}{}\n\n", rule.severity, rule.category,
        rule.status, rule.concept_key, rule.source_label(), rule.file, rule.builtin ? " (built in)" : "");
    if (rule.applies_when) {
        out += fmt::format("Applies when\n  {}\n", rule.applies_when->source());
    }
    out += fmt::format("Fires when\n  {}\nPoints at\n  {}\n\n", rule.condition->source(), rule.location);
    out += fmt::format("What it checks\n  {}\n\nWhy it matters\n  {}\n\nExample\n  {}\n\nRecommended instead\n  {}\n\n", rule.doc.what, rule.doc.why,
        rule.doc.example, rule.doc.instead);
    if (!rule.params.empty()) {
        out += "Parameters (value in force, default)\n";
        for (const auto& param : rule.params) {
            const auto& current = params.at(param.name);
            out += fmt::format("  {} = {}{}\n      {}\n      source: {}\n", param.name, with_unit(current, param.unit),
                current == param.default_value ? " (default)" : fmt::format(" (default {})", value_text(param.default_value)), param.doc, param.source);
        }
        out += "\n";
    }
    out += fmt::format("References\n  seed {}, \"{}\"{}\n", rule.source.seed, rule.source.section,
        rule.source.quote.empty() ? "" : fmt::format(": \"{}\"", rule.source.quote));
    for (const auto& reference : rule.source.newer) {
        out += reference.url.empty() ? fmt::format("  {}\n", reference.fact) : fmt::format("  {}: {}\n", reference.fact, reference.url);
    }
    return out;
}

// ------------------------------------------------------------------ the subcommands

struct ListOptions {
    std::string format = "text";
    std::string category;
    RuleSources rules;
};

ExitCode run_list(const ListOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    auto rules = load_rules_in_force(options.rules, "", diagnostics);
    print_diagnostics(diagnostics, context);
    if (!rules) {
        return ExitCode::BadInput;
    }
    std::vector<const Rule*> shown;
    for (const auto& rule : rules->rules.rules()) {
        if (options.category.empty() || rule.category == options.category) {
            shown.push_back(&rule);
        }
    }
    std::string out;
    if (options.format == "json") {
        ordered_json list = ordered_json::array();
        for (const auto* rule : shown) {
            ordered_json item;
            item["code"] = rule->code;
            item["slug"] = rule->slug;
            item["concept"] = rule->concept_key;
            item["category"] = rule->category;
            item["severity"] = rule->severity;
            item["status"] = rule->status;
            item["title"] = rule->title;
            item["source"] = rule->source_label();
            item["file"] = rule->file;
            item["builtin"] = rule->builtin;
            ordered_json params = ordered_json::object();
            for (const auto& param : rule->params) {
                params[param.name] = ordered_json::parse(params_in_force(*rule, rules->options).at(param.name).dump());
            }
            item["params"] = params;
            list.push_back(item);
        }
        out = list.dump(2) + "\n";
    } else {
        for (const auto* rule : shown) {
            out += fmt::format("{:<13} {:<8} {:<11} {}\n", rule->code, rule->severity, rule->category, rule->title);
        }
        out += fmt::format("{} rule{}\n", shown.size(), shown.size() == 1 ? "" : "s");
    }
    return write_output("", out) ? ExitCode::Clean : ExitCode::BadInput;
}

struct ExplainOptions {
    std::string code;
    std::string format = "text";
    RuleSources rules;
};

ExitCode run_explain(const ExplainOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    auto rules = load_rules_in_force(options.rules, "", diagnostics);
    if (rules && rules->rules.find(options.code) == nullptr) {
        const auto match = closest_match(options.code, rules->rules.codes());
        diagnostics.add_file_error(
            "mlscale", fmt::format("unknown rule {}", options.code), match ? fmt::format("did you mean {}?", *match) : "mlscale rules list shows the codes");
    }
    print_diagnostics(diagnostics, context);
    if (!rules || diagnostics.has_errors()) {
        return ExitCode::BadInput;
    }
    const Rule& rule = *rules->rules.find(options.code);
    const auto params = params_in_force(rule, rules->options);
    const std::string out = options.format == "markdown" ? rule_markdown(rule, params) : rule_text(rule, params);
    return write_output("", out) ? ExitCode::Clean : ExitCode::BadInput;
}

struct TestOptions {
    std::vector<std::string> files;
};

ExitCode run_test(const TestOptions& options, const Context& context)
{
    Diagnostics diagnostics;
    // With files, exactly those rules (as a rule author runs them); without, the embedded catalogue.
    auto rules = load_rules(options.files, diagnostics, options.files.empty());
    print_diagnostics(diagnostics, context);
    if (!rules) {
        return ExitCode::BadInput;
    }
    std::string out;
    std::size_t cases = 0;
    std::size_t failed = 0;
    for (const auto& rule : rules->rules()) {
        for (const auto& result : run_cases(rule)) {
            ++cases;
            if (result.passed()) {
                if (!context.quiet) {
                    out += fmt::format("PASS {} {}\n", rule.code, result.name);
                    if (context.verbose && !result.message.empty()) {
                        out += fmt::format("     message: {}\n", result.message);
                    }
                }
                continue;
            }
            ++failed;
            out += fmt::format(
                "FAIL {} '{}': expected {}, got {} ({})\n", rule.code, result.name, outcome_name(result.expected), outcome_name(result.actual), result.detail);
        }
    }
    out += fmt::format("{} rule{}, {} case{}: {} passed, {} failed\n", rules->rules().size(), rules->rules().size() == 1 ? "" : "s", cases,
        cases == 1 ? "" : "s", cases - failed, failed);
    if (!write_output("", out)) {
        return ExitCode::BadInput;
    }
    return failed > 0 ? ExitCode::Findings : ExitCode::Clean;
}

struct DocsOptions {
    std::string output_dir;
};

ExitCode run_docs(const DocsOptions& options, const Context& context)
{
    namespace fs = std::filesystem;
    Diagnostics diagnostics;
    auto rules = load_rules({}, diagnostics);
    print_diagnostics(diagnostics, context);
    if (!rules) {
        return ExitCode::BadInput;
    }
    std::error_code ec;
    fs::create_directories(options.output_dir, ec);
    if (ec) {
        std::cerr << fmt::format("mlscale: cannot create {}: {}\n", options.output_dir, ec.message());
        return ExitCode::BadInput;
    }
    bool ok = write_output((fs::path(options.output_dir) / "README.md").string(), index_markdown(*rules));
    for (const auto& rule : rules->rules()) {
        ok = ok && write_output((fs::path(options.output_dir) / (rule.code + ".md")).string(), rule_markdown(rule, rule.default_params()));
    }
    return ok ? ExitCode::Clean : ExitCode::BadInput;
}

} // namespace

Command rules_command(const Context& context)
{
    auto list = std::make_shared<ListOptions>();
    Command list_command{.name = "list", .summary = "List the rules (code, severity, category, title)", .example = "mlscale rules list --format json"};
    list_command.options = {
        format_option(list->format, {"text", "json"}, "Output format: text or json"),
        {.names = "--category",
            .help = "Only this category (data, storage, etl, compute, distributed, cost, deployment, security, ops)",
            .target = &list->category,
            .choices = k_category_names},
    };
    for (auto& option : rule_options(list->rules, false)) {
        list_command.options.push_back(std::move(option));
    }
    list_command.run = [list, &context] { return run_list(*list, context); };

    auto explain = std::make_shared<ExplainOptions>();
    Command explain_command{.name = "explain",
        .summary = "Show a rule: what it checks, why, its parameters in force, its sources",
        .example = "mlscale rules explain MLS-STOR-001 --set MLS-STOR-001.max_startup_minutes=30"};
    explain_command.options = {
        {.names = "code", .help = "Rule code, e.g. MLS-STOR-001", .target = &explain->code, .required = true},
        format_option(explain->format, {"text", "markdown"}, "Output format: text or markdown"),
    };
    for (auto& option : rule_options(explain->rules, true)) {
        explain_command.options.push_back(std::move(option));
    }
    explain_command.run = [explain, &context] { return run_explain(*explain, context); };

    auto test = std::make_shared<TestOptions>();
    Command test_command{
        .name = "test", .summary = "Run the rules' own cases; exit 1 when a case fails", .example = "mlscale rules test rules/storage/MLS-STOR-001.json"};
    test_command.options = {{.names = "files", .help = "Rule files or directories (default: the built-in rules)", .target = &test->files}};
    test_command.run = [test, &context] { return run_test(*test, context); };

    auto docs = std::make_shared<DocsOptions>();
    Command docs_command{.name = "docs",
        .summary = "Write docs/rules/ from the built-in rules (scripts/gen-rule-docs)",
        .example = "mlscale rules docs --output-dir docs/rules",
        .hidden = true}; // a maintainer's tool
    docs_command.options = {{.names = "--output-dir",
        .help = "Directory to write README.md and one page per rule into",
        .target = &docs->output_dir,
        .required = true,
        .type_name = "DIR"}};
    docs_command.run = [docs, &context] { return run_docs(*docs, context); };

    return Command{.name = "rules",
        .summary = "List, explain and test the best-practice rules",
        .example = "mlscale rules explain MLS-STOR-001",
        .subcommands = {list_command, explain_command, test_command, docs_command}};
}

} // namespace mlscale::cli
