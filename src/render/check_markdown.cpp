// A Markdown summary of `mlscale check` for a pull-request comment: what was checked and
// skipped, counts by severity, every blocking finding and then the others by severity (capped),
// unreadable files, and (verbose) the skipped files with their reasons.
#include <fmt/format.h>

#include "mlscale/check.hpp"

namespace mlscale {

namespace {

constexpr std::size_t k_max_rows = 50; ///< a PR comment stays readable; the SARIF has the rest

std::string cell(const std::string& text)
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
    return out;
}

} // namespace

std::string render_check_markdown(const CheckResult& result, const CheckRenderOptions& options)
{
    std::map<std::string, int> counts;
    std::size_t bad = 0;
    for (const auto& file : result.files) {
        bad += file.bad() ? 1 : 0;
    }
    // Every blocking finding, then the others by severity up to the cap: a reviewer never has to
    // open the SARIF to see what fails the check.
    std::string rows;
    std::size_t total = 0;
    std::size_t shown = 0;
    std::size_t baselined = 0;
    for (const auto& ranked : ranked_findings(result, options.fail_on)) {
        const Finding& f = *ranked.finding;
        if (f.suppressed || f.baselined) {
            baselined += f.baselined && !f.suppressed ? 1 : 0;
            continue;
        }
        ++counts[f.severity];
        ++total;
        const bool blocking = blocking_finding(f, options.fail_on);
        if (blocking || shown < k_max_rows) {
            ++shown;
            rows += fmt::format("| {}{} | `{}:{}` | {} | `{}` | {} |\n", f.severity, blocking ? " (blocking)" : "", cell(ranked.file->path), f.location.line,
                f.rule, cell(f.location.resource), cell(f.message.empty() ? f.title : f.message));
        }
    }
    const std::size_t failing = failing_findings(result, options.fail_on);
    std::string out = fmt::format("# mlscale check: {}\n\n",
        bad > 0 ? fmt::format("{} unreadable file{}", bad, bad == 1 ? "" : "s")
                : (failing > 0 ? fmt::format("{} finding{} at or above {}", failing, failing == 1 ? "" : "s", options.fail_on) : std::string("passed")));
    out += check_summary_line(result) + "; findings:";
    for (auto it = std::rbegin(k_severities); it != std::rend(k_severities); ++it) {
        out += fmt::format(" {} {},", counts[*it], *it);
    }
    out.pop_back();
    out += result.baseline_applied ? fmt::format(" ({} more in the baseline).\n", baselined) : ".\n";
    if (total > 0) {
        out += "\n| Severity | Where | Rule | Resource | Finding |\n|---|---|---|---|---|\n" + rows;
        if (total > shown) {
            out += fmt::format("\n…and {} more below {} (see the SARIF or JSON report).\n", total - shown, options.fail_on);
        }
    }
    if (bad > 0) {
        out += "\n**Unreadable:**\n\n";
        for (const auto& file : result.files) {
            for (const auto& d : file.diagnostics.items()) {
                if (d.level == Level::Error) {
                    out += fmt::format("- `{}:{}`: {}\n", cell(file.path), d.location ? d.location->line : 0, cell(d.message));
                }
            }
        }
    }
    if (options.verbose && !result.skipped.empty()) {
        out += "\n**Skipped:**\n\n";
        for (const auto& skipped : result.skipped) {
            out += fmt::format("- `{}`: {}\n", cell(skipped.path), cell(skipped.reason));
        }
    }
    return out;
}

} // namespace mlscale
