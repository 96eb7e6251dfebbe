// GitHub Actions workflow commands: one `::error|warning|notice file=…,line=…,col=…,title=…::`
// line per unsuppressed finding and per input error, escaped as the runner expects.
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
        case '%': out += "%25"; break;
        case '\r': out += "%0D"; break;
        case '\n': out += "%0A"; break;
        default: out += c;
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
        case ':': out += "%3A"; break;
        case ',': out += "%2C"; break;
        default: out += c;
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

std::string render_check_github(const CheckResult& result, const CheckRenderOptions&)
{
    std::string out;
    for (const auto& file : result.files) {
        for (const auto& d : file.diagnostics.items()) {
            if (d.level == Level::Note) {
                continue;
            }
            out += fmt::format("::{} {},title={}::{}\n", d.level == Level::Error ? "error" : "warning",
                position(d.file.empty() ? file.file : d.file, d.location ? d.location->line : 0, d.location ? d.location->column : 0),
                escape_property("mlscale: bad input"), escape_data(d.message + (d.help.empty() ? "" : "\n" + d.help)));
        }
        for (const auto& f : file.findings) {
            if (f.suppressed) {
                continue;
            }
            const std::string title = fmt::format("{} {} ({})", f.rule, f.slug, f.location.resource);
            std::string message = f.message.empty() ? f.title : f.message;
            if (!f.recommendation.empty()) {
                message += "\n" + f.recommendation;
            }
            out += fmt::format("::{} {},title={}::{}\n", command_of(f.severity), position(file.file, f.location.line, f.location.column),
                escape_property(title), escape_data(message));
        }
    }
    return out;
}

} // namespace mlscale
