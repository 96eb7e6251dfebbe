// GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::`
// line per input error and per finding (not suppressed, not baselined), most severe first,
// escaped as the runner expects; a closing notice with the summary.
#include <fmt/format.h>

#include "mlscale/check.hpp"

namespace mlscale {

namespace {

/// Escapes the message part: '%', CR and LF.
std::string escape_data(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '%':
            out += "%25";
            break;
        case '\r':
            out += "%0D";
            break;
        case '\n':
            out += "%0A";
            break;
        default:
            out += c;
        }
    }
    return out;
}

/// Escapes a property value: as data, plus ':' and ','.
std::string escape_property(const std::string& text)
{
    std::string out;
    for (const char c : escape_data(text)) {
        switch (c) {
        case ':':
            out += "%3A";
            break;
        case ',':
            out += "%2C";
            break;
        default:
            out += c;
        }
    }
    return out;
}

const char* command_of(const std::string& severity)
{
    const int rank = severity_rank(severity);
    return rank >= severity_rank("high") ? "error" : (rank == severity_rank("medium") ? "warning" : "notice");
}

std::string position(const std::string& file, std::uint32_t line, std::uint32_t column)
{
    std::string out = "file=" + escape_property(file);
    if (line > 0) {
        out += fmt::format(",line={},col={}", line, std::max<std::uint32_t>(column, 1));
    }
    return out;
}

} // namespace

std::string render_check_github(const CheckResult& result, const CheckRenderOptions& options)
{
    // GitHub shows a limited number of annotations per step and job: input errors first, then
    // findings by severity (blocking first), so that what fails the check is never cut off.
    std::string out;
    for (const auto& file : result.files) {
        for (const auto& d : file.diagnostics.items()) {
            if (d.level == Level::Note) {
                continue;
            }
            out += fmt::format("::{} {},title={}::{}\n", d.level == Level::Error ? "error" : "warning",
                position(file.path, d.location ? d.location->line : 0, d.location ? d.location->column : 0), escape_property("mlscale: bad input"),
                escape_data(d.message + (d.help.empty() ? "" : "\n" + d.help)));
        }
    }
    for (const auto& ranked : ranked_findings(result, options.fail_on)) {
        const Finding& f = *ranked.finding;
        if (f.suppressed || f.baselined) {
            continue;
        }
        const std::string title = fmt::format("{} {} ({})", f.rule, f.slug, f.location.resource);
        std::string message = f.message.empty() ? f.title : f.message;
        if (!f.recommendation.empty()) {
            message += "\n" + f.recommendation;
        }
        out += fmt::format("::{} {},title={}::{}\n", command_of(f.severity), position(ranked.file->path, f.location.line, f.location.column),
            escape_property(title), escape_data(message));
    }
    if (options.verbose) {
        for (const auto& skipped : result.skipped) {
            out += fmt::format("::notice title={}::{}\n", escape_property("mlscale: skipped " + skipped.path), escape_data(skipped.reason));
        }
    }
    out += fmt::format("::notice title={}::{}\n", escape_property("mlscale check"), escape_data(check_summary_line(result)));
    return out;
}

} // namespace mlscale
