// The Markdown renderer: a review document (GitHub-flavoured, markdownlint-clean) for an
// architecture review — verdict first, then the numbers behind it, the decision path, the plan,
// the candidates and every finding with its source.
#include <algorithm>
#include <fmt/format.h>

#include "format.hpp"
#include "mlscale/render.hpp"

namespace mlscale {

using render::accelerator;
using render::consumers;
using render::hours;
using render::maybe;
using render::model_summary;
using render::money;
using render::number;
using render::on_spot;

namespace {

// Table cells cannot hold '|' or line breaks.
std::string cell(std::string text)
{
    std::string out;
    for (const char c : text) {
        if (c == '|') {
            out += "\\|";
        } else if (c == '\n' || c == '\r') {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out.empty() ? std::string("—") : out;
}

// Mermaid labels are quoted; quotes inside become #quot;.
std::string mermaid_label(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        out += c == '"' ? std::string("#quot;") : std::string(1, c);
    }
    return out;
}

std::string heading(int level, const std::string& text)
{
    return std::string(static_cast<std::size_t>(level), '#') + " " + text + "\n\n";
}

std::string json_value_text(const nlohmann::json& value)
{
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_number()) {
        return number(value.get<double>());
    }
    if (value.is_boolean()) {
        return value.get<bool>() ? "yes" : "no";
    }
    if (value.is_array()) {
        std::string out;
        for (const auto& item : value) {
            out += (out.empty() ? "" : ", ") + json_value_text(item);
        }
        return out;
    }
    return value.dump();
}

// "12 h and $340", "an unknown time and cost" (a plan that is not timed).
std::string time_and_cost(const std::optional<double>& hours_per_run, const std::optional<double>& cost, const std::string& purchase)
{
    if (!hours_per_run && !cost) {
        return "an unknown time and cost";
    }
    return fmt::format(
        "{} and {}", hours_per_run ? hours(*hours_per_run) : std::string("an unknown time"), cost ? money(*cost) + purchase : std::string("an unknown cost"));
}

std::string plan_line(const Report& report)
{
    const auto& c = report.plan.compute;
    if (c.gpus == 0) {
        return fmt::format("{} × {} (CPUs only)", c.instance_count, c.instance_type);
    }
    return fmt::format("{} × {} ({} {}{})", c.instance_count, c.instance_type, c.gpus, c.device, c.gpus == 1 ? "" : "s");
}

std::string verdict(const Report& report)
{
    const auto& c = report.plan.compute;
    if (c.instance_type.empty()) {
        for (const auto& note : c.notes) {
            if (note.rfind("no plan: ", 0) == 0) {
                return "mlscale could not recommend a configuration: " + note.substr(9) + ".";
            }
        }
        return "mlscale could not recommend a configuration: the job does not say enough (see the assumptions below).";
    }
    std::string time_cost = !c.estimated_hours && !c.estimated_cost_usd
        ? "an unknown time and cost per run on " + plan_line(report)
        : fmt::format("{} and {} per run on {}", maybe(c.estimated_hours, " h"),
              c.estimated_cost_usd ? money(*c.estimated_cost_usd) + on_spot(c.purchase) : std::string("an unknown cost"), plan_line(report));
    std::string today;
    if (report.current_hours) {
        today = fmt::format(" Today: {} and {} on {} × {}{}.", hours(*report.current_hours),
            report.current_cost_usd ? money(*report.current_cost_usd) + on_spot(report.current_purchase) : std::string("an unknown cost"),
            report.current_instance_count, report.current_instance_type,
            report.current_fits == std::optional<bool>(false) ? ", if it fit (the memory model says it does not)" : "");
    }
    const auto target = report.job_inputs.contains("training") ? report.job_inputs["training"].value("target_hours", nlohmann::json()) : nlohmann::json();
    if (!c.meets_target) {
        const auto budget = report.job_inputs.contains("training") ? report.job_inputs["training"].value("budget_usd", nlohmann::json()) : nlohmann::json();
        if (target.is_number() || budget.is_number()) { // a target, but the plan is not timed
            return fmt::format("Not timed, so whether it meets the {} is unknown: {}.{}",
                target.is_number() ? fmt::format("target of {} h", number(target.get<double>())) : std::string("budget"), time_cost, today);
        }
        return fmt::format(
            "No target given: the cheapest configuration that {} is {}.{}", c.gpus > 0 ? "keeps the GPUs busy" : "can run the job", time_cost, today);
    }
    if (*c.meets_target) {
        return fmt::format("Meets the target{}: {}.{}", target.is_number() ? fmt::format(" of {} h", number(target.get<double>())) : "", time_cost, today);
    }
    return fmt::format(
        "Does not meet the target{}; best effort: {}.{}", target.is_number() ? fmt::format(" of {} h", number(target.get<double>())) : "", time_cost, today);
}

std::vector<std::string> top_actions(const Report& report)
{
    std::vector<std::string> actions;
    // The ladder first: the data-pipeline fixes the plan relies on, then the chosen configuration.
    bool fixed = false; // the plan's pipeline fix is an action: a finding that says "fix the pipeline first" repeats it
    for (const auto& step : report.ladder) {
        if (step.rung == "fix-data-pipeline" && !step.change.empty()) {
            fixed = true;
            actions.push_back(fmt::format("Fix the data pipeline first: {}.", step.change));
        }
    }
    bool moved = false; // the plan's move is an action: a finding that says "adopt the plan" repeats it
    for (const auto& step : report.ladder) {
        if (step.chosen && step.rung != "fix-data-pipeline" && !step.instance_type.empty()) {
            moved = true;
            // A job already on the chosen configuration keeps it; "move to" what it runs on contradicts the plan.
            const bool today = step.instance_type == report.current_instance_type && step.instance_count == report.current_instance_count;
            // The change names the instance type too ("8 B200 GPUs in one node over NVSwitch (ml.p6-b200.48xlarge)"): once is enough.
            std::string change = step.change;
            if (const auto at = change.find(" (" + step.instance_type + ")"); at != std::string::npos) {
                change.erase(at, step.instance_type.size() + 3);
            }
            if (const std::string lead = fmt::format("{} x {} ", step.instance_count, step.instance_type); change.rfind(lead, 0) == 0) {
                change.erase(0, lead.size()); // "2 x ml.p5.48xlarge (16 H100 GPUs) over EFA ...": the count and type lead the action
                if (const auto close = change.find(')'); change.rfind('(', 0) == 0 && close != std::string::npos) {
                    change = change.substr(1, close - 1) + change.substr(close + 1); // "16 H100 GPUs over EFA ..."
                }
            }
            const bool bare = change.empty() || change == fmt::format("{} x {}", step.instance_count, step.instance_type); // the change says nothing more
            actions.push_back(fmt::format("{} {} × {}{}: {} per run.", today ? "Keep" : "Move to", step.instance_count, step.instance_type,
                bare ? std::string() : " (" + change + ")", time_and_cost(step.estimated_hours, step.estimated_cost_usd, "")));
        }
    }
    for (const auto& finding : report.findings) {
        if (actions.size() >= 3) {
            break;
        }
        const bool repeats = (moved && finding.recommendation.rfind("Move to the recommended ", 0) == 0) ||
            (fixed && finding.recommendation.rfind("Fix the data pipeline before buying GPUs", 0) == 0);
        if (!finding.suppressed && !finding.recommendation.empty() && !repeats) {
            actions.push_back(fmt::format("{} ({}, {}).", finding.recommendation, finding.rule, finding.severity));
        }
    }
    if (actions.size() > 3) {
        actions.resize(3);
    }
    return actions;
}

std::string summary_section(const Report& report, int level)
{
    std::string out = heading(level, "Summary");
    out += "**Verdict:** " + verdict(report) + "\n\n";
    const auto actions = top_actions(report);
    if (!actions.empty()) {
        out += "The most important actions:\n\n";
        for (std::size_t i = 0; i < actions.size(); ++i) {
            out += fmt::format("{}. {}\n", i + 1, actions[i]);
        }
        out += "\n";
    }
    const auto counts = report.summary();
    out += fmt::format("Findings: {} critical, {} high, {} medium, {} low, {} info.\n\n", counts.at("critical"), counts.at("high"), counts.at("medium"),
        counts.at("low"), counts.at("info"));
    return out;
}

std::string inputs_section(const Report& report, int level)
{
    std::string out = heading(level, "Inputs and assumptions");
    out += "What the job file says:\n\n| section | field | value |\n| --- | --- | --- |\n";
    int rows = 0;
    for (const auto& [section, fields] : report.job_inputs.items()) {
        if (!fields.is_object() || section == "suppress") {
            continue;
        }
        for (const auto& [field, value] : fields.items()) {
            if (value.is_null() || field.rfind("x-", 0) == 0) {
                continue;
            }
            if (value.is_object()) {
                for (const auto& [sub, subvalue] : value.items()) {
                    if (!subvalue.is_null() && !subvalue.is_object()) {
                        out += fmt::format("| {} | {}.{} | {} |\n", section, cell(field), cell(sub), cell(json_value_text(subvalue)));
                        ++rows;
                    }
                }
                continue;
            }
            out += fmt::format("| {} | {} | {} |\n", section, cell(field), cell(json_value_text(value)));
            ++rows;
        }
    }
    if (rows == 0) {
        out += "| — | — | — |\n";
    }
    out += "\n";
    if (report.profile.assumptions.empty()) {
        out += "mlscale assumed nothing: every value it needed was given.\n\n";
    } else {
        out += "What mlscale assumed where the job is silent:\n\n";
        for (const auto& assumption : report.profile.assumptions) {
            out += "- " + assumption + "\n";
        }
        out += "\n";
    }
    return out;
}

std::string profile_section(const Report& report, int level)
{
    const auto& p = report.profile;
    std::string out = heading(level, "Profile");
    if (report.current_instance_type.empty()) { // nothing runs today: the model alone, no rates to show as unknown
        out += "The job names no current setup (`current.instance_type`): the profile describes the model, and the decision path below times "
               "each configuration.\n\n| quantity | value |\n| --- | --- |\n";
        out += fmt::format("| model | {} |\n", cell(model_summary(report)));
        if (p.model.deep) {
            out += fmt::format("| training state (weights, gradients, optimizer) | {} |\n", maybe(p.model_state_gb, " GB"));
        }
        return out + "\n";
    }
    out += fmt::format("What limits the job today: **{}**{}.\n\n", render::bound_word(p.bottleneck, accelerator(report)),
        p.bottleneck_basis == "observed" ? " (from measured utilisation)" : (p.bottleneck_basis.empty() ? "" : " (from the performance model)"));
    out += "| quantity | value |\n| --- | --- |\n";
    const std::string who = consumers(report);
    if (who != "CPUs") {
        out += fmt::format("| {} utilisation | {} |\n", accelerator(report), maybe(p.gpu_util_pct, " %"));
    }
    out += fmt::format("| input the {} consume at full speed | {} |\n", who,
        p.model.family == "gbdt" && !p.required_input_mb_s ? std::string("none after loading: the data is read once into memory")
                                                           : maybe(p.required_input_mb_s, " MB/s"));
    const auto& derived = p.derived;
    auto derived_number = [&](const char* group, const char* key, const char* unit) {
        if (derived.contains(group) && derived[group].contains(key) && derived[group][key].is_number()) {
            return number(derived[group][key].get<double>()) + unit;
        }
        return std::string("unknown");
    };
    out += fmt::format("| what storage and network supply | {} |\n", derived_number("estimate", "storage_mb_s", " MB/s"));
    out += fmt::format("| samples/s the {} could process | {} |\n", who, derived_number("estimate", "compute_samples_per_sec", ""));
    if (p.model.deep) {
        out += fmt::format("| samples/s the CPUs can prepare | {} |\n", derived_number("estimate", "cpu_samples_per_sec", ""));
    }
    out += fmt::format("| model | {} |\n", cell(model_summary(report)));
    if (p.model.deep) {
        out += fmt::format("| training state (weights, gradients, optimizer) | {} |\n", maybe(p.model_state_gb, " GB"));
        out += fmt::format("| memory of one {} | {} |\n", accelerator(report), maybe(p.gpu_memory_gb, " GB"));
        out += fmt::format("| fits one {} (90 % usable) | {} |\n", accelerator(report), maybe(p.fits_single_gpu));
    }
    return out + "\n";
}

std::string decision_section(const Report& report, int level)
{
    std::string out = heading(level, "Decision path");
    if (report.ladder.empty()) {
        return out + "No ladder was walked: the job does not name enough to estimate a configuration.\n\n";
    }
    out += "mlscale scales up before it scales out, and stops at the first rung that meets the target (costs: every run, storage included).\n\n";
    out += "```mermaid\nflowchart TD\n";
    for (std::size_t i = 0; i < report.ladder.size(); ++i) {
        const auto& step = report.ladder[i];
        std::string estimate = step.estimated_hours ? hours(*step.estimated_hours) : std::string("not estimated");
        if (const auto cost = step.total_cost_usd ? step.total_cost_usd : step.estimated_cost_usd) {
            estimate += ", " + money(*cost) + on_spot(step.purchase); // what the verdicts compare: every run, storage included
        }
        const std::string verdict_text = step.meets_target ? (*step.meets_target ? "meets the target" : "misses the target") : "";
        out += fmt::format("  R{}[\"{}<br/>{}<br/>{}{}\"]\n", i, mermaid_label(step.rung), mermaid_label(step.change), estimate,
            verdict_text.empty() ? "" : "<br/>" + verdict_text);
        if (i > 0) {
            out += fmt::format("  R{} --> R{}\n", i - 1, i);
        }
        if (step.chosen) {
            out += fmt::format("  style R{} stroke-width:4px\n", i);
        }
    }
    out += "```\n\n";
    out += "| rung | change | estimate | meets target | why |\n| --- | --- | --- | --- | --- |\n";
    for (const auto& step : report.ladder) {
        out += fmt::format("| {}{} | {} | {} | {} | {} |\n", step.rung, step.chosen ? " (chosen)" : "", cell(step.change),
            step.estimated_hours ? hours(*step.estimated_hours) : std::string("—"), step.meets_target ? (*step.meets_target ? "yes" : "no") : "—",
            cell(step.why));
    }
    return out + "\n";
}

std::string plan_section(const Report& report, int level)
{
    const auto& plan = report.plan;
    std::string out = heading(level, "Plan");
    out += heading(level + 1, "Compute");
    out += "| setting | value |\n| --- | --- |\n";
    out += fmt::format("| instances | {} |\n", plan.compute.instance_type.empty() ? "—" : plan_line(report));
    out += fmt::format("| rung | {} |\n", cell(plan.compute.rung));
    out += fmt::format("| parallelism | {}{}{} |\n", cell(plan.compute.parallelism),
        plan.compute.context_parallel ? fmt::format(", context parallel {}", *plan.compute.context_parallel) : "",
        plan.compute.expert_parallel ? fmt::format(", expert parallel {}", *plan.compute.expert_parallel) : "");
    if (!plan.compute.distribution.empty()) { // SageMaker training only
        out += fmt::format("| SageMaker distribution | {} |\n", cell(plan.compute.distribution));
    }
    out += fmt::format("| estimated time per run | {} |\n", plan.compute.estimated_hours ? hours(*plan.compute.estimated_hours) : "unknown");
    out += fmt::format("| estimated cost per run | {} |\n",
        plan.compute.estimated_cost_usd ? money(*plan.compute.estimated_cost_usd) + on_spot(plan.compute.purchase) : "unknown");
    if (plan.compute.purchase == "spot" && plan.compute.on_demand_hours && plan.compute.on_demand_cost_usd) {
        out += fmt::format("| the same run On-Demand | {}, {} |\n", hours(*plan.compute.on_demand_hours), money(*plan.compute.on_demand_cost_usd));
    }
    if (plan.compute.total_cost_usd && plan.compute.estimated_cost_usd && *plan.compute.total_cost_usd > *plan.compute.estimated_cost_usd * 1.0001) {
        out += fmt::format("| cost of all runs, storage {} | {} |\n", plan.storage.cost_usd ? "included" : "not priced", money(*plan.compute.total_cost_usd));
    }
    if (plan.storage.cost_usd) {
        out += fmt::format("| storage, all runs | {} |\n", money(*plan.storage.cost_usd));
    }
    out += fmt::format("| {} utilisation | {} |\n", plan.compute.device, maybe(plan.compute.gpu_util_pct, " %"));
    out += fmt::format("| EFA and one placement group | {} |\n\n", plan.compute.efa ? "yes" : "no");
    for (const auto& note : plan.compute.notes) {
        out += "- " + note + "\n";
    }
    if (!plan.compute.notes.empty()) {
        out += "\n";
    }
    out += heading(level + 1, "Storage");
    out += "| setting | value |\n| --- | --- |\n";
    out += fmt::format("| service | {} |\n", cell(plan.storage.service));
    out += fmt::format("| input mode | {} |\n", cell(plan.storage.input_label.empty() ? plan.storage.input_mode : plan.storage.input_label));
    out += fmt::format("| distribution | {} |\n", cell(plan.storage.distribution_label.empty() ? plan.storage.distribution : plan.storage.distribution_label));
    if (plan.storage.fsx_capacity_gib) {
        out += fmt::format("| FSx for Lustre | {}, {} GiB |\n", cell(plan.storage.fsx_deployment_type), number(*plan.storage.fsx_capacity_gib));
    }
    if (plan.storage.volume_gb) {
        out += fmt::format("| EBS volume per instance | {} GB |\n", number(*plan.storage.volume_gb));
    }
    if (plan.storage.throughput_mb_s) {
        out += fmt::format("| throughput | {} MB/s |\n", number(*plan.storage.throughput_mb_s));
    }
    out += "\n";
    for (const auto& note : plan.storage.notes) {
        out += "- " + note + "\n";
    }
    if (!plan.storage.notes.empty()) {
        out += "\n";
    }
    out += heading(level + 1, "ETL");
    if (plan.etl.service == "none" && plan.etl.steps.empty()) {
        out += "No data preparation service is needed.\n\n";
    } else {
        out += fmt::format("Service: **{}**.\n\n", plan.etl.service);
        for (std::size_t i = 0; i < plan.etl.steps.size(); ++i) {
            out += fmt::format("{}. {}\n", i + 1, plan.etl.steps[i]);
        }
        out += plan.etl.steps.empty() ? "" : "\n";
    }
    out += heading(level + 1, "Deployment");
    if (plan.deployment.mode == "none") {
        out += "The job does not describe how the model will serve predictions.\n\n";
    } else {
        out += fmt::format(
            "Mode: **{}**{}.\n\n", plan.deployment.mode, plan.deployment.instance_count ? fmt::format(", {} instances", *plan.deployment.instance_count) : "");
        for (const auto& note : plan.deployment.notes) {
            out += "- " + note + "\n";
        }
        out += plan.deployment.notes.empty() ? "" : "\n";
    }
    return out;
}

std::string candidates_section(const Report& report, int level)
{
    std::string out = heading(level, "Candidates");
    if (report.candidates.empty()) {
        return out + "No candidates were estimated.\n\n";
    }
    out += "The fastest configurations and the cheapest, so you can trade money for time.\n\n";
    out += "| instances | GPUs | storage | parallelism | hours per run | cost per run | meets target |\n";
    out += "| --- | --- | --- | --- | --- | --- | --- |\n";
    for (const auto& c : report.candidates) {
        out += fmt::format("| {} × {}{} | {} | {} | {} | {} | {} | {} |\n", c.instance_count, c.instance_type, c.chosen ? " (chosen)" : "", c.gpus,
            cell(c.storage), cell(c.parallelism), c.estimated_hours ? number(*c.estimated_hours) : "—",
            c.estimated_cost_usd ? money(*c.estimated_cost_usd) + on_spot(c.purchase) : "—", c.meets_target ? (*c.meets_target ? "yes" : "no") : "—");
    }
    out += "\n```mermaid\nxychart-beta\n  title \"Hours per run by candidate\"\n  x-axis [";
    std::string labels;
    std::string values;
    double top = 0;
    for (std::size_t i = 0; i < report.candidates.size(); ++i) {
        const auto& c = report.candidates[i];
        labels += fmt::format("{}\"{}x {}\"", i == 0 ? "" : ", ", c.instance_count, mermaid_label(c.instance_type));
        const double h = c.estimated_hours.value_or(0);
        values += fmt::format("{}{}", i == 0 ? "" : ", ", number(h));
        top = std::max(top, h);
    }
    out += labels + "]\n";
    out += fmt::format("  y-axis \"hours\" 0 --> {}\n  bar [{}]\n```\n\n", number(top > 0 ? top * 1.1 : 1), values);
    return out;
}

std::string finding_item(const Finding& f)
{
    std::string where = f.location.pointer.empty() ? std::string() : fmt::format("`{}`", f.location.pointer);
    if (f.location.line > 0) {
        where = fmt::format("`{}:{}:{}` {}", f.location.file, f.location.line, f.location.column, where);
    }
    if (!f.location.resource.empty()) {
        where += fmt::format(" (resource `{}`)", f.location.resource);
    }
    std::string out = fmt::format("- **{}** {}\n", f.rule, f.message);
    if (!where.empty()) {
        out += fmt::format("  - Where: {}\n", where);
    }
    if (f.evidence.is_object() && !f.evidence.empty()) {
        std::string evidence;
        for (const auto& [path, value] : f.evidence.items()) {
            evidence += fmt::format("{}`{}` = {}", evidence.empty() ? "" : ", ", path, json_value_text(value));
        }
        out += "  - Evidence: " + evidence + "\n";
    }
    if (!f.recommendation.empty()) {
        out += "  - Recommendation: " + f.recommendation + "\n";
    }
    std::string source = f.source.empty() ? std::string() : "seed " + f.source;
    for (const auto& url : f.references) {
        source += fmt::format("{}<{}>", source.empty() ? "" : "; ", url);
    }
    if (!source.empty()) {
        out += "  - Source: " + source + "\n";
    }
    return out;
}

std::string findings_section(const Report& report, int level)
{
    std::string out = heading(level, "Findings");
    bool any = false;
    for (const char* severity : {"critical", "high", "medium", "low", "info"}) {
        std::vector<const Finding*> group;
        for (const auto& f : report.findings) {
            if (!f.suppressed && f.severity == severity) {
                group.push_back(&f);
            }
        }
        if (group.empty()) {
            continue;
        }
        any = true;
        std::string title = severity;
        title[0] = static_cast<char>(title[0] - 'a' + 'A');
        out += heading(level + 1, fmt::format("{} ({})", title, group.size()));
        for (const auto* f : group) {
            out += finding_item(*f);
        }
        out += "\n";
    }
    if (!any) {
        out += "No rule fired.\n\n";
    }
    std::vector<const Finding*> suppressed;
    for (const auto& f : report.findings) {
        if (f.suppressed) {
            suppressed.push_back(&f);
        }
    }
    if (!suppressed.empty()) {
        out += heading(level + 1, fmt::format("Suppressed ({})", suppressed.size()));
        out += "| rule | severity | message | reason |\n| --- | --- | --- | --- |\n";
        for (const auto* f : suppressed) {
            out += fmt::format("| {} | {} | {} | {} |\n", f->rule, f->severity, cell(f->message), cell(f->suppression_reason));
        }
        out += "\n";
    }
    return out;
}

std::string appendix_section(const Report& report, int level)
{
    std::string out = heading(level, "Appendix");
    out += heading(level + 1, "Rule parameters in force (the rules that fired, and any set by the project)");
    bool any = false;
    std::string table = "| rule | parameter | value |\n| --- | --- | --- |\n";
    for (const auto& [rule, params] : report.rule_parameters.items()) {
        for (const auto& [name, value] : params.items()) {
            table += fmt::format("| {} | {} | {} |\n", rule, cell(name), cell(json_value_text(value)));
            any = true;
        }
    }
    out += any ? table + "\n" : "No rule parameters were used.\n\n";
    out += heading(level + 1, "Versions");
    out += fmt::format("- mlscale {}\n", report.tool_version);
    for (const auto& [kind, as_of] : report.catalogue_versions.items()) {
        out += fmt::format("- profiles/{}.json as of {}\n", kind, json_value_text(as_of));
    }
    out += "\n";
    if (!report.command.empty()) {
        out += heading(level + 1, "Command");
        out += fmt::format("```sh\n{}\n```\n\n", report.command);
    }
    return out;
}

} // namespace

std::string render_markdown(const Report& report, const MarkdownOptions& options)
{
    const int level = options.heading_level;
    std::string out = heading(level, fmt::format("Scaling review: {}", report.job_name));
    if (!report.file.empty()) {
        out += fmt::format("Job file: `{}`.\n\n", report.file);
    }
    out += summary_section(report, level + 1);
    out += inputs_section(report, level + 1);
    out += profile_section(report, level + 1);
    out += decision_section(report, level + 1);
    out += plan_section(report, level + 1);
    out += candidates_section(report, level + 1);
    out += findings_section(report, level + 1);
    out += appendix_section(report, level + 1);
    while (out.size() >= 2 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
        out.pop_back();
    }
    return out;
}

std::string render_markdown_index(const std::vector<Report>& reports)
{
    std::string out = "# Scaling reviews\n\n";
    out += "| job | verdict | findings (critical/high/medium) |\n| --- | --- | --- |\n";
    for (const auto& report : reports) {
        const auto counts = report.summary();
        std::string anchor = "scaling-review-" + report.job_name;
        std::transform(anchor.begin(), anchor.end(), anchor.begin(),
            [](unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '_' ? static_cast<char>(std::tolower(c)) : '-'; });
        out += fmt::format("| [{}](#{}) | {} | {}/{}/{} |\n", cell(report.job_name), anchor, cell(verdict(report)), counts.at("critical"), counts.at("high"),
            counts.at("medium"));
    }
    out += "\n";
    for (const auto& report : reports) {
        out += render_markdown(report, MarkdownOptions{2});
        out += "\n";
    }
    out.pop_back();
    return out;
}

} // namespace mlscale
