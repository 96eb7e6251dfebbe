// The text renderer: advice for a terminal, most important first.
#include <cmath>
#include <fmt/format.h>

#include "format.hpp"
#include "mlscale/render.hpp"

namespace mlscale {

using render::accelerator;
using render::consumers;
using render::maybe;
using render::model_summary;
using render::number;
using render::on_spot;

namespace {

struct Style {
    bool color;
    [[nodiscard]] std::string bold(const std::string& text) const
    {
        return color ? "\033[1m" + text + "\033[0m" : text;
    }
    [[nodiscard]] std::string dim(const std::string& text) const
    {
        return color ? "\033[2m" + text + "\033[0m" : text;
    }
    [[nodiscard]] std::string severity(const std::string& severity) const
    {
        std::string label = fmt::format("{:<8}", severity);
        if (!color) {
            return label;
        }
        if (severity == "critical" || severity == "high") {
            return "\033[1;31m" + label + "\033[0m";
        }
        if (severity == "medium") {
            return "\033[1;33m" + label + "\033[0m";
        }
        return "\033[36m" + label + "\033[0m";
    }
};

} // namespace

namespace {

std::string plan_section(const Report& report, const Style& style)
{
    std::string out;
    const auto& c = report.plan.compute;
    if (!c.instance_type.empty()) {
        out += style.bold("Plan") + "\n";
        out += fmt::format("  compute               {} x {} ({}), rung {}\n", c.instance_count, c.instance_type,
            c.gpus == 0 ? std::string("CPUs only") : fmt::format("{} {}{}", c.gpus, c.device, c.gpus == 1 ? "" : "s"), c.rung);
        out += fmt::format("  parallelism           {}{}{}{}\n", c.parallelism.empty() ? "none" : c.parallelism,
            c.context_parallel ? fmt::format(", context parallel {}", *c.context_parallel) : "",
            c.expert_parallel ? fmt::format(", expert parallel {}", *c.expert_parallel) : "",
            c.distribution.empty() || c.distribution == "none" ? "" : fmt::format(" (SageMaker distribution: {})", c.distribution));
        out += fmt::format("  estimate              {} per run, {}{}{}\n", maybe(c.estimated_hours, " h"),
            c.estimated_cost_usd ? "$" + number(*c.estimated_cost_usd) + on_spot(c.purchase) : std::string("cost unknown"),
            c.gpus == 0 ? std::string() : fmt::format(", {} utilisation {}", c.device, maybe(c.gpu_util_pct, " %")),
            // The JSON's bottleneck enum says "gpu" on Trainium too; the text says chip, as the ladder does.
            c.bottleneck.empty() ? "" : fmt::format(", {}-bound", render::bound_word(c.bottleneck, c.device)));
        if (c.meets_target) {
            out += fmt::format("  meets the target      {}\n", *c.meets_target ? "yes" : "no");
        }
        if (report.current_hours) {
            out += fmt::format("  today                 {} per run, {} on {} x {}{}\n", number(*report.current_hours) + " h",
                report.current_cost_usd ? "$" + number(*report.current_cost_usd) + on_spot(report.current_purchase) : std::string("cost unknown"),
                report.current_instance_count, report.current_instance_type,
                report.current_fits == std::optional<bool>(false) ? ", if it fit (the memory model says it does not: see below)" : "");
        }
        if (c.total_cost_usd && c.estimated_cost_usd && *c.total_cost_usd > *c.estimated_cost_usd * 1.0001) {
            out += fmt::format(
                "  all runs              ${} (every run, storage {})\n", number(*c.total_cost_usd), report.plan.storage.cost_usd ? "included" : "not priced");
        }
        const auto& s = report.plan.storage;
        if (!s.service.empty()) {
            std::string detail = (s.input_label.empty() ? s.input_mode : s.input_label) + " mode";
            if (!s.distribution.empty()) {
                detail += ", " + (s.distribution_label.empty() ? s.distribution : s.distribution_label);
            }
            if (s.fsx_capacity_gib) {
                detail += fmt::format(", {} {} GiB", s.fsx_deployment_type, number(*s.fsx_capacity_gib));
            }
            if (s.volume_gb) {
                detail += fmt::format(", volume {} GB", number(*s.volume_gb));
            }
            if (s.cost_usd) {
                detail += fmt::format(", ${} for all runs", number(*s.cost_usd));
            }
            out += fmt::format("  storage               {} ({})\n", s.service, detail);
        }
        out += fmt::format("  ETL                   {}\n", report.plan.etl.service);
        for (const auto& step : report.plan.etl.steps) {
            out += fmt::format("                          - {}\n", step);
        }
        if (report.plan.deployment.mode != "none") {
            out += fmt::format("  deployment            {}{}\n", report.plan.deployment.mode,
                report.plan.deployment.instance_count ? fmt::format(", {} instances", *report.plan.deployment.instance_count) : "");
        }
        for (const auto* notes : {&c.notes, &s.notes, &report.plan.deployment.notes}) {
            for (const auto& note : *notes) {
                out += "  - " + note + "\n";
            }
        }
        out += "\n";
    } else if (!c.notes.empty()) { // no configuration: the notes say why
        out += style.bold("Plan") + "\n  compute               none\n";
        for (const auto& note : c.notes) {
            out += "  - " + note + "\n";
        }
        out += "\n";
    }

    return out;
}

std::string ladder_section(const Report& report, const Style& style)
{
    std::string out;
    if (!report.ladder.empty()) {
        out +=
            style.bold("Ladder (fix the data pipeline, scale up, then out; stop at the first rung that meets the target, or a higher one that meets for less; "
                       "cost: every run, storage included)") +
            "\n";
        out += fmt::format("    {:<18} {:<24} {:>10} {:>12}  {}\n", "rung", "instances", "hours", "cost", "verdict");
        for (const auto& step : report.ladder) {
            const auto cost = step.total_cost_usd ? step.total_cost_usd : step.estimated_cost_usd; // what the verdicts compare
            const std::string instances = step.instance_type.empty() ? "-" : fmt::format("{} x {}", step.instance_count, step.instance_type);
            std::string verdict = step.meets_target ? (*step.meets_target ? "meets" : "misses") : "";
            if (step.purchase == "spot") {
                verdict += verdict.empty() ? "on spot" : ", on spot";
            }
            if (verdict.empty()) {
                verdict = "-";
            }
            out += fmt::format("  {} {:<18} {:<24} {:>10} {:>12}  {}\n", step.chosen ? "*" : " ", step.rung, instances,
                step.estimated_hours ? number(*step.estimated_hours) + " h" : std::string("-"), cost ? "$" + number(*cost) : std::string("-"),
                verdict + (step.chosen ? " (chosen)" : ""));
            out += fmt::format("      change: {}\n", step.change);
            out += style.dim(fmt::format("      why:    {}", step.why)) + "\n";
        }
        out += "\n";
    }

    return out;
}

std::string findings_section(const Report& report, const Style& style)
{
    std::string out;
    int shown = 0;
    for (const auto& f : report.findings) {
        if (f.suppressed) {
            continue;
        }
        if (shown++ == 0) {
            out += style.bold("Findings") + "\n";
        }
        std::string where = f.location.pointer;
        if (f.location.line > 0) {
            where = fmt::format("{}:{}:{} {}", f.location.file, f.location.line, f.location.column, f.location.pointer);
        }
        out += fmt::format("  {} {} {}\n", style.severity(f.severity), f.rule, f.message);
        if (!f.recommendation.empty()) {
            out += fmt::format("           -> {}\n", f.recommendation);
        }
        if (f.location.field_absent) {
            where += fmt::format(" (absent; position of {})", f.location.located_at.empty() ? "the document" : f.location.located_at);
        }
        if (!f.evidence.empty()) {
            std::vector<std::string> seen;
            for (const auto& [path, value] : f.evidence.items()) {
                seen.push_back(fmt::format("{} = {}", path,
                    value.is_null()         ? std::string("unknown")
                        : value.is_string() ? value.get<std::string>()
                        : value.is_number() ? number(value.get<double>())
                                            : value.dump()));
            }
            out += style.dim(fmt::format("           evidence: {}", fmt::join(seen, ", "))) + "\n";
        }
        out += style.dim(fmt::format("           {} | source: {}", where, f.source)) + "\n";
    }
    if (shown > 0) {
        out += "\n";
    }

    return out;
}

} // namespace

std::string render_text(const Report& report, const TextOptions& options)
{
    const Style style{options.color};
    std::string out;
    out += style.bold(fmt::format("mlscale advice for {}", report.job_name)) + "\n\n";

    const auto& p = report.profile;
    out += style.bold("Profile") + "\n";
    // Trainium's chips are not GPUs: "chip" in text (the JSON's bottleneck stays "gpu").
    const std::string unit = accelerator(report);
    const bool today = !report.current_instance_type.empty();
    if (today) {
        out += fmt::format("  bottleneck            {}{}\n", render::bound_word(p.bottleneck, unit),
            p.bottleneck_basis.empty() ? "" : fmt::format(" ({})", p.bottleneck_basis));
    } else { // nothing runs today: no bottleneck or utilisation to speak of
        out += "  current setup         none given (current.instance_type)\n";
    }
    const bool cpus = consumers(report) == "CPUs";
    if (!cpus && today) {
        out += fmt::format("  {:<22}{}\n", unit + " utilisation", maybe(p.gpu_util_pct, " %"));
    }
    out += fmt::format("  model                 {}\n", model_summary(report));
    if (p.model.deep) {
        out += fmt::format("  training state        {} (weights, gradients, optimizer)\n", maybe(p.model_state_gb, " GB"));
    }
    if (p.gpu_memory_gb && !cpus) {
        out += fmt::format("  {:<22}{} ({} GB per {}, 90 % usable)\n", "fits one " + unit, maybe(p.fits_single_gpu), number(*p.gpu_memory_gb), unit);
    }
    if (p.required_input_mb_s) {
        out += fmt::format("  {:<22}{}\n", "input the " + consumers(report) + " need", maybe(p.required_input_mb_s, " MB/s"));
    } else if (p.model.family == "gbdt") {
        out += fmt::format("  {:<22}{}\n", "input", "read once into memory, then every tree from there");
    }
    out += "\n";

    out += plan_section(report, style);
    out += ladder_section(report, style);
    out += findings_section(report, style);
    if (!p.assumptions.empty()) {
        out += style.bold("Assumptions") + "\n";
        for (const auto& assumption : p.assumptions) {
            out += "  - " + assumption + "\n";
        }
        out += "\n";
    }

    const auto counts = report.summary();
    int suppressed = 0;
    for (const auto& f : report.findings) {
        suppressed += f.suppressed ? 1 : 0;
    }
    out += fmt::format("{} critical, {} high, {} medium, {} low, {} info{}\n", counts.at("critical"), counts.at("high"), counts.at("medium"), counts.at("low"),
        counts.at("info"), suppressed > 0 ? fmt::format(" ({} suppressed)", suppressed) : "");
    return out;
}

} // namespace mlscale
