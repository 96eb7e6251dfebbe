// Plain text for `mlscale check` on a terminal: one line per finding at file:line:col, the
// recommendation under it, and a summary line; skipped files with their reasons in verbose mode.
#include <fmt/format.h>

#include "mlscale/check.hpp"

namespace mlscale {

std::string render_check_text(const CheckResult& result, const CheckRenderOptions& options)
{
    std::string out;
    std::size_t findings = 0;
    std::size_t suppressed = 0;
    std::size_t baselined = 0;
    std::size_t bad = 0;
    const auto paint = [&](const char* code, const std::string& text) { return options.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text; };
    for (const auto& file : result.files) {
        bad += file.bad() ? 1 : 0;
        for (const auto& f : file.findings) {
            if (f.suppressed || f.baselined) {
                suppressed += f.suppressed ? 1 : 0;
                baselined += f.suppressed ? 0 : 1;
                continue;
            }
            ++findings;
            const int rank = severity_rank(f.severity);
            const char* colour = rank >= severity_rank("high") ? "1;31" : (rank == severity_rank("medium") ? "1;33" : "1;36");
            out += fmt::format("{}:{}:{}: {} {} [{}] {}\n", file.file, f.location.line, f.location.column, paint(colour, f.severity), paint("1", f.rule),
                f.location.resource, f.message.empty() ? f.title : f.message);
            if (!f.recommendation.empty()) {
                out += fmt::format("    = recommendation: {}\n", f.recommendation);
            }
        }
    }
    if (options.verbose) {
        for (const auto& skipped : result.skipped) {
            out += fmt::format("{}: skipped: {}\n", skipped.file, skipped.reason);
        }
        for (const auto& file : result.files) {
            for (const auto& r : file.uninterpreted) {
                out += fmt::format("{}: not interpreted: {} ({}): {}\n", file.file, r.resource, r.kind, r.reason);
            }
        }
    }
    out += fmt::format("{}, {} finding{} ({} at or above {}), {} suppressed{}{}\n", check_summary_line(result), findings, findings == 1 ? "" : "s",
        failing_findings(result, options.fail_on), options.fail_on, suppressed, result.baseline_applied ? fmt::format(", {} in the baseline", baselined) : "",
        bad > 0 ? fmt::format(", {} unreadable", bad) : "");
    return out;
}

} // namespace mlscale
