// The text renderer: advice for a terminal, most important first.
#include <cmath>
#include <fmt/format.h>

#include "format.hpp"
#include "mlscale/render.hpp"

namespace mlscale {

using render::maybe;
using render::number;

namespace {

struct Style {
    bool color;
    [[nodiscard]] std::string bold(const std::string& text) const { return color ? "\033[1m" + text + "\033[0m" : text; }
    [[nodiscard]] std::string dim(const std::string& text) const { return color ? "\033[2m" + text + "\033[0m" : text; }
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

std::string render_text(const Report& report, const TextOptions& options)
{
    const Style style{options.color};
    std::string out;
    out += style.bold(fmt::format("mlscale advice for {}", report.job_name)) + "\n\n";

    const auto& p = report.profile;
    out += style.bold("Profile") + "\n";
    out += fmt::format("  bottleneck            {}{}\n", p.bottleneck,
        p.bottleneck_basis.empty() ? "" : fmt::format(" ({})", p.bottleneck_basis));
    out += fmt::format("  GPU utilisation       {}\n", maybe(p.gpu_util_pct, " %"));
    out += fmt::format("  model                 {}, {} M parameters, {} precision, {} optimizer\n", p.model.family,
        maybe(p.model.params_millions), p.model.precision, p.model.optimizer);
    out += fmt::format("  training state        {} (weights, gradients, optimizer)\n", maybe(p.model_state_gb, " GB"));
    if (p.gpu_memory_gb) {
        out += fmt::format("  fits one GPU          {} ({} GB per GPU, 90 % usable)\n", maybe(p.fits_single_gpu), number(*p.gpu_memory_gb));
    }
    if (p.required_input_mb_s) {
        out += fmt::format("  input the GPUs need   {}\n", maybe(p.required_input_mb_s, " MB/s"));
    }
    out += "\n";

    const auto& c = report.plan.compute;
    if (!c.instance_type.empty()) {
        out += style.bold("Plan") + "\n";
        out += fmt::format("  compute               {} x {} ({} GPUs), {} parallelism, rung {}\n", c.instance_count,
            c.instance_type, c.gpus, c.parallelism.empty() ? "no" : c.parallelism, c.rung);
        out += fmt::format("  estimate              {} per run, {}, GPU utilisation {}\n", maybe(c.estimated_hours, " h"),
            c.estimated_cost_usd ? "$" + number(*c.estimated_cost_usd) : std::string("cost unknown"), maybe(c.gpu_util_pct, " %"));
        if (c.meets_target) {
            out += fmt::format("  meets the target      {}\n", *c.meets_target ? "yes" : "no");
        }
        const auto& s = report.plan.storage;
        if (!s.service.empty()) {
            out += fmt::format("  storage               {} ({} mode{})\n", s.service, s.input_mode,
                s.distribution.empty() ? "" : ", " + s.distribution);
        }
        if (report.plan.etl.service != "none") {
            out += fmt::format("  ETL                   {}\n", report.plan.etl.service);
        }
        if (report.plan.deployment.mode != "none") {
            out += fmt::format("  deployment            {}\n", report.plan.deployment.mode);
        }
        out += "\n";
    }

    if (!report.ladder.empty()) {
        out += style.bold("Ladder (scale up before scaling out)") + "\n";
        for (const auto& step : report.ladder) {
            out += fmt::format("  {} {:<18} {:<34} {:>10}  {}\n", step.chosen ? "*" : " ", step.rung, step.change,
                maybe(step.estimated_hours, " h"), step.why);
        }
        out += "\n";
    }

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
        out += style.dim(fmt::format("           {} | source: {}", where, f.source)) + "\n";
    }
    if (shown > 0) {
        out += "\n";
    }

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
    out += fmt::format("{} critical, {} high, {} medium, {} low, {} info{}\n", counts.at("critical"), counts.at("high"),
        counts.at("medium"), counts.at("low"), counts.at("info"),
        suppressed > 0 ? fmt::format(" ({} suppressed)", suppressed) : "");
    return out;
}

} // namespace mlscale
