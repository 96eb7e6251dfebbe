// A short Markdown summary of `mlscale check` for a pull-request comment: counts by severity,
// then the findings that fail the check (capped), then unreadable files.
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
    std::string rows;
    std::size_t shown = 0;
    std::size_t total = 0;
    for (const auto& file : result.files) {
        bad += file.bad() ? 1 : 0;
        for (const auto& f : file.findings) {
            if (f.suppressed) {
                continue;
            }
            ++counts[f.severity];
            ++total;
            if (shown < k_max_rows) {
                ++shown;
                rows += fmt::format("| {} | `{}:{}` | {} | `{}` | {} |\n", f.severity, cell(file.file), f.location.line, f.rule,
                    cell(f.location.resource), cell(f.message.empty() ? f.title : f.message));
            }
        }
    }
    const std::size_t failing = failing_findings(result, options.fail_on);
    std::string out = fmt::format("# mlscale check: {}\n\n",
        bad > 0 ? fmt::format("{} unreadable file{}", bad, bad == 1 ? "" : "s")
                : (failing > 0 ? fmt::format("{} finding{} at or above {}", failing, failing == 1 ? "" : "s", options.fail_on)
                               : std::string("passed")));
    out += fmt::format("{} file{} checked; findings:", result.files.size(), result.files.size() == 1 ? "" : "s");
    for (auto it = std::rbegin(k_severities); it != std::rend(k_severities); ++it) {
        out += fmt::format(" {} {},", counts[*it], *it);
    }
    out.pop_back();
    out += ".\n";
    if (total > 0) {
        out += "\n| Severity | Where | Rule | Resource | Finding |\n|---|---|---|---|---|\n" + rows;
        if (total > shown) {
            out += fmt::format("\n…and {} more (see the SARIF or JSON report).\n", total - shown);
        }
    }
    if (bad > 0) {
        out += "\n**Unreadable:**\n\n";
        for (const auto& file : result.files) {
            for (const auto& d : file.diagnostics.items()) {
                if (d.level == Level::Error) {
                    out += fmt::format("- `{}:{}`: {}\n", cell(file.file), d.location ? d.location->line : 0, cell(d.message));
                }
            }
        }
    }
    return out;
}

} // namespace mlscale
