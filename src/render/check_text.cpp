// Plain text for `mlscale check` on a terminal: one line per finding at file:line:col, the
// recommendation under it, and a summary line.
#include <fmt/format.h>

#include "mlscale/check.hpp"

namespace mlscale {

std::string render_check_text(const CheckResult& result, const CheckRenderOptions& options)
{
    std::string out;
    std::size_t findings = 0;
    std::size_t suppressed = 0;
    std::size_t bad = 0;
    std::size_t units = 0;
    const auto paint = [&](const char* code, const std::string& text) {
        return options.color ? fmt::format("\x1b[{}m{}\x1b[0m", code, text) : text;
    };
    for (const auto& file : result.files) {
        bad += file.bad() ? 1 : 0;
        units += file.units.size();
        for (const auto& f : file.findings) {
            if (f.suppressed) {
                ++suppressed;
                continue;
            }
            ++findings;
            const int rank = severity_rank(f.severity);
            const char* colour = rank >= severity_rank("high") ? "1;31" : (rank == severity_rank("medium") ? "1;33" : "1;36");
            out += fmt::format("{}:{}:{}: {} {} [{}] {}\n", file.file, f.location.line, f.location.column, paint(colour, f.severity),
                paint("1", f.rule), f.location.resource, f.message.empty() ? f.title : f.message);
            if (!f.recommendation.empty()) {
                out += fmt::format("    = recommendation: {}\n", f.recommendation);
            }
        }
    }
    out += fmt::format("{} file{} checked, {} resource{}, {} finding{} ({} at or above {}), {} suppressed{}\n", result.files.size(),
        result.files.size() == 1 ? "" : "s", units, units == 1 ? "" : "s", findings, findings == 1 ? "" : "s",
        failing_findings(result, options.fail_on), options.fail_on, suppressed, bad > 0 ? fmt::format(", {} unreadable", bad) : "");
    return out;
}

} // namespace mlscale
